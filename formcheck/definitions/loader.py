"""Loading exercise definitions: ``poses/*.toml`` files -> TOML parse -> schema (``schema.py``) -> the
``Catalogue`` a command loads once and passes on. Every error names the file, the field and the problem in one
line.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from formcheck.definitions.schema import Exercise, FieldError, normalize_name
from formcheck.errors import PosesFileError, UnknownExerciseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def default_poses_dir() -> Path:
    """$FORMCHECK_POSES, else the source tree's poses/, else the installed copy under sys.prefix."""
    env = os.environ.get("FORMCHECK_POSES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "poses"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "formcheck" / "poses"


def _loc_part(part: str | int) -> str:
    """One step of a field's dotted path; a key that is not a plain name is quoted as TOML would
    (``cues."in position"``), escapes and all, so that the message stays on one line."""
    text = str(part)
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else json.dumps(text)


def _one_line(message: str) -> str:
    return message.replace("\r", "\\r").replace("\n", "\\n")


def _format_error(path: Path, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = list(first["loc"])
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, FieldError):
        loc += cause.loc
    msg = first["msg"].removeprefix("Value error, ")
    extra = f" (and {err.error_count() - 1} more problem(s))" if err.error_count() > 1 else ""
    return f"{path}: {'.'.join(map(_loc_part, loc)) or 'top level'}: {msg}{extra}"


def load_exercise_file(path: Path) -> Exercise:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PosesFileError(_one_line(f"{path}: not valid TOML: {exc}")) from None
    except UnicodeDecodeError as exc:  # tomllib decodes the bytes itself: TOML is UTF-8
        line = exc.object[: exc.start].count(b"\n") + 1
        raise PosesFileError(_one_line(f"{path}: not valid TOML: not UTF-8 text (line {line})")) from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise PosesFileError(_one_line(f"{path}: not valid TOML: nested too deeply")) from None
    except OSError as exc:
        raise PosesFileError(_one_line(f"{path}: cannot read: {exc.strerror}")) from None
    try:
        return Exercise.model_validate(data)
    except ValidationError as exc:
        raise PosesFileError(_one_line(_format_error(path, exc))) from None


def load_exercises(poses_dir: Path | str | None = None) -> dict[str, Exercise]:
    """All exercises in ``poses_dir`` by name. Names and aliases must be unique across files."""
    root = Path(poses_dir) if poses_dir is not None else default_poses_dir()
    if not root.is_dir():
        raise PosesFileError(f"{root}: exercise definitions directory not found")
    out: dict[str, Exercise] = {}
    seen: dict[str, Path] = {}
    for path in sorted(root.glob("*.toml")):
        ex = load_exercise_file(path)
        names = [("name", ex.name), *((f"aliases.{i}", normalize_name(a)) for i, a in enumerate(ex.aliases))]
        for field, key in names:
            if key in seen:
                raise PosesFileError(
                    _one_line(f"{path}: {field}: duplicate name {key!r}: already defined in {seen[key].name}")
                )
            seen[key] = path
        out[ex.name] = ex
    if not out:
        raise PosesFileError(f"{root}: no exercise definitions (*.toml) found")
    return out


def find_exercise(name: str, exercises: dict[str, Exercise]) -> Exercise:
    key = normalize_name(name)
    for ex in exercises.values():
        if key == ex.name or key in map(normalize_name, ex.aliases):
            return ex
    raise UnknownExerciseError(f"unknown exercise {name!r}; choose one of: {', '.join(sorted(exercises))}")


@dataclass(frozen=True)
class Catalogue:
    """Every exercise of one ``poses/`` folder, loaded once per command and handed to whatever needs them (so a
    ``--poses-dir`` reaches every comparison, not only the exercise named)."""

    exercises: Mapping[str, Exercise]
    root: Path

    @classmethod
    def load(cls, poses_dir: Path | str | None = None) -> Catalogue:
        root = Path(poses_dir) if poses_dir is not None else default_poses_dir()
        return cls(load_exercises(root), root)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)

    def find(self, name: str) -> Exercise:
        """An exercise by name or alias (any case, underscores or spaces)."""
        return find_exercise(name, dict(self.exercises))

    def resolve(self, name: str, variant: str | None = None) -> Exercise:
        """The exercise named, its variant's name checked too (bad names fail before any video is opened)."""
        ex = self.find(name)
        if variant is not None:
            ex.variant(variant)
        return ex
