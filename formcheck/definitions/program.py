"""A program a physio prescribes: which exercises and variants, which sides, sets x reps or holds x seconds, how
many days a week, for how many weeks. A TOML file, validated as strictly as ``poses/`` (file, field, problem on
one line) and against the exercise catalogue::

    name = "Psoas release, weeks 1-4"
    days_per_week = 5
    weeks = 4
    start = 2026-12-07          # optional: week 1 starts here (default: the first session done with it)

    [[exercises]]
    exercise = "hip-flexor-stretch"
    variant = "half-kneeling"   # optional: any variant of the exercise counts
    sides = "each"              # each (left and right), left, right, or both (legs together)
    sets = 2
    hold_s = 30

    [[exercises]]
    exercise = "leg-lifts"
    variant = "supine-bent-knee"
    sides = "each"
    sets = 2
    reps = 12

The program's reps and holds become the targets the engines count against (``TargetPlan``), and the report's
``target_sources`` name the program file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from formcheck.definitions.checks import FieldError
from formcheck.definitions.loader import Catalogue, _format_error, _one_line
from formcheck.definitions.parts import LegMode, Model
from formcheck.definitions.schema import Exercise, Variant
from formcheck.definitions.targets import MAX_HOLD_S, MAX_REPS, TargetPlan
from formcheck.errors import FormcheckError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ProgramFileError(FormcheckError):
    """A program file that cannot be used: its path, field and problem in one line."""


class Sides(str, Enum):
    EACH = "each"  # left and right, each in turn
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"  # both legs together (or a movement with no side)

    @property
    def legs(self) -> tuple[str, ...]:
        """The sides a set is counted on."""
        return {"each": ("left", "right"), "left": ("left",), "right": ("right",), "both": ("both",)}[self.value]


class Prescribed(Model):
    """One line of a program: an exercise (a variant of it, or any), the sides, sets x reps or sets x hold."""

    exercise: str = Field(min_length=1)
    variant: str | None = None
    sides: Sides = Sides.EACH
    sets: int = Field(ge=1, le=20, strict=True)
    reps: int | None = Field(default=None, ge=1, le=MAX_REPS, strict=True)
    hold_s: float | None = Field(default=None, gt=0, le=MAX_HOLD_S)


class ProgramModel(Model):
    name: str = Field(min_length=1, max_length=200)
    days_per_week: int = Field(ge=1, le=7, strict=True)
    weeks: int = Field(ge=1, le=104, strict=True)
    start: dt.date | None = None
    notes: str = ""
    exercises: list[Prescribed] = Field(min_length=1, max_length=50)


@dataclass(frozen=True)
class Item:
    """A prescribed exercise, resolved against the catalogue."""

    index: int
    exercise: Exercise
    variant: Variant | None  # None: any variant of the exercise (among ``choices``)
    choices: tuple[Variant, ...]  # the variants that count for it
    sides: Sides
    sets: int
    reps: int | None
    hold_s: float | None

    @property
    def variants(self) -> list[Variant]:
        return list(self.choices)

    @property
    def title(self) -> str:
        return self.exercise.title + (f": {self.variant.title}" if self.variant is not None else "")

    def matches(self, exercise: str, variant: str) -> bool:
        return exercise == self.exercise.name and any(variant == v.name for v in self.choices)

    @property
    def dose(self) -> str:
        """``2 x 12 each side``, ``2 x 30 s``, ``1 x 10 with 10 s holds, left``."""
        what = f"{self.reps}" if self.reps is not None else f"{self.hold_s:g} s"
        if self.reps is not None and self.hold_s is not None:
            what += f" with {self.hold_s:g} s holds"
        side = {Sides.EACH: " each side", Sides.BOTH: ""}.get(self.sides, f", {self.sides.value}")
        return f"{self.sets} x {what}{side}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise.name,
            "variant": self.variant.name if self.variant is not None else None,
            "sides": self.sides.value,
            "sets": self.sets,
            "reps": self.reps,
            "hold_s": self.hold_s,
        }


@dataclass(frozen=True)
class Program:
    """A validated program: its items and schedule, and the file it came from."""

    name: str
    days_per_week: int
    weeks: int
    start: dt.date | None
    notes: str
    items: tuple[Item, ...]
    path: str
    digest: str  # of the file's bytes: sessions done with an edited program are told apart

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    @property
    def source(self) -> str:
        """What ``target_sources`` says a target came from."""
        return f"program {self.path}"

    def item_for(self, exercise: str, variant: str) -> Item | None:
        return next((it for it in self.items if it.matches(exercise, variant)), None)

    def catalogue(self, catalogue: Catalogue) -> Catalogue:
        """``catalogue`` with the program's reps and holds as the targets of the variants it prescribes."""
        exercises = dict(catalogue.exercises)
        for name, plan in self.target_plans().items():
            exercises[name] = plan.apply(exercises[name])
        return Catalogue(exercises, catalogue.root)

    def target_plans(self) -> dict[str, TargetPlan]:
        plans: dict[str, TargetPlan] = {}
        for it in self.items:
            plan = plans.setdefault(it.exercise.name, TargetPlan(it.exercise.name))
            for v in it.variants:
                values, sources = plan.values.setdefault(v.name, {}), plan.sources.setdefault(v.name, {})
                if it.reps is not None and v.reps is not None:
                    values["reps"], sources["reps"] = (it.reps, it.reps), self.source
                if it.hold_s is not None and v.hold is not None:
                    values["hold"], sources["hold"] = it.hold_s, self.source
        return plans

    def target_sources(self) -> dict[str, dict[str, str]]:
        """Per ``exercise/variant``: where its targets came from (the program, else the definition)."""
        out: dict[str, dict[str, str]] = {}
        for it in self.items:
            for v in it.variants:
                srcs = out.setdefault(f"{it.exercise.name}/{v.name}", {})
                if v.reps is not None:
                    srcs["reps"] = self.source if it.reps is not None else "exercise definition"
                if v.hold is not None:
                    srcs["hold"] = self.source if it.hold_s is not None else "exercise definition"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.path,
            "digest": self.digest,
            "days_per_week": self.days_per_week,
            "weeks": self.weeks,
            "start": self.start.isoformat() if self.start else None,
            "exercises": [it.to_dict() for it in self.items],
        }

    def describe(self) -> str:
        """The program as ``formcheck program show`` prints it."""
        when = f", from {self.start.isoformat()}" if self.start else ""
        lines = [f"{self.name}: {self.days_per_week} day(s) a week for {self.weeks} week(s){when}"]
        lines += [f"  {i}. {it.title}: {it.dose}" for i, it in enumerate(self.items, 1)]
        if self.notes:
            lines.append(f"  Notes: {self.notes}")
        return "\n".join(lines)


def sided(v: Variant) -> bool:
    """One leg works at a time (its reps or holds have a side)."""
    return v.legs != LegMode.BOTH


def _problem(v: Variant, p: Prescribed) -> tuple[str, str] | None:
    """Why ``v`` cannot be done as ``p`` prescribes (the field, the problem), or None."""
    if p.reps is None and p.hold_s is None:
        return "", "give reps (sets x reps) or hold_s (sets x seconds held)"
    if p.reps is not None and v.reps is None:
        return "reps", f"{v.name} is a hold, it counts no reps: give hold_s"
    if p.hold_s is not None and v.hold is None:
        return "hold_s", f"{v.name} has no hold: give reps"
    if p.reps is None and v.reps is not None:
        return "reps", f"{v.name} counts reps: give reps"
    if sided(v) != (p.sides != Sides.BOTH):
        return "sides", f"{v.name} " + (
            "works one leg at a time" if sided(v) else "works both legs together: sides = 'both'"
        )
    return None


def _resolve(i: int, p: Prescribed, catalogue: Catalogue) -> Item:
    try:
        ex = catalogue.find(p.exercise)
    except FormcheckError as exc:
        raise FieldError(("exercises", i, "exercise"), str(exc)) from None
    if p.variant is not None:
        try:
            variant = ex.variant(p.variant)
        except FormcheckError as exc:
            raise FieldError(("exercises", i, "variant"), str(exc)) from None
        problem = _problem(variant, p)
        if problem is not None:
            raise FieldError(("exercises", i, *filter(None, [problem[0]])), problem[1])
        return Item(i, ex, variant, (variant,), p.sides, p.sets, p.reps, p.hold_s)
    # any variant of the exercise that can be done as prescribed (a knee hug counts for "reps", a hold for "hold_s")
    choices = tuple(v for v in ex.variants if _problem(v, p) is None)
    if not choices:
        problem = _problem(ex.variants[0], p)
        assert problem is not None
        raise FieldError(("exercises", i), f"no variant of {ex.name} can be done so: {problem[1]}")
    return Item(i, ex, None, choices, p.sides, p.sets, p.reps, p.hold_s)


def _check_unique(items: list[Item]) -> None:
    for a in items:
        for b in items[: a.index]:
            if a.exercise is b.exercise and {v.name for v in a.choices} & {v.name for v in b.choices}:
                raise FieldError(
                    ("exercises", a.index), f"{a.title} is prescribed twice (exercises.{b.index} has it too)"
                )


def load_program(path: str | Path, catalogue: Catalogue) -> Program:
    """Read and validate a program file; ``ProgramFileError`` (one line: file, field, problem) otherwise."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise ProgramFileError(f"{path}: program file not found") from None
    except IsADirectoryError:
        raise ProgramFileError(f"{path}: is a directory, not a program file") from None
    except OSError as exc:
        raise ProgramFileError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ProgramFileError(f"{path}: not valid TOML: not UTF-8 text (line {line})") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ProgramFileError(_one_line(f"{path}: not valid TOML: {exc}")) from None
    try:
        model = ProgramModel.model_validate(data)
    except ValidationError as exc:
        raise ProgramFileError(_one_line(_format_error(path, exc))) from None
    try:
        items = [_resolve(i, p, catalogue) for i, p in enumerate(model.exercises)]
        _check_unique(items)
    except FieldError as exc:
        where = ".".join(str(p) for p in exc.loc)
        raise ProgramFileError(_one_line(f"{path}: {where}: {exc}")) from None
    return Program(
        model.name,
        model.days_per_week,
        model.weeks,
        model.start,
        model.notes,
        tuple(items),
        str(path),
        hashlib.sha256(raw).hexdigest()[:16],
    )
