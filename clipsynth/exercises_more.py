"""Exercise variants added after the original nine: the glute bridge, and further forms of leg lifts and
the hamstring stretch. Same contract as `exercises`: good form well inside the analysis' ranges, injected
faults well beyond them; `exercises.VARIANTS` merges these in."""

from __future__ import annotations

from functools import lru_cache

from .body import Posture
from .postures import OTHER, standing, standing_leg_lift, standing_side_raise
from .postures_floor import bridge, bridge_rest, long_sitting, supine_legs
from .variant import Ctx, Variant

# Glute bridge: thigh flexion from the pelvis (the hip angle reads ~180 minus this, a little less because
# the trunk line leans sideways towards the wider shoulders, see truth.hip_angle).
BRIDGE_REST_FLEX = 48.0  # hip ~131, knee ~72 with the feet flat (the geometry of a 1.72 m body)
BRIDGE_TOP_FLEX = {"good": 3.0, "hips_low": 27.0, "back_arched": -20.0}  # hip ~174 / ~153 / ~200


@lru_cache(maxsize=64)
def _bridge_rest(ctx: Ctx) -> Posture:
    return bridge_rest(ctx.yaw, ctx.shape, hip_flex=BRIDGE_REST_FLEX, head_yaw=ctx.head_yaw, x=ctx.x)


@lru_cache(maxsize=64)
def _bridge_top(ctx: Ctx, form: str) -> Posture:
    return bridge(ctx.yaw, ctx.shape, BRIDGE_TOP_FLEX[form], ref=_bridge_rest(ctx), head_yaw=ctx.head_yaw)


def _bridge_target(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    form = next((f for f in ("hips_low", "back_arched") if f in faults), "good")
    return _bridge_top(ctx, form)


# Straight legs lying on the floor: hip flexion 1 keeps the thigh just in front of the pelvis' frontal
# plane (the hip angle then reads ~170 rather than jumping past 180), knee flexion 4 reads ~176.
FLAT_HIP, FLAT_KNEE = 1.0, 4.0


def _lying(ctx: Ctx, hips: dict[str, float], knees: dict[str, float], **kw: str) -> Posture:
    return supine_legs(ctx.yaw, ctx.shape, hip_flex=hips, knee_flex=knees, head_yaw=ctx.head_yaw, x=ctx.x, **kw)


@lru_cache(maxsize=64)
def _flat(ctx: Ctx) -> Posture:
    """Lying on the back, both legs straight on the floor, arms by the sides."""
    return _lying(ctx, {"left": FLAT_HIP, "right": FLAT_HIP}, {"left": FLAT_KNEE, "right": FLAT_KNEE})


# --- leg lifts ---------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _slr_rest(ctx: Ctx, side: str) -> Posture:
    """Supine straight-leg raise, resting: the working leg straight on the floor, the other knee bent."""
    return _lying(ctx, {side: FLAT_HIP}, {side: FLAT_KNEE})


def _slr_top(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    return _lying(ctx, {side: 76.0}, {side: 5.0})  # hip ~105, knee ~176


def _double_top(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    return _lying(ctx, {"left": 76.0, "right": 76.0}, {"left": 5.0, "right": 5.0})


def _knee_drive(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    """Standing march: the knee driven up to a horizontal thigh, the opposite arm swinging forward."""
    p = standing_leg_lift(ctx.yaw, side, hip_flex=86.0, knee_flex=94.0, head_yaw=ctx.head_yaw, x=ctx.x)
    p = p.with_side(side, ankle_dorsi=5.0)
    return p.with_side(OTHER[side], shoulder_flex=35.0, elbow_flex=70.0).with_side(side, shoulder_flex=-15.0)


# Standing side raise, filmed from the front: the thigh from hanging straight down in the image reads the
# abduction (rest ~3, top ~42; the analysis enters a rep past 30 and leaves it under 18). The truth counts
# on the hip angle (shoulder-hip-knee), which falls from ~175 at rest to ~130 at the top.
SIDE_RAISE_ABD = 42.0


@lru_cache(maxsize=64)
def _side_raise_rest(ctx: Ctx, side: str) -> Posture:
    """Standing tall facing the camera, feet together, arms a little away from the sides."""
    return standing_side_raise(side, abduction=-3.0, knee_flex=0.0, x=ctx.x)


def _side_raise(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    """One leg raised straight out to the side (knee ~178), the trunk upright (a 2 deg sway away)."""
    return standing_side_raise(side, abduction=SIDE_RAISE_ABD, knee_flex=2.0, trunk_lat=2.0, x=ctx.x)


# --- hamstring stretch --------------------------------------------------------------------------------
def _flat_rest(ctx: Ctx, side: str) -> Posture:
    return _flat(ctx)


def _supine_slr_hold(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    """One leg raised straight (hip ~95, knee ~174), both hands behind the thigh; the other leg flat."""
    return _lying(ctx, {side: 86.0, OTHER[side]: FLAT_HIP}, {side: 6.0, OTHER[side]: FLAT_KNEE}, hold_thigh=side)


def _knee_hug(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    """One knee pulled to the chest with both hands (hip ~54, knee ~62); the other leg flat."""
    return _lying(ctx, {side: 128.0, OTHER[side]: FLAT_HIP}, {side: 118.0, OTHER[side]: FLAT_KNEE}, hug=side)


@lru_cache(maxsize=64)
def _sit(ctx: Ctx) -> Posture:
    return long_sitting(ctx.yaw, ctx.shape, head_yaw=0.5 * ctx.head_yaw, x=ctx.x)


def _seated_fold(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    """Long sitting, folded forward over straight legs (trunk ~60° from vertical), hands along the shins."""
    return long_sitting(
        ctx.yaw, ctx.shape, fold=38.0, spine=30.0, reach_toes=True, head_yaw=0.5 * ctx.head_yaw, x=ctx.x
    )


def _stand(ctx: Ctx, side: str) -> Posture:
    return standing(ctx.yaw, ctx.head_yaw, ctx.x)


MORE_VARIANTS: dict[tuple[str, str], Variant] = {
    (v.exercise, v.name): v
    for v in (
        Variant(
            "glute-bridge",
            "supine-bridge",
            "reps",
            lambda ctx, side: _bridge_rest(ctx),
            _bridge_target,
            ("hips_low", "back_arched", "hold_too_short"),
            hold_target_s=5.0,
            rep_low=138.0,
            rep_high=150.0,
            rep_direction="rising",
            t_up=1.5,
            t_down=2.0,
            top_s=5.5,
            rest_s=1.0,
            short_hold_s=1.5,
            lying=True,
            whole_rep_faults=("hips_low", "back_arched"),
        ),
        Variant(
            "glute-bridge",
            "supine-bridge-quick",
            "reps",
            lambda ctx, side: _bridge_rest(ctx),
            _bridge_target,
            (),
            rep_low=138.0,
            rep_high=150.0,
            rep_direction="rising",
            t_up=1.1,
            t_down=1.3,
            top_s=0.7,
            rest_s=0.8,
            lying=True,
        ),
        Variant(
            "leg-lifts",
            "supine-straight-leg",
            "reps",
            _slr_rest,
            _slr_top,
            (),
            rep_low=145.0,
            rep_high=160.0,
            t_up=1.5,
            t_down=2.5,
            top_s=0.6,
            rest_s=1.0,
            lying=True,
        ),
        Variant(
            "leg-lifts",
            "supine-double-leg",
            "reps",
            lambda ctx, side: _flat(ctx),
            _double_top,
            (),
            rep_low=140.0,
            rep_high=160.0,
            t_up=1.8,
            t_down=2.6,
            top_s=0.6,
            rest_s=1.2,
            lying=True,
        ),
        Variant(
            "leg-lifts",
            "standing-knee-drive",
            "reps",
            _stand,
            _knee_drive,
            (),
            rep_low=125.0,
            rep_high=160.0,
            t_up=0.8,
            t_down=0.9,
            top_s=0.5,
            rest_s=0.4,
        ),
        Variant(
            "leg-lifts",
            "standing-side-raise",
            "reps",
            _side_raise_rest,
            _side_raise,
            (),
            rep_low=145.0,
            rep_high=160.0,
            t_up=1.0,
            t_down=1.0,
            top_s=0.4,
            rest_s=1.0,
            view="front",
        ),
        Variant(
            "hamstring-stretch",
            "supine-straight-leg",
            "hold",
            _flat_rest,
            _supine_slr_hold,
            (),
            hold_target_s=30.0,
            lying=True,
        ),
        Variant(
            "hamstring-stretch",
            "seated-reach",
            "hold",
            lambda ctx, side: _sit(ctx),
            _seated_fold,
            (),
            hold_target_s=30.0,
            lying=True,
        ),
        Variant(
            "hamstring-stretch",
            "supine-knee-hugs",
            "reps",
            _flat_rest,
            _knee_hug,
            (),
            rep_low=80.0,
            rep_high=140.0,
            t_up=1.0,
            t_down=1.0,
            top_s=0.3,
            rest_s=0.2,
            lying=True,
        ),
    )
}
