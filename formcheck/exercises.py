"""Exercise definitions: ``poses/*.toml`` files, parsed, validated and turned into typed models.

File -> TOML parse -> schema validation (pydantic, unknown keys rejected) -> cross-field checks ->
``Exercise``. Every error names the file, the field and the problem in one line.
"""

from __future__ import annotations

import math
import os
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import PosesFileError, UnknownExerciseError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Features a rule, target or detector may name. Leg features are read from the leg playing a role;
# body features from the whole body. ``hip_min`` etc. are the smaller/larger of the two legs.
LEG_FEATURES = ("hip", "knee", "knee_past_toes", "hip_3d", "knee_3d")
BODY_FEATURES = (
    "torso_incl",
    "hip_height",
    "knee_floor",
    "shank_rise",
    "lr_vertical",
    "hand_to_floor",
    "hand_drop",
    "hip_min",
    "hip_max",
    "knee_min",
    "knee_max",
)
ANGLE_FEATURES = {"hip", "knee", "hip_3d", "knee_3d", "torso_incl", "hip_min", "hip_max", "knee_min", "knee_max"}
ORIENTATION = Literal["standing", "kneeling", "supine", "side-lying"]
# Which legs a rule looks at. "working"/"support": the moving leg and the other one (lift variants);
# "front"/"back": the legs of a split stance; "all"/"any": both legs must / one leg may violate.
LEG_ROLES = {
    "lift": ("working", "support"),
    "stance": ("front", "back"),
    "both": ("each",),
}

Range = tuple[float, float]


def _duplicates(names: Iterable[str]) -> set[str]:
    return {name for name, n in Counter(names).items() if n > 1}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_range(name: str, rng: Range) -> Range:
    lo, hi = rng
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{name} range {list(rng)} must be finite numbers")
    if lo >= hi:
        raise ValueError(f"{name} range {list(rng)} is inverted or empty (low must be below high)")
    if name in ANGLE_FEATURES and not (lo >= 0.0 and hi <= 360.0):
        raise ValueError(f"{name} range {list(rng)} is not an angle in 0-360 degrees")
    return rng


def _check_features(ranges: dict[str, Range], allowed: Iterable[str]) -> dict[str, Range]:
    allowed = tuple(allowed)
    for name, rng in ranges.items():
        if name not in allowed:
            raise ValueError(f"unknown feature {name!r}; valid: {', '.join(allowed)}")
        _check_range(name, rng)
    return ranges


class RepSpec(_Model):
    """Per-leg rep counter on one signal with hysteresis (enter and exit thresholds apart)."""

    signal: Literal["hip", "knee"] = "hip"
    enter_below: float = Field(description="the working leg is 'up' once the signal falls below this")
    exit_above: float = Field(description="... and the rep completes when it rises back above this")
    hold_target_s: Optional[float] = Field(default=None, gt=0, description="hold at the top of each rep")

    @model_validator(mode="after")
    def _hysteresis(self) -> RepSpec:
        if not (math.isfinite(self.enter_below) and math.isfinite(self.exit_above)):
            raise ValueError("enter_below and exit_above must be finite")
        if self.exit_above <= self.enter_below:
            raise ValueError(
                f"exit_above ({self.exit_above}) must be above enter_below ({self.enter_below}): "
                "without a gap between them, jitter at the threshold counts phantom reps"
            )
        return self


class Target(_Model):
    """The target position: angle ranges per leg role and for the body."""

    legs: dict[str, dict[str, Range]] = Field(default_factory=dict)
    body: dict[str, Range] = Field(default_factory=dict)

    @field_validator("body")
    @classmethod
    def _body(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, BODY_FEATURES)

    @field_validator("legs")
    @classmethod
    def _legs(cls, v: dict[str, dict[str, Range]]) -> dict[str, dict[str, Range]]:
        for feats in v.values():
            _check_features(feats, LEG_FEATURES)
        return v


class Rule(_Model):
    """A form rule: a fault with a cue the person can act on.

    kind "range": a feature outside its allowed range for at least ``min_s`` during a phase.
    kind "transition": the working leg moved from ``from_value`` to ``to_value`` faster than ``max_speed``.
    kind "hold": a rep's top hold lasted less than ``min_s``.
    """

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    message: str = Field(min_length=3, max_length=80)
    kind: Literal["range", "transition", "hold"] = "range"
    leg: Optional[Literal["working", "support", "front", "back", "all", "any"]] = None
    feature: Optional[str] = None
    above: Optional[float] = None
    below: Optional[float] = None
    during: Literal["up", "hold", "always"] = "hold"
    min_s: float = Field(default=0.5, ge=0)
    side_view_only: bool = False  # only judged while the camera is side-on (the angle is invisible otherwise)
    from_value: Optional[float] = None
    to_value: Optional[float] = None
    max_speed: Optional[float] = Field(default=None, gt=0, description="degrees per second")
    source: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.kind == "range":
            if self.feature is None:
                raise ValueError(f"rule {self.code!r}: a range rule needs 'feature'")
            valid = LEG_FEATURES if self.leg else BODY_FEATURES
            if self.feature not in valid:
                where = f"leg {self.leg!r}" if self.leg else "the body (no 'leg' given)"
                raise ValueError(
                    f"rule {self.code!r}: unknown feature {self.feature!r} for {where}; valid: {', '.join(valid)}"
                )
            if self.above is None and self.below is None:
                raise ValueError(f"rule {self.code!r}: give 'above' and/or 'below' (the fault thresholds)")
            for name in ("above", "below"):
                val = getattr(self, name)
                if val is not None and not math.isfinite(val):
                    raise ValueError(f"rule {self.code!r}: {name} must be a finite number")
        elif self.kind == "transition":
            if None in (self.from_value, self.to_value, self.max_speed):
                raise ValueError(f"rule {self.code!r}: a transition rule needs from_value, to_value, max_speed")
            assert self.from_value is not None and self.to_value is not None
            if not (math.isfinite(self.from_value) and math.isfinite(self.to_value)):
                raise ValueError(f"rule {self.code!r}: from_value and to_value must be finite")
            if self.from_value == self.to_value:
                raise ValueError(f"rule {self.code!r}: from_value and to_value must differ")
        elif self.kind == "hold" and self.min_s <= 0:
            raise ValueError(f"rule {self.code!r}: a hold rule needs min_s > 0")
        return self


class Variant(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    description: str = ""
    source: str = ""
    orientation: ORIENTATION
    view: Literal["side", "front"] = "side"
    mode: Literal["reps", "hold"]
    legs: Literal["lift", "stance", "both"] = "lift"
    hold_side: Optional[Literal["front", "back", "working"]] = None
    reps_target: Optional[tuple[int, int]] = None
    hold_target_s: Optional[float] = Field(default=None, gt=0)
    hold_max_s: Optional[float] = Field(default=None, gt=0)
    min_hold_s: float = Field(default=2.0, ge=0)
    reps: Optional[RepSpec] = None
    target: Target = Field(default_factory=Target)
    detect: dict[str, Range] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    cues: dict[str, str] = Field(default_factory=dict)

    @field_validator("detect")
    @classmethod
    def _detect(cls, v: dict[str, Range]) -> dict[str, Range]:
        return _check_features(v, BODY_FEATURES)

    @model_validator(mode="after")
    def _consistent(self) -> Variant:
        roles = LEG_ROLES[self.legs]
        for role in self.target.legs:
            if role not in roles:
                raise ValueError(f"target.legs: role {role!r} does not exist for legs={self.legs!r}; valid: {roles}")
        for rule in self.rules:
            if rule.leg in ("working", "support", "front", "back") and rule.leg not in roles:
                raise ValueError(f"rule {rule.code!r}: leg {rule.leg!r} does not exist for legs={self.legs!r}")
            if rule.kind in ("transition", "hold") and self.reps is None:
                raise ValueError(f"rule {rule.code!r}: kind {rule.kind!r} needs a [reps] section")
            if rule.during == "up" and self.reps is None:
                raise ValueError(f"rule {rule.code!r}: during='up' needs a [reps] section")
        dup = _duplicates(r.code for r in self.rules)
        if dup:
            raise ValueError(f"duplicated rule code(s): {', '.join(sorted(dup))}")
        if self.mode == "reps" and self.reps is None:
            raise ValueError("mode 'reps' needs a [reps] section (signal and thresholds)")
        if self.mode == "hold" and self.hold_target_s is None:
            raise ValueError("mode 'hold' needs hold_target_s")
        if self.mode == "hold" and not self.target.legs and not self.target.body:
            raise ValueError("mode 'hold' needs a target position")
        if self.hold_side is not None and self.hold_side not in (*roles, "working"):
            raise ValueError(f"hold_side {self.hold_side!r} does not exist for legs={self.legs!r}")
        if self.reps_target is not None and not (0 < self.reps_target[0] <= self.reps_target[1]):
            raise ValueError(f"reps_target {list(self.reps_target)} must be [low, high] with 0 < low <= high")
        return self


class Exercise(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    description: str = ""
    aliases: list[str] = Field(default_factory=list)
    variants: list[Variant] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Exercise:
        dup = _duplicates(v.name for v in self.variants)
        if dup:
            raise ValueError(f"duplicated variant name(s): {', '.join(sorted(dup))}")
        return self

    def variant(self, name: str) -> Variant:
        key = normalize_name(name)
        for v in self.variants:
            if v.name == key:
                return v
        raise UnknownExerciseError(
            f"unknown variant {name!r} for {self.name}; choose one of: {', '.join(v.name for v in self.variants)}"
        )


def normalize_name(name: str) -> str:
    """'Hip_Flexor Stretch' -> 'hip-flexor-stretch'."""
    return "-".join(name.strip().lower().replace("_", " ").replace("-", " ").split())


def default_poses_dir() -> Path:
    """$FORMCHECK_POSES, else the source tree's poses/, else the installed copy under sys.prefix."""
    env = os.environ.get("FORMCHECK_POSES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "poses"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "formcheck" / "poses"


def _format_error(path: Path, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    extra = f" (and {err.error_count() - 1} more problem(s))" if err.error_count() > 1 else ""
    return f"{path}: {loc or 'top level'}: {msg}{extra}"


def load_exercise_file(path: Path) -> Exercise:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PosesFileError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise PosesFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return Exercise.model_validate(data)
    except ValidationError as exc:
        raise PosesFileError(_format_error(path, exc)) from None


def load_exercises(poses_dir: Union[Path, str, None] = None) -> dict[str, Exercise]:
    """All exercises in ``poses_dir`` by name. Names and aliases must be unique across files."""
    root = Path(poses_dir) if poses_dir is not None else default_poses_dir()
    if not root.is_dir():
        raise PosesFileError(f"{root}: exercise definitions directory not found")
    out: dict[str, Exercise] = {}
    seen: dict[str, Path] = {}
    for path in sorted(root.glob("*.toml")):
        ex = load_exercise_file(path)
        for key in (ex.name, *map(normalize_name, ex.aliases)):
            if key in seen:
                raise PosesFileError(f"{path}: name {key!r} is already defined in {seen[key].name}")
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
