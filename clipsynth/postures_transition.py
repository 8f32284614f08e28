"""Postures between exercises, for routines: sitting on the floor on the way down to lying (and back up),
and the deep squat people pass through getting down. Like `postures`, each builder returns a posture
whose contacts are consistent (feet flat, seat and hands on the floor), so `pose_body` only has to lower
the whole body onto the floor. `planted` keeps the feet where they are while a transition blends two of
them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from .body import BodyShape, Posture, Skeleton, forward_kinematics, lerp_posture
from .postures_standing import squat
from .solve import flat_foot, floor_height, reach, touch
from .timeline import EASINGS

_SIDES = ("left", "right")
# The supine rest (`postures.supine`) has the thighs 41° above the floor (hip flexion 41 at pitch -90): a
# floor sit keeps that thigh angle, so lying back only turns the trunk.
THIGH_FROM_DOWN = 131.0


def floor_sit(
    yaw: float, shape: BodyShape, *, lean_back: float = 28.0, head_yaw: float = 0.0, x: float = 0.0
) -> Posture:
    """Sitting on the floor, knees bent and feet flat, the trunk leaning back `lean_back`° with both hands
    on the floor behind the hips (the way people sit down before lying back, or sit up to get up)."""
    pitch = -lean_back
    p = Posture(root_x=x, yaw=yaw, pitch=pitch, neck_flex=0.5 * lean_back, head_yaw=head_yaw)
    for side in _SIDES:
        p = p.with_side(side, hip_flex=THIGH_FROM_DOWN + pitch, hip_abd=2.0)

    def knees(q: Posture, v: float) -> Posture:
        for side in _SIDES:
            q = flat_foot(q.with_side(side, knee_flex=v), shape, side, iters=18)
        return q

    p = touch(p, shape, knees, 20.0, 150.0, {"foot_l", "foot_r"}, {"pelvis"}, iters=18)
    for side, s in (("left", 1.0), ("right", -1.0)):

        def behind(sk: Skeleton, s: float = s) -> np.ndarray:
            fwd = sk.frames["pelvis"][:, 2] * np.array([1.0, 0.0, 1.0])
            fwd /= np.linalg.norm(fwd)
            lateral = np.cross(np.array([0.0, 1.0, 0.0]), fwd)  # the person's left
            spot = sk.joints["root"] - 0.22 * fwd + s * 0.22 * lateral
            return np.array([spot[0], floor_height(sk, shape) + 0.02, spot[2]])

        p = reach(
            p.with_side(side, shoulder_flex=-40.0, shoulder_abd=15.0, elbow_flex=5.0, wrist_flex=-30.0),
            shape,
            side,
            behind,
            effector="hand",
        )
    return p


def crouch(yaw: float, shape: BodyShape, *, head_yaw: float = 0.0, x: float = 0.0) -> Posture:
    """A deep squat on flat feet, arms forward: the way down to sitting on the floor, and back up."""
    return squat(yaw, shape, depth=1.15, head_yaw=head_yaw, x=x)


def planted(
    a: Posture, b: Posture, shape: BodyShape, ref: Posture, ease: str = "smooth", joint: str = "heel_l"
) -> Callable[[float], Posture]:
    """Blend from `a` to `b` over s in [0, 1] (eased), sliding each blend so `joint` stays where it is in
    `ref`: planted feet do not skate while the body goes down or comes up."""
    f = EASINGS[ease]
    spot = forward_kinematics(ref, shape).joints[joint]

    def at(s: float) -> Posture:
        p = lerp_posture(a, b, f(s))
        d = spot - forward_kinematics(p, shape).joints[joint]
        return replace(p, root_x=p.root_x + d[0], root_z=p.root_z + d[2])

    return at
