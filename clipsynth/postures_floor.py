"""Floor postures added for the glute bridge and the later variants: the bridge (shoulders and feet on the
floor, hips lifted), long sitting with a forward fold, and lying on the back with straight legs raised.

Like `postures`, every builder returns a posture whose contacts are consistent, so `pose_body` only has
to lower the whole body onto the floor.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .body import BodyShape, Posture, Skeleton, forward_kinematics
from .mannequin import Outfit, build_mannequin, lowest_of
from .solve import bisect, flat_foot, reach, touch

_FEET = {"foot_l", "foot_r"}
_SIDES = ("left", "right")
_ITERS = 18  # bisection steps of the nested solves: ~1e-4 degree, and fast enough to solve per keyframe


def _lowest(sk: Skeleton, shape: BodyShape, parts: set[str]) -> float:
    return lowest_of(build_mannequin(sk, shape, Outfit()), parts)


def bridge(
    yaw: float,
    shape: BodyShape,
    hip_flex: float,
    *,
    ref: Posture,
    head_yaw: float = 0.0,
    x: float = 0.0,
) -> Posture:
    """Lying on the back with both knees bent and the feet flat, hips lifted off the floor: `hip_flex` is
    the thigh's flexion from the pelvis (~58 at rest, ~0 at the top of a bridge, negative past the line,
    i.e. an arched back). The upper back, head and feet stay on the floor and the arms lie flat beside the
    body. The feet stay planted where they are in `ref` (the resting posture, `bridge_rest`): the knee
    angle is solved so the heels keep their distance from the shoulders, and the body is slid so the heels
    do not move.
    """
    span = bridge_span(ref, shape)
    base = Posture(
        root_x=x,
        yaw=yaw,
        pitch=-90.0,
        neck_flex=-6.0,
        head_yaw=head_yaw,
        shoulder_abd_l=10,
        shoulder_abd_r=10,
        elbow_flex_l=4,
        elbow_flex_r=4,
    )
    for side in _SIDES:
        base = base.with_side(side, hip_flex=hip_flex, hip_abd=-3.0)

    def with_knee(knee: float) -> Posture:
        def set_pitch(q: Posture, pitch: float) -> Posture:
            lift = -90.0 - pitch  # how far the trunk is tilted up from the floor, hips highest
            q = replace(q, pitch=pitch, neck_flex=-6.0 + lift)
            for side in _SIDES:
                q = flat_foot(q.with_side(side, knee_flex=knee), shape, side, iters=_ITERS)
            return q

        # Feet level with the upper back (both rest on the floor once placed).
        return touch(base, shape, set_pitch, -150.0, -90.0, _FEET, {"torso"}, iters=_ITERS)

    def heel_to_shoulder(p: Posture) -> float:
        return _heel_to_shoulder(forward_kinematics(p, shape))

    p = with_knee(bisect(lambda k: heel_to_shoulder(with_knee(k)) - span, 30.0, 150.0, iters=_ITERS))
    # Head back on the floor (the chin tucks as the trunk tilts), then the arms flat on the floor.
    p = touch(p, shape, "neck_flex", -20.0, -90.0 - p.pitch + 40.0, {"head"}, {"torso"}, iters=_ITERS)
    return _anchor_heel(_arms_on_floor(p, shape), shape, ref)


def _arms_on_floor(p: Posture, shape: BodyShape) -> Posture:
    """Shoulder angle that lays each hand on the floor beside the hips (level with the upper back)."""
    lift = -90.0 - p.pitch
    for side in _SIDES:
        p = touch(
            p,
            shape,
            lambda q, v, side=side: q.with_side(side, shoulder_flex=v),
            -lift - 40.0,
            -lift + 30.0,
            {f"hand_{side[0]}"},
            {"torso"},
            iters=_ITERS,
        )
    return p


def _anchor_heel(p: Posture, shape: BodyShape, ref: Posture) -> Posture:
    """Slide the body so the left heel is where it is in `ref` (planted feet do not slide)."""
    d = forward_kinematics(ref, shape).joints["heel_l"] - forward_kinematics(p, shape).joints["heel_l"]
    return replace(p, root_x=p.root_x + d[0], root_z=p.root_z + d[2])


def bridge_rest(
    yaw: float, shape: BodyShape, *, hip_flex: float = 58.0, head_yaw: float = 0.0, x: float = 0.0
) -> Posture:
    """The starting posture: lying on the back, arms by the sides, knees bent and the feet flat (the knee
    is solved so the soles rest on the floor with the hips down)."""
    p = Posture(
        root_x=x,
        yaw=yaw,
        pitch=-90.0,
        neck_flex=-6.0,
        head_yaw=head_yaw,
        shoulder_abd_l=10,
        shoulder_abd_r=10,
        elbow_flex_l=4,
        elbow_flex_r=4,
    )
    for side in _SIDES:
        p = p.with_side(side, hip_flex=hip_flex, hip_abd=-3.0)

    def setter(q: Posture, v: float) -> Posture:
        for side in _SIDES:
            q = flat_foot(q.with_side(side, knee_flex=v), shape, side)
        return q

    return _arms_on_floor(touch(p, shape, setter, 20.0, 150.0, _FEET, {"pelvis", "torso"}, iters=_ITERS), shape)


def bridge_span(p: Posture, shape: BodyShape) -> float:
    """Horizontal heel-to-shoulder distance of a bridge posture (kept constant: the feet are planted)."""
    sk = forward_kinematics(p, shape)
    return _heel_to_shoulder(sk)


def _heel_to_shoulder(sk: Skeleton) -> float:
    d = sk.joints["shoulder_l"] - sk.joints["heel_l"]
    return float(np.hypot(d[0], d[2]))


def supine_legs(
    yaw: float,
    shape: BodyShape,
    *,
    hip_flex: dict[str, float],
    knee_flex: dict[str, float],
    hug: str | None = None,
    hold_thigh: str | None = None,
    head_yaw: float = 0.0,
    x: float = 0.0,
) -> Posture:
    """Lying on the back, arms on the floor by the sides. Legs listed in `knee_flex` take the given hip and
    knee flexion (a straight leg lying on the floor is hip ~1, knee ~4: the thigh stays in front of the
    pelvis' frontal plane, see truth.hip_angle); the others are bent with the foot flat (hip 41, knee
    solved). `hug` pulls both hands over the front of that shin below the knee (a knee hug); `hold_thigh`
    puts both hands behind that thigh halfway up (holding a raised straight leg)."""
    # A little posterior pelvic tilt lays a straight leg's heel on the floor without hip extension.
    p = Posture(
        root_x=x,
        yaw=yaw,
        pitch=-88.0,
        spine_flex=-2.0,
        neck_flex=-6.0,
        head_yaw=head_yaw,
        shoulder_abd_l=10,
        shoulder_abd_r=10,
        elbow_flex_l=4,
        elbow_flex_r=4,
    )
    for side in _SIDES:
        p = p.with_side(side, hip_flex=hip_flex.get(side, 41.0), hip_abd=2.0)
        if side in knee_flex:
            p = p.with_side(side, knee_flex=knee_flex[side], ankle_dorsi=-8.0 if knee_flex[side] < 30 else -10.0)
        else:

            def setter(q: Posture, v: float, side: str = side) -> Posture:
                return flat_foot(q.with_side(side, knee_flex=v), shape, side, iters=_ITERS)

            p = touch(p, shape, setter, 20.0, 150.0, {f"foot_{side[0]}"}, {"pelvis", "torso"}, iters=_ITERS)
    grip = hug or hold_thigh
    if grip is None:
        return _arms_on_floor(p, shape)
    g = grip[0]

    def spot(sk: Skeleton, s: float) -> np.ndarray:
        knee, hip = sk.joints[f"knee_{g}"], sk.joints[f"hip_{g}"]
        fr = sk.frames[f"thigh_{g}"]  # behind the thigh: just above the knee (a hug) or halfway up
        return knee + (0.22 if hug else 0.45) * (hip - knee) - 0.075 * fr[:, 2] + s * 0.05 * fr[:, 0]

    for side, s in (("left", 1.0), ("right", -1.0)):
        p = reach(p.with_side(side, elbow_flex=40.0, shoulder_flex=70.0), shape, side, lambda sk, s=s: spot(sk, s))
    return replace(p, neck_flex=8.0 if hug else 2.0)


def long_sitting(
    yaw: float,
    shape: BodyShape,
    *,
    fold: float = -4.0,
    spine: float = 4.0,
    knee_flex: float = 5.0,
    reach_toes: bool = False,
    head_yaw: float = 0.0,
    x: float = 0.0,
) -> Posture:
    """Sitting on the floor with the legs straight out in front. `fold` tips the pelvis forward over the
    thighs and `spine` rounds the back (a seated forward fold); the hands rest on the thighs, or reach
    along the shins towards the toes. The hips are solved so the heels rest on the floor."""
    p = Posture(root_x=x, yaw=yaw, pitch=fold, spine_flex=spine, neck_flex=0.3 * spine, head_yaw=head_yaw)

    def legs(q: Posture, thigh: float) -> Posture:
        for side in _SIDES:
            q = q.with_side(side, hip_flex=thigh + fold, hip_abd=-2.0, knee_flex=knee_flex, ankle_dorsi=-25.0)
        return q

    p = touch(p, shape, legs, 80.0, 100.0, _FEET, {"pelvis"}, iters=_ITERS)
    for side, s in (("left", 1.0), ("right", -1.0)):
        c = side[0]
        if reach_toes:

            def target(sk: Skeleton, c: str = c, s: float = s) -> np.ndarray:
                # As far along the shin towards the ankle as the straight arm reaches.
                sh = sk.joints[f"shoulder_{c}"]
                knee, ankle = sk.joints[f"knee_{c}"], sk.joints[f"ankle_{c}"]
                lift = np.array([0.0, 0.07, 0.0]) + s * 0.03 * sk.frames["pelvis"][:, 0]
                arm = 0.95 * (shape.upper_arm + shape.forearm)
                f = bisect(lambda u: float(np.linalg.norm(knee + u * (ankle - knee) + lift - sh)) - arm, 0.0, 1.0)
                return knee + f * (ankle - knee) + lift

            p = reach(p.with_side(side, shoulder_flex=90.0, elbow_flex=5.0), shape, side, target)
        else:

            def on_thigh(sk: Skeleton, c: str = c) -> np.ndarray:
                hip, knee = sk.joints[f"hip_{c}"], sk.joints[f"knee_{c}"]
                return hip + 0.6 * (knee - hip) + np.array([0.0, 0.10, 0.0])

            p = reach(p.with_side(side, shoulder_flex=40.0, elbow_flex=30.0), shape, side, on_thigh)
    return p
