"""What describes an exercise variant to the script builder: the posture context and the `Variant` record
(rest/target postures, faults, timings, truth thresholds). The variants themselves live in `exercises`
(the original nine) and `exercises_more` (glute bridge and the forms added later)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .body import BodyShape, Posture
from .postures import OTHER

# Faults that concern the whole body (or both legs together): their truth `side` is null.
WHOLE_BODY_FAULTS = ("torso_lean", "knees_locked", "hips_low", "back_arched")


@dataclass(frozen=True)
class Ctx:
    """What every posture builder needs from the clip: body, heading, head turn, exercise position, and
    the spec's optional posture knobs (`ClipSpec.pose_opts`)."""

    shape: BodyShape
    yaw: float
    head_yaw: float
    x: float = 0.0
    opts: tuple[tuple[str, float], ...] = ()

    def opt(self, name: str, default: float) -> float:
        return float(dict(self.opts).get(name, default))


PostureFn = Callable[[Ctx, str, frozenset], Posture]


@dataclass(frozen=True)
class Variant:
    exercise: str
    name: str
    kind: str  # "hold": one long hold per set; "reps": repeated lifts
    rest: Callable[[Ctx, str], Posture]
    target: PostureFn  # (ctx, side, active fault codes) -> posture at the top / in the stretch
    faults: tuple[str, ...]
    hold_target_s: float | None = None
    # Falling signal (the default): a rep is the hip going below rep_low and back above rep_high.
    # Rising signal (glute bridge): the hip going above rep_high and back below rep_low.
    rep_low: float | None = None
    rep_high: float | None = None
    rep_direction: str = "falling"
    t_up: float = 1.2
    t_down: float = 1.8
    top_s: float = 0.4  # pause at the top of a rep (the hold for holding rep variants)
    rest_s: float = 0.7  # pause at rest after each rep
    short_hold_s: float = 4.0  # the top hold of a rep scripted with `hold_too_short`
    lying: bool = False  # cannot walk in or out
    view: str | None = None  # forced camera view (side-lying is filmed from the front)
    # Faults whose rep is performed badly from the start (rather than a good rep that goes wrong at the
    # top); the fault tag covers the whole rep and the truth rule picks the frames where it shows.
    whole_rep_faults: tuple[str, ...] = ("knee_bent", "leg_too_high")
    # (ctx, side, degrees) -> the stretch with the hips rocked forward (+) or back (-): `ClipSpec.rock_deg`
    rock: Callable[[Ctx, str, float], Posture] | None = None

    def fault_side(self, code: str, side: str) -> str | None:
        """Which leg a fault concerns, given the working side."""
        if code in WHOLE_BODY_FAULTS or side == "both":
            return None
        if code in ("other_leg_lifts", "front_knee_past_toes"):
            return OTHER[side]
        return side
