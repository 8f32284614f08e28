"""The exercise variants: rest and target postures per side, how each fault alters them, timings and
the thresholds the truth uses. Posture numbers keep good form well inside the analysis' ranges and
injected faults well beyond them."""

from __future__ import annotations

from functools import lru_cache

from .body import Posture
from .exercises_more import MORE_VARIANTS
from .postures import OTHER, forward_bend, half_kneeling, side_lying, split_stance, standing, standing_leg_lift, supine
from .variant import Ctx, PostureFn, Variant


def _stand(ctx: Ctx, side: str) -> Posture:
    return standing(ctx.yaw, ctx.head_yaw, ctx.x)


def _supine_rest(ctx: Ctx, side: str) -> Posture:
    return supine(ctx.yaw, ctx.shape, head_yaw=ctx.head_yaw, x=ctx.x)


def _kneel(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    good = half_kneeling(ctx.yaw, ctx.shape, side, head_yaw=ctx.head_yaw, x=ctx.x)
    if not faults:
        return good
    # Faults keep the knee and foot planted where good form put them.
    return half_kneeling(
        ctx.yaw,
        ctx.shape,
        side,
        torso_flex=34.0 if "torso_lean" in faults else 2.0,
        shin_tilt=48.0 if "front_knee_past_toes" in faults else -4.0,
        keep_contacts_of=good if "front_knee_past_toes" in faults else None,
        head_yaw=ctx.head_yaw,
        x=ctx.x,
    )


@lru_cache(maxsize=16)
def _kneel_rock(ctx: Ctx, side: str, deg: float) -> Posture:
    """Half-kneeling with the hips rocked `deg` forward (+, more back-hip extension) or back (-); the knee
    and the front foot stay planted."""
    good = half_kneeling(ctx.yaw, ctx.shape, side, head_yaw=ctx.head_yaw, x=ctx.x)
    return half_kneeling(
        ctx.yaw, ctx.shape, side, back_ext=14.0 + deg, keep_contacts_of=good, head_yaw=ctx.head_yaw, x=ctx.x
    )


def _kneel_hand(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    good = half_kneeling(
        ctx.yaw,
        ctx.shape,
        side,
        torso_flex=44.0,
        back_ext=22.0,
        shin_tilt=-6.0,
        hand_support=True,
        head_yaw=ctx.head_yaw,
        x=ctx.x,
    )
    if "front_knee_past_toes" not in faults:
        return good
    return half_kneeling(
        ctx.yaw,
        ctx.shape,
        side,
        torso_flex=44.0,
        back_ext=22.0,
        shin_tilt=46.0,
        hand_support=True,
        keep_contacts_of=good,
        head_yaw=ctx.head_yaw,
        x=ctx.x,
    )


def _knee_to_chest(hug: bool) -> PostureFn:
    def build(ctx: Ctx, side: str, faults: frozenset) -> Posture:
        other = OTHER[side]
        hips = {side: 125.0}
        knees = {side: 105.0 if hug else 98.0}
        if "other_leg_lifts" in faults:
            hips[other], knees[other] = 72.0, 92.0
        return supine(
            ctx.yaw,
            ctx.shape,
            hip_flex=hips,
            knee_flex=knees,
            hug=side if hug else None,
            head_yaw=ctx.head_yaw,
            x=ctx.x,
        )

    return build


def _toe_reach(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    # `pose_opts` can deepen the fold (bend, spine, hand_up, neck_flex); the defaults are the first clips'.
    return forward_bend(
        ctx.yaw,
        ctx.shape,
        bend=ctx.opt("bend", 72.0),
        spine=ctx.opt("spine", 22.0),
        knee_flex=0.0 if "knees_locked" in faults else ctx.opt("knee_flex", 20.0),
        head_yaw=0.5 * ctx.head_yaw,
        x=ctx.x,
        hand_up=ctx.opt("hand_up", 0.22),
        neck_flex=ctx.opt("neck_flex", -10.0),
    )


def _split(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    good = split_stance(ctx.yaw, ctx.shape, side, head_yaw=0.5 * ctx.head_yaw, x=ctx.x)
    if not faults:
        return good
    # Faults keep both feet and both palms where good form put them.
    return split_stance(
        ctx.yaw,
        ctx.shape,
        side,
        back_knee_flex=45.0 if "back_knee_bent" in faults else 2.0,
        shin_tilt=46.0 if "front_knee_past_toes" in faults else 4.0,
        keep_contacts_of=good,
        head_yaw=0.5 * ctx.head_yaw,
        x=ctx.x,
    )


def _bent_knee_lift(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    hips, knees = {side: 90.0}, {side: 35.0 if "knee_angle" in faults else 90.0}
    if "other_leg_lifts" in faults:
        other = OTHER[side]
        hips[other], knees[other] = 72.0, 95.0
    return supine(ctx.yaw, ctx.shape, hip_flex=hips, knee_flex=knees, head_yaw=ctx.head_yaw, x=ctx.x)


def _straight_leg(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    return standing_leg_lift(
        ctx.yaw, side, hip_flex=50.0, knee_flex=54.0 if "knee_bent" in faults else 2.0, head_yaw=ctx.head_yaw, x=ctx.x
    )


def _side_rest(ctx: Ctx, side: str) -> Posture:
    return side_lying(ctx.shape, side, x=ctx.x)


def _side_lift(ctx: Ctx, side: str, faults: frozenset) -> Posture:
    return side_lying(
        ctx.shape,
        side,
        abduction=62.0 if "leg_too_high" in faults else 30.0,
        top_knee_flex=62.0 if "knee_bent" in faults else 3.0,
        x=ctx.x,
    )


VARIANTS: dict[tuple[str, str], Variant] = {
    (v.exercise, v.name): v
    for v in (
        Variant(
            "hip-flexor-stretch",
            "half-kneeling",
            "hold",
            _stand,
            _kneel,
            ("torso_lean", "front_knee_past_toes"),
            hold_target_s=30.0,
            rock=_kneel_rock,
        ),
        Variant(
            "hip-flexor-stretch",
            "hand-supported",
            "hold",
            _stand,
            _kneel_hand,
            ("front_knee_past_toes",),
            hold_target_s=30.0,
        ),
        Variant(
            "hamstring-stretch",
            "supine-knee-to-chest",
            "hold",
            _supine_rest,
            _knee_to_chest(True),
            ("other_leg_lifts",),
            hold_target_s=30.0,
            lying=True,
        ),
        Variant(
            "hamstring-stretch", "standing-toe-reach", "hold", _stand, _toe_reach, ("knees_locked",), hold_target_s=30.0
        ),
        Variant(
            "hamstring-stretch",
            "split-stance-wall",
            "hold",
            _stand,
            _split,
            ("back_knee_bent", "front_knee_past_toes"),
            hold_target_s=30.0,
        ),
        Variant(
            "leg-lifts",
            "supine-bent-knee",
            "reps",
            _supine_rest,
            _bent_knee_lift,
            ("knee_angle", "lowering_too_fast", "other_leg_lifts"),
            rep_low=105.0,
            rep_high=122.0,
            t_up=1.0,
            t_down=1.7,
            top_s=0.5,
            lying=True,
        ),
        Variant(
            "leg-lifts",
            "standing-straight-leg",
            "reps",
            _stand,
            _straight_leg,
            ("knee_bent", "hold_too_short", "lowering_too_fast"),
            hold_target_s=10.0,
            rep_low=155.0,
            rep_high=168.0,
            t_up=1.4,
            t_down=2.0,
            top_s=10.5,
        ),
        Variant(
            "leg-lifts",
            "supine-leg-to-chest",
            "hold",
            _supine_rest,
            _knee_to_chest(False),
            ("other_leg_lifts",),
            hold_target_s=30.0,
            lying=True,
        ),
        Variant(
            "leg-lifts",
            "side-lying",
            "reps",
            _side_rest,
            _side_lift,
            ("knee_bent", "leg_too_high"),
            rep_low=160.0,
            rep_high=170.0,
            t_up=1.1,
            t_down=1.6,
            top_s=0.4,
            lying=True,
            view="front",
        ),
    )
}


VARIANTS.update(MORE_VARIANTS)


def side_lying_top(facing: str) -> str:
    """Filmed from the front, the top leg is fixed by which way the feet point (see postures)."""
    return "left" if facing == "right" else "right"
