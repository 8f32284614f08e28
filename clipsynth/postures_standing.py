"""Standing postures of the negative clips (movements that are none of the exercises): a bodyweight squat,
a forward lunge, and sitting on a box. Planted feet stay where they stand (`anchor`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .body import BodyShape, Posture, Skeleton, forward_kinematics
from .mannequin import Box, Outfit, lowest_of, pose_body
from .postures import OTHER, _front_leg, half_kneeling, standing
from .solve import flat_foot, reach

_SIDES = ("left", "right")


def anchor(p: Posture, shape: BodyShape, joint: str, ref: Posture) -> Posture:
    """Slide the body horizontally so `joint` is where it is in `ref` (a planted foot stays put)."""
    d = forward_kinematics(ref, shape).joints[joint] - forward_kinematics(p, shape).joints[joint]
    return replace(p, root_x=p.root_x + d[0], root_z=p.root_z + d[2])


def squat(yaw: float, shape: BodyShape, *, depth: float = 1.0, head_yaw: float = 0.0, x: float = 0.0) -> Posture:
    """Bodyweight squat, `depth` 0 (standing) to 1 (thighs ~72° from vertical, knee ~80°, hip ~68°, trunk
    leaning ~40°), arms reaching forward for balance; the heels stay where the standing posture has them."""
    thigh, shin, lean = 72.0 * depth, 28.0 * depth, 38.0 * depth
    p = Posture(root_x=x, yaw=yaw, pitch=lean, spine_flex=4.0 * depth, neck_flex=-lean * 0.8, head_yaw=head_yaw)
    for side in _SIDES:
        p = p.with_side(side, hip_flex=thigh + lean, knee_flex=thigh + shin, hip_abd=4.0 * depth)
        p = p.with_side(side, shoulder_flex=85.0 * depth, elbow_flex=10.0, shoulder_abd=8.0)
        p = flat_foot(p, shape, side)
    return anchor(p, shape, "heel_l", standing(yaw, head_yaw, x))


def lunge(yaw: float, shape: BodyShape, front: str, *, head_yaw: float = 0.0, x: float = 0.0) -> Posture:
    """Bottom of a forward lunge: `front` foot stepped forward with the knee ~90°, the back knee down to the
    floor on tucked toes; the back foot stays where it stood."""
    back = OTHER[front]
    p = half_kneeling(yaw, shape, back, torso_flex=4.0, head_yaw=head_yaw, x=x)
    # The tucked toes reach a little below the knee: put the front sole level with them (the back knee
    # then hovers a few centimetres above the floor, as in a lunge).
    p = _front_leg(p, shape, front, 88.0, -4.0, 0.75 * 4.0, {f"foot_{back[0]}"})
    p = p.with_side("left", shoulder_abd=12.0).with_side("right", shoulder_abd=12.0)
    return anchor(p, shape, f"toe_{back[0]}", standing(yaw, head_yaw, x))


def lunge_step(yaw: float, shape: BodyShape, front: str, *, head_yaw: float = 0.0, x: float = 0.0) -> Posture:
    """Halfway through the step: the front foot in the air ahead of the body, the back leg still straight."""
    back = OTHER[front]
    p = standing(yaw, head_yaw, x)
    p = p.with_side(front, hip_flex=45.0, knee_flex=50.0, ankle_dorsi=5.0).with_side(back, hip_flex=-8.0)
    p = replace(p, pitch=3.0)
    return anchor(p, shape, f"toe_{back[0]}", standing(yaw, head_yaw, x))


def seated(yaw: float, shape: BodyShape, *, lean: float = 0.0, head_yaw: float = 0.0, x: float = 0.0) -> Posture:
    """Sitting on a box: thighs horizontal, shins vertical, feet flat, hands resting on the thighs; `lean`
    tips the trunk forward (about to stand up). The heels stay where the standing posture has them."""
    p = Posture(root_x=x, yaw=yaw, pitch=lean, neck_flex=-0.6 * lean, head_yaw=head_yaw)
    for side in _SIDES:
        p = p.with_side(side, hip_flex=90.0 + lean, knee_flex=90.0, hip_abd=2.0)
        p = flat_foot(p, shape, side)
    for side in _SIDES:
        c = side[0]

        def on_thigh(sk: Skeleton, c: str = c) -> np.ndarray:
            hip, knee = sk.joints[f"hip_{c}"], sk.joints[f"knee_{c}"]
            return hip + 0.7 * (knee - hip) + np.array([0.0, 0.09, 0.0])

        p = reach(p.with_side(side, shoulder_flex=20.0, elbow_flex=40.0), shape, side, on_thigh)
    return anchor(p, shape, "heel_l", standing(yaw, head_yaw, x))


def seat_box(p: Posture, shape: BodyShape) -> Box:
    """A box whose top is just under the sitting body's pelvis and thighs, deep enough to sit on."""
    body = pose_body(p, shape, Outfit())
    lowest_seat = lowest_of(body.prims, {"pelvis", "thigh_l", "thigh_r"})
    sk = body.skeleton
    fwd = sk.frames["pelvis"][:, 2] * np.array([1.0, 0.0, 1.0])
    fwd /= np.linalg.norm(fwd)
    up = np.array([0.0, 1.0, 0.0])
    side = np.cross(up, fwd)
    centre = sk.joints["root"] + 0.06 * fwd
    height = lowest_seat
    return Box(
        np.array([centre[0], height / 2, centre[2]]),
        np.stack([side, up, fwd], axis=1),
        np.array([0.24, height / 2, 0.2]),
        "scene",
    )
