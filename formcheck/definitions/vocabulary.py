"""The words an exercise definition may use: features, leg modes, rep directions, phases, rule kinds.

One registry, imported by the loader (``exercises.py``, to validate ``poses/*.toml``), by the feature
extractor (``features.py``, which must produce every feature named here) and by the engine. A test checks
that each name has its implementation, so a definition can never name something nothing computes.
Kept free of numpy/OpenCV so that ``formcheck exercises`` starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Feature:
    name: str
    unit: str  # "deg" for angles, else a description of the scale; it sets the limits definitions keep to
    description: str

    @property
    def is_angle(self) -> bool:
        return self.unit == "deg"

    @property
    def limits(self) -> tuple[float, float]:
        """The values a definition may give this feature (a threshold or a range end beyond them is a typo)."""
        return _LIMITS.get(self.unit, _LIMITS_OTHER)


# Angles lie in 0-360 and sines and cosines in -1..1. Lengths (in torso or shank lengths) and ratios have no
# hard bound, but nothing in a camera's frame measures a hundred of them.
_LIMITS: dict[str, tuple[float, float]] = {"deg": (0.0, 360.0), "sine": (-1.0, 1.0), "cosine": (-1.0, 1.0)}
_LIMITS_OTHER = (-100.0, 100.0)


# Measured on each tracked leg (read from the leg playing a role: working, support, front, back, each).
LEG_FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("hip", "deg", "trunk line to thigh, in front: 180 straight, 90 thigh forward, >180 behind"),
        Feature("knee", "deg", "thigh to shank behind the knee: 180 straight, 90 right angle"),
        Feature("hip_3d", "deg", "hip angle from MediaPipe's 3D world landmarks (unsigned)"),
        Feature("knee_3d", "deg", "knee angle from the 3D world landmarks: sees a bend towards the camera"),
        Feature("knee_past_toes", "shank lengths", "knee ahead of the foot tip along the facing direction"),
        Feature("thigh_tilt", "deg", "the thigh from straight down in the picture (a side raise seen from the front)"),
        Feature("ankle_lift", "torso lengths", "the ankle above its hip in the picture (lying: a foot off the floor)"),
    )
}

# Measured on the whole body. ``hip_min`` etc. aggregate the seen legs (the most/least flexed one).
BODY_FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("torso_incl", "deg", "trunk from vertical: 0 upright, 90 lying"),
        Feature("hip_height", "torso lengths", "mid-hip above the floor line"),
        Feature("knee_floor", "torso lengths", "lowest knee above the floor line"),
        Feature("shank_rise", "sine", "the flattest shank's rise (about 0: a knee on the floor)"),
        Feature("thigh_rise", "sine", "the steeper thigh's rise from horizontal, in 3D where known (seated: low)"),
        Feature("lr_vertical", "cosine", "how vertical the body's left-right axis is in 3D (1: lying on a side)"),
        Feature("hand_to_floor", "torso lengths", "lowest wrist above the floor line"),
        Feature("hand_drop", "torso lengths", "lowest wrist below the hips (hands on hips ~0, on the floor ~1)"),
        Feature("stacked", "torso lengths", "shoulder and hip width in the image (0: side-on)"),
        Feature("facing_camera", "sine", "how square the body is to the camera in 3D (0: side-on, 1: facing it)"),
        Feature("obliqueness", "ratio", "how far off side-on the camera is, over about a second (>1: oblique)"),
        Feature("hip_min", "deg", "the smaller hip angle of the seen legs"),
        Feature("hip_max", "deg", "the larger hip angle of the seen legs"),
        Feature("knee_min", "deg", "the smaller knee angle of the seen legs"),
        Feature("knee_max", "deg", "the larger knee angle of the seen legs"),
        Feature("hip_mean", "deg", "the mean hip angle of the seen legs (legs working together)"),
        Feature("knee_mean", "deg", "the mean knee angle of the seen legs"),
    )
}

ALL_FEATURES: dict[str, Feature] = {**LEG_FEATURES, **BODY_FEATURES}


class Name(str, Enum):
    """A word of the vocabulary: it compares, hashes, prints and serialises as its text (``Side.LEFT ==
    "left"``, the same dict key), but code names it by member, so a misspelt one is an error, not a silent
    mismatch."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    def __repr__(self) -> str:  # as the definition writes it, in messages that quote it
        return repr(str(self.value))

    __hash__ = str.__hash__


class Side(Name):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"  # reps of both legs together, holds of both legs, or both sides in turn


SIDES = (Side.LEFT, Side.RIGHT)  # a leg's side


class Orientation(Name):
    STANDING = "standing"
    KNEELING = "kneeling"
    SEATED = "seated"
    SUPINE = "supine"
    SIDE_LYING = "side-lying"


class View(Name):
    SIDE = "side"
    FRONT = "front"


class LegMode(Name):
    """How the legs share the work: one works at a time, a split stance (front and back), or together."""

    LIFT = "lift"
    STANCE = "stance"
    BOTH = "both"


class Role(Name):
    WORKING = "working"
    SUPPORT = "support"
    FRONT = "front"
    BACK = "back"
    EACH = "each"  # legs working together: every seen leg


class RuleLeg(Name):
    """The leg a rule judges: a role, every seen leg (all must break it) or any one of them."""

    WORKING = "working"
    SUPPORT = "support"
    FRONT = "front"
    BACK = "back"
    ALL = "all"
    ANY = "any"


class Direction(Name):
    """A rep signal falls into the rep (a hip flexing) or rises into it (a hip extending in a bridge)."""

    FALLING = "falling"
    RISING = "rising"


class Phase(Name):
    """What the engine can be doing; a definition's ``cues`` are keyed by these."""

    REST = "rest"
    UP = "up"  # a rep in progress (variants with reps)
    IN_POSITION = "in position"  # in the target position, the hold not yet started
    HOLDING = "holding"  # variants with a hold
    RELEASE = "release"  # held past the hold's maximum (variants with hold.max_s)


class RuleKind(Name):
    RANGE = "range"
    TRANSITION = "transition"
    HOLD = "hold"


class During(Name):
    """When a range rule is judged: during a rep's up phase, during a hold, or always."""

    UP = "up"
    HOLD = "hold"
    ALWAYS = "always"


ORIENTATIONS = tuple(o.value for o in Orientation)
# The roles each way of sharing the work gives the legs (target ranges and rules name roles).
LEG_ROLES: dict[str, tuple[str, ...]] = {
    LegMode.LIFT: (Role.WORKING, Role.SUPPORT),
    LegMode.STANCE: (Role.FRONT, Role.BACK),
    LegMode.BOTH: (Role.EACH,),
}
RULE_LEGS = tuple(r.value for r in RuleLeg)
REP_DIRECTIONS = tuple(d.value for d in Direction)
PHASE_REST, PHASE_UP, PHASE_IN_POSITION, PHASE_HOLDING, PHASE_RELEASE = (
    Phase.REST,
    Phase.UP,
    Phase.IN_POSITION,
    Phase.HOLDING,
    Phase.RELEASE,
)
PHASES = tuple(Phase)
RULE_KIND_NAMES = tuple(k.value for k in RuleKind)  # ``rules.RULE_KINDS`` implements each
RULE_DURING = tuple(d.value for d in During)
