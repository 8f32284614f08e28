"""The checks a definition's values go through: a feature's name known to the vocabulary, a value within what
the feature can read, a range the right way round; and ``FieldError``, which names the field a whole-model
check found wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from formcheck.definitions import vocabulary as vocab

Loc = tuple[Union[str, int], ...]
Range = tuple[float, float]


class FieldError(ValueError):
    """A problem found by a check of a whole model that belongs to one of its fields: ``loc`` (below the
    model) is added to pydantic's location, so the message names the field itself, not its parent."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc


def out_of_limits(feature: str, value: float) -> str | None:
    """Why ``value`` cannot be a reading of ``feature`` (None: it can)."""
    feat = vocab.ALL_FEATURES.get(feature)
    if feat is None:
        return None
    lo, hi = feat.limits
    if lo <= value <= hi:
        return None
    if feat.is_angle:
        return f"{value} is not an angle in 0-360 degrees (feature {feature!r})"
    return f"{value} is out of bounds for feature {feature!r} ({feat.unit}: {lo:g} to {hi:g})"


def check_value(feature: str, loc: Loc, value: float) -> float:
    problem = out_of_limits(feature, value)
    if problem is not None:
        raise FieldError(loc, problem)
    return value


def check_range(name: str, rng: Range, loc: Loc = ()) -> Range:
    lo, hi = rng
    at = (*loc, name)
    if lo >= hi:
        raise FieldError(at, f"{name} range {list(rng)} is inverted or empty (low must be below high)")
    problem = out_of_limits(name, lo) or out_of_limits(name, hi)
    if problem is not None:
        raise FieldError(at, f"{name} range {list(rng)}: {problem}")
    return rng


def check_feature(name: str, allowed: Mapping[str, object], what: str, loc: Loc = ()) -> str:
    if name not in allowed:
        raise FieldError(loc, f"unknown {what} feature {name!r}; valid: {', '.join(allowed)}")
    return name


def check_features(
    ranges: dict[str, Range], allowed: Mapping[str, object], what: str, loc: Loc = ()
) -> dict[str, Range]:
    for name, rng in ranges.items():
        check_feature(name, allowed, what, (*loc, name))
        check_range(name, rng, loc)
    return ranges
