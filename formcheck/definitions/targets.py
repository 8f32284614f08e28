"""Per-user targets: the reps and the hold a person aims for, in place of those of ``poses/``.

A physio may prescribe 12 reps or a 45 s hold where the guide says 10-15 and 30 s. Each target comes from the
most specific place that sets it, and the report says which:

    exercise definition (poses/)  <  user config [targets]  <  [targets.EXERCISE]  <  [targets.EXERCISE.VARIANT]
    <  --target on the command line

The user config is TOML in the user's config directory (platformdirs; ``$FORMCHECK_CONFIG`` overrides it)::

    [targets]
    hold = 30                 # seconds, every exercise with a hold
    [targets.leg-lifts]
    reps = 12                 # or [10, 15], or "10-15"
    [targets.leg-lifts.supine-bent-knee]
    hold = 5
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formcheck.definitions.loader import find_exercise
from formcheck.definitions.parts import Rule
from formcheck.definitions.schema import Exercise, Variant
from formcheck.definitions.vocabulary import RuleKind
from formcheck.errors import FormcheckError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_ENV = "FORMCHECK_CONFIG"
FROM_POSES = "exercise definition"
FROM_CLI = "--target"
MAX_REPS = 1000
MAX_HOLD_S = 3600.0


class TargetError(FormcheckError):
    """A target that cannot be used (a bad --target, or a bad value in the user config)."""


def default_config_path() -> Path:
    """$FORMCHECK_CONFIG, else config.toml in the user's config directory."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_path

    return user_config_path("formcheck", appauthor=False) / "config.toml"


def parse_reps(value: Any) -> tuple[int, int]:
    """12, "12", [10, 15] or "10-15" -> (low, high); ValueError saying what is expected otherwise."""
    if isinstance(value, str):
        parts = value.replace(" ", "").split("-")
        if not all(p.isdigit() for p in parts) or len(parts) not in (1, 2):
            raise ValueError(f"reps must be a whole number or LOW-HIGH (e.g. 12 or 10-15), not {value!r}")
        value = [int(p) for p in parts]
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not (isinstance(value, list) and 1 <= len(value) <= 2 and all(type(x) is int for x in value)):
        raise ValueError(f"reps must be a whole number or [low, high], not {value!r}")
    lo, hi = value[0], value[-1]
    if not 0 < lo <= hi <= MAX_REPS:
        raise ValueError(f"reps must be between 1 and {MAX_REPS}, low before high, not {value!r}")
    return lo, hi


def parse_hold(value: Any) -> float:
    """Seconds, above 0: 45, 45.0 or "45" (an "s" after the number is allowed)."""
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("s"))
        except ValueError:
            raise ValueError(f"hold must be a number of seconds (e.g. 45), not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"hold must be a number of seconds, not {value!r}")
    if not (math.isfinite(value) and 0 < value <= MAX_HOLD_S):
        raise ValueError(f"hold must be more than 0 and at most {MAX_HOLD_S:g} seconds, not {value!r}")
    return float(value)


_PARSERS = {"reps": parse_reps, "hold": parse_hold}


def parse_cli_targets(items: Iterable[str]) -> dict[str, Any]:
    """``--target reps=12 --target hold=45`` (or ``reps=12,hold=45``) -> {"reps": (12, 12), "hold": 45.0}."""
    out: dict[str, Any] = {}
    for item in items:
        for part in filter(None, (p.strip() for p in item.split(","))):
            key, sep, value = part.partition("=")
            key = key.strip().lower()
            if not sep or key not in _PARSERS:
                raise TargetError(f"bad --target {part!r}: give reps=N (or reps=LOW-HIGH) or hold=SECONDS")
            try:
                out[key] = _PARSERS[key](value.strip())
            except ValueError as exc:
                raise TargetError(f"bad --target {part!r}: {exc}") from None
    return out


def load_config(path: Path, exercises: Mapping[str, Exercise]) -> dict[tuple[str, ...], dict[str, Any]]:
    """The user config's targets keyed by scope: () for every exercise, (exercise,), (exercise, variant).
    A missing file is no targets; a malformed one is a one-line ``TargetError`` naming the file and key."""
    if not path.is_file():
        return {}
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise TargetError(f"{path}: cannot read: {exc.strerror}") from None
    unknown = sorted(set(data) - {"targets"})
    if unknown:
        raise TargetError(f"{path}: unknown table or key {unknown[0]!r} (the config has [targets])")
    out: dict[tuple[str, ...], dict[str, Any]] = {}

    def scope(table: Any, where: tuple[str, ...], depth: int) -> None:
        name = ".".join(("targets", *where))
        if not isinstance(table, dict):
            raise TargetError(f"{path}: {name} must be a table")
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key in _PARSERS:
                try:
                    values[key] = _PARSERS[key](value)
                except ValueError as exc:
                    raise TargetError(f"{path}: {name}.{key}: {exc}") from None
            elif depth == 0:
                try:
                    ex = find_exercise(key, dict(exercises))
                except FormcheckError:
                    raise TargetError(f"{path}: {name}: {key!r} is neither reps, hold nor an exercise") from None
                scope(value, (ex.name,), 1)
            elif depth == 1:
                ex = exercises[where[0]]
                try:
                    v = ex.variant(key)
                except FormcheckError:
                    raise TargetError(f"{path}: {name}: {key!r} is neither reps, hold nor a variant of it") from None
                scope(value, (*where, v.name), 2)
            else:
                raise TargetError(f"{path}: {name}: unknown key {key!r} (reps or hold)")
        if values:
            out[where] = values

    scope(data.get("targets", {}), (), 0)
    return out


@dataclass(frozen=True)
class TargetPlan:
    """The targets of each variant of one exercise and where each came from (plain data: it travels to
    the processes of a batch)."""

    exercise: str
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # variant -> {"reps": (lo, hi), "hold": s}
    sources: dict[str, dict[str, str]] = field(default_factory=dict)  # variant -> {"reps": where, "hold": where}

    def apply(self, ex: Exercise) -> Exercise:
        """``ex`` with these targets in its variants (the engines then count against them)."""
        variants = [_with_targets(v, self.values.get(v.name, {})) for v in ex.variants]
        return ex.model_copy(update={"variants": variants})

    def sources_for(self, variant: str) -> dict[str, str]:
        return dict(self.sources.get(variant, {}))


def _with_targets(v: Variant, values: Mapping[str, Any]) -> Variant:
    if "reps" in values and v.reps is not None:
        v = v.model_copy(update={"reps_target": values["reps"]})
    if "hold" in values and v.hold is not None:
        h, target = v.hold, values["hold"]
        # The definition's bounds move with the person's target: a longer hold is not "held past the maximum",
        # a top hold is "too short" by the same margin below it, and the texts name the person's target.
        hold = h.model_copy(
            update={
                "target_s": target,
                "min_s": min(h.min_s, target),
                "max_s": None if h.max_s is None else max(h.max_s, target),
            }
        )
        rules = [
            r.model_copy(update={"min_s": max(target - (h.target_s - r.min_s), 0.1 * target)})
            if r.kind == RuleKind.HOLD
            else r
            for r in v.rules
        ]
        v = v.with_hold(hold, rules)
    return v


def _with_hold_target(rule: Rule, old: float, new: float) -> Rule:
    """A top hold's "too short" limit moved with the target, the same margin below it (some is always left)."""
    return rule.model_copy(update={"min_s": max(new - (old - rule.min_s), 0.1 * new)})


def plan_targets(
    ex: Exercise,
    exercises: Mapping[str, Exercise],
    cli: Iterable[str] = (),
    config_path: Path | None = None,
    variant: str | None = None,
) -> TargetPlan:
    """Resolve the targets of every variant of ``ex`` (only ``variant`` when it is given)."""
    given = parse_cli_targets(cli)
    path = config_path or default_config_path()
    config = load_config(path, exercises)
    variants = [ex.variant(variant)] if variant else list(ex.variants)
    for key in given:
        if not any((v.reps if key == "reps" else v.hold) is not None for v in variants):
            what = "counts reps" if key == "reps" else "has a hold"
            raise TargetError(f"--target {key}: no variant of {ex.name}{f' ({variant})' if variant else ''} {what}")
    values: dict[str, dict[str, Any]] = {}
    sources: dict[str, dict[str, str]] = {}
    for v in variants:
        vals: dict[str, Any] = {}
        srcs: dict[str, str] = {}
        if v.reps_target is not None:
            srcs["reps"] = FROM_POSES
        if v.hold is not None:
            srcs["hold"] = FROM_POSES
        layers = [
            (config.get(()), f"{path} [targets]"),
            (config.get((ex.name,)), f"{path} [targets.{ex.name}]"),
            (config.get((ex.name, v.name)), f"{path} [targets.{ex.name}.{v.name}]"),
            (given, FROM_CLI),
        ]
        for layer, where in layers:
            for key, value in (layer or {}).items():
                if (v.reps if key == "reps" else v.hold) is not None:
                    vals[key], srcs[key] = value, where
        values[v.name] = vals
        sources[v.name] = srcs
    return TargetPlan(ex.name, values, sources)
