"""Base postures of the exercises, built from a few meaningful numbers and solved for floor contact.

Every function takes `yaw` (the heading, see `heading`) and returns a `Posture` whose contacts are
consistent (a planted foot is flat and level with the other support), so `pose_body` only has to lower
the whole body onto the floor.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from .body import BodyShape, Posture, Skeleton, forward_kinematics
from .mannequin import Outfit, build_mannequin, lowest_of
from .solve import flat_foot, floor_height, reach, touch

OTHER = {"left": "right", "right": "left"}


def heading(facing: str, view: str) -> float:
    """Yaw that makes the anterior point to image right/left; a three-quarter view turns the person 35°
    towards the camera (which sits on world +z looking down -z)."""
    base = 90.0 if facing == "right" else -90.0
    if view == "three-quarter":
        base -= math.copysign(35.0, base)
    return base


def toward_camera(facing: str, amount: float) -> float:
    """Head yaw that turns the face towards the camera in a side view (people watch their phone)."""
    return -amount if facing == "right" else amount


def standing(yaw: float, head_yaw: float = 0.0, x: float = 0.0) -> Posture:
    return Posture(root_x=x, yaw=yaw, head_yaw=head_yaw, shoulder_abd_l=10, shoulder_abd_r=10)


def walking(yaw: float, x: float, phase: float, head_yaw: float = 0.0) -> Posture:
    """Simple gait cycle: `phase` in radians; hips swing ±20°, the knee folds during the swing."""
    p = standing(yaw, head_yaw, x)
    for side, shift in (("left", 0.0), ("right", math.pi)):
        ph = phase + shift
        swing = max(0.0, math.cos(ph)) ** 2  # large while this hip is moving forward
        p = p.with_side(
            side,
            hip_flex=20.0 * math.sin(ph),
            knee_flex=5.0 + 55.0 * swing,
            ankle_dorsi=5.0 * math.sin(ph),
            shoulder_flex=-16.0 * math.sin(ph),
            elbow_flex=15.0 + 10.0 * max(0.0, -math.sin(ph)),
        )
    return replace(p, spine_flex=3.0)


def _front_leg(
    p: Posture, shape: BodyShape, side: str, thigh_world: float, shin_tilt: float, pitch: float, against: set[str]
) -> Posture:
    """Front leg of a lunge: the shin leans `shin_tilt` degrees forward of vertical (knee ahead of the
    ankle), the foot is flat and the sole level with `against`; solves the thigh angle."""

    def setter(q: Posture, thigh: float) -> Posture:
        q = q.with_side(side, hip_flex=thigh + pitch, knee_flex=thigh + shin_tilt)
        return flat_foot(q, shape, side)

    return touch(p, shape, setter, thigh_world - 45.0, thigh_world + 45.0, {f"foot_{side[0]}"}, against)


def _anchor(p: Posture, shape: BodyShape, joint: str, ref: Posture) -> Posture:
    """Slide the whole body horizontally so `joint` is where it is in `ref` (a planted contact stays put)."""
    d = forward_kinematics(ref, shape).joints[joint] - forward_kinematics(p, shape).joints[joint]
    return replace(p, root_x=p.root_x + d[0], root_z=p.root_z + d[2])


def _floor_spot(ref: Posture, shape: BodyShape, joint: str) -> Callable[[Skeleton], np.ndarray]:
    """Target fixed in the room: where `joint` is in `ref`, at the same height above the floor."""
    sk = forward_kinematics(ref, shape)
    spot = sk.joints[joint].copy()
    height = spot[1] - floor_height(sk, shape)
    return lambda q: np.array([spot[0], floor_height(q, shape) + height, spot[2]])


def half_kneeling(
    yaw: float,
    shape: BodyShape,
    kneel_side: str,
    *,
    back_ext: float = 14.0,
    torso_flex: float = 2.0,
    shin_tilt: float = -4.0,
    hand_support: bool = False,
    keep_contacts_of: Posture | None = None,
    head_yaw: float = 0.0,
    x: float = 0.0,
) -> Posture:
    """Kneel on `kneel_side` (shin on the floor, toes tucked), the other foot forward with the knee near
    90°. `back_ext` pushes the hips forward (back hip extension); `hand_support` leans the trunk and puts
    the front-side hand down beside the front foot (on a block: see script). With `keep_contacts_of`, the
    back knee, front foot and hand stay where they are in that posture and `back_ext` is solved instead
    (a knee sliding past the toes moves the hips, not the foot)."""
    front = OTHER[kneel_side]
    k, f = kneel_side[0], front[0]
    # People lean from the hips: three quarters of the lean is pelvic tilt, the rest spinal flexion.
    pitch = 0.75 * torso_flex
    base = Posture(
        root_x=x,
        yaw=yaw,
        pitch=pitch,
        spine_flex=torso_flex - pitch,
        neck_flex=-0.6 * torso_flex,
        head_yaw=head_yaw,
        shoulder_abd_l=10,
        shoulder_abd_r=10,
    )

    def legs(ext: float) -> Posture:
        # Back thigh `ext` behind vertical in the world, whatever the pelvic tilt.
        p = base.with_side(kneel_side, hip_flex=pitch - ext, knee_flex=84.0 - ext, ankle_dorsi=5.0)
        # Toes tucked under: the foot reaches the floor level with the knee.
        p = touch(p, shape, f"ankle_dorsi_{k}", -30.0, 60.0, {f"foot_{k}"}, {f"shank_{k}"})
        return _front_leg(p, shape, front, 88.0, shin_tilt, pitch, {f"shank_{k}"})

    p = legs(back_ext)
    if keep_contacts_of is not None:
        p = _anchor(p, shape, f"knee_{k}", keep_contacts_of)
    if hand_support:
        if keep_contacts_of is not None:
            spot = _floor_spot(keep_contacts_of, shape, f"hand_{f}")
        else:

            def spot(sk: Skeleton) -> np.ndarray:
                out = sk.frames["pelvis"][:, 0] * (1.0 if front == "left" else -1.0)
                at = sk.joints[f"ankle_{f}"] + 0.15 * out - 0.12 * sk.frames["pelvis"][:, 2]
                return np.array([at[0], floor_height(sk, shape) + 0.01, at[2]])

        p = reach(p.with_side(front, wrist_flex=10.0), shape, front, spot, effector="hand")
    return p


def supine(
    yaw: float,
    shape: BodyShape,
    *,
    hip_flex: dict[str, float] | None = None,
    knee_flex: dict[str, float] | None = None,
    hug: str | None = None,
    head_yaw: float = 0.0,
    x: float = 0.0,
) -> Posture:
    """Lying on the back. Legs listed in `knee_flex` use that knee angle; the others keep the foot flat on
    the floor (the knee is solved). `hug` pulls both hands behind that thigh, just above the knee."""
    hip_flex = {"left": 41.0, "right": 41.0, **(hip_flex or {})}
    knee_flex = knee_flex or {}
    p = Posture(
        root_x=x,
        yaw=yaw,
        pitch=-90.0,
        neck_flex=-6.0,
        head_yaw=head_yaw,
        shoulder_abd_l=14,
        shoulder_abd_r=14,
        elbow_flex_l=6,
        elbow_flex_r=6,
    )
    for side in ("left", "right"):
        c = side[0]
        p = p.with_side(side, hip_flex=hip_flex[side], hip_abd=2.0)
        if side in knee_flex:
            p = p.with_side(side, knee_flex=knee_flex[side], ankle_dorsi=-10.0)
        else:

            def setter(q: Posture, v: float, side: str = side) -> Posture:
                return flat_foot(q.with_side(side, knee_flex=v), shape, side)

            p = touch(p, shape, setter, 20.0, 150.0, {f"foot_{c}"}, {"pelvis", "torso"})
    if hug:
        h = hug[0]

        def behind_thigh(sk: Skeleton, s: float) -> np.ndarray:
            knee, hip = sk.joints[f"knee_{h}"], sk.joints[f"hip_{h}"]
            fr = sk.frames[f"thigh_{h}"]
            return knee + 0.22 * (hip - knee) - 0.075 * fr[:, 2] + s * 0.05 * fr[:, 0]

        for side, s in (("left", 1.0), ("right", -1.0)):
            p = reach(
                p.with_side(side, elbow_flex=60.0, shoulder_flex=60.0), shape, side, lambda sk, s=s: behind_thigh(sk, s)
            )
        p = replace(p, neck_flex=4.0)
    return p


def side_lying(
    shape: BodyShape, top_side: str, *, abduction: float = -8.0, top_knee_flex: float = 3.0, x: float = 0.0
) -> Posture:
    """Lying on the side facing the camera (+z), lower arm stretched overhead under the head, top hand on
    the floor in front of the chest. `abduction` of the top leg; negative = resting on the lower leg."""
    bottom = OTHER[top_side]
    roll = -90.0 if bottom == "left" else 90.0
    tilt = 12.0 if bottom == "left" else -12.0  # head sinks towards the floor onto the lower arm
    p = Posture(root_x=x, roll=roll, head_lat=tilt, spine_lat=0.0)
    p = p.with_side(
        bottom, hip_flex=6.0, hip_abd=0.0, knee_flex=4.0, shoulder_flex=165.0, shoulder_abd=0.0, elbow_flex=12.0
    )
    p = p.with_side(top_side, hip_flex=6.0, hip_abd=abduction, knee_flex=top_knee_flex, ankle_dorsi=-5.0)

    def in_front_of_chest(sk: Skeleton) -> np.ndarray:
        fr = sk.frames["torso"]
        spot = 0.5 * (sk.joints["shoulder_l"] + sk.joints["shoulder_r"]) - 0.16 * fr[:, 1] + 0.30 * fr[:, 2]
        return np.array([spot[0], floor_height(sk, shape) + 0.04, spot[2]])

    return reach(p.with_side(top_side, shoulder_flex=60.0, elbow_flex=60.0), shape, top_side, in_front_of_chest)


def forward_bend(
    yaw: float,
    shape: BodyShape,
    *,
    bend: float = 72.0,
    spine: float = 22.0,
    knee_flex: float = 20.0,
    head_yaw: float = 0.0,
    x: float = 0.0,
    hand_up: float = 0.22,
    neck_flex: float = -10.0,
) -> Posture:
    """Standing toe reach: the pelvis tips forward `bend`° over thighs that lean a little forward when the
    knees are soft; hands reach down towards the shins (`hand_up` metres above the ankles)."""
    thigh_fwd = 0.5 * knee_flex
    p = Posture(root_x=x, yaw=yaw, pitch=bend, spine_flex=spine, neck_flex=neck_flex, head_yaw=head_yaw)
    for side in ("left", "right"):
        p = p.with_side(side, hip_flex=bend + thigh_fwd, knee_flex=knee_flex, hip_abd=-2.0)
        p = flat_foot(p, shape, side)
    for side in ("left", "right"):
        c = side[0]
        p = reach(
            p.with_side(side, shoulder_flex=80.0, elbow_flex=5.0),
            shape,
            side,
            lambda sk, c=c: _above_floor(
                sk,
                shape,
                sk.joints[f"ankle_{c}"]
                + np.array([0.0, hand_up, 0.0])
                + 0.08 * sk.frames["pelvis"][:, 2] * np.array([1.0, 0.0, 1.0]),
            ),
        )
    return p


def _above_floor(sk: Skeleton, shape: BodyShape, wrist: np.ndarray) -> np.ndarray:
    """Wrist target `wrist`, raised if needed so the hand hanging below it stays above the floor the feet
    stand on (fingers below the soles would become the body's lowest point and lift the feet)."""
    if wrist[1] - sk.joints["ankle_l"][1] > shape.hand + 0.1:  # well above the ankles: nothing to check
        return wrist
    floor = lowest_of(build_mannequin(sk, shape, Outfit()), {"foot_l", "foot_r"})
    return np.array([wrist[0], max(wrist[1], floor + shape.hand + 0.03), wrist[2]])


def split_stance(
    yaw: float,
    shape: BodyShape,
    back_side: str,
    *,
    lean: float = 17.0,
    back_knee_flex: float = 2.0,
    shin_tilt: float = 4.0,
    wall_reach: float = 0.5,
    keep_contacts_of: Posture | None = None,
    head_yaw: float = 0.0,
    x: float = 0.0,
) -> Posture:
    """Facing a wall, `back_side` leg stepped back and straight, front knee bent with the thigh well
    forward, trunk leaning `lean`° on a straight back, palms on the wall at shoulder height, `wall_reach`
    metres ahead of the shoulders. With `keep_contacts_of`, the back foot and both palms stay where they
    are in that posture (a forward front shin draws the front foot back: a too-short stance)."""
    front = OTHER[back_side]
    b, f = back_side[0], front[0]
    pitch = 20.0
    base = Posture(root_x=x, yaw=yaw, pitch=pitch, spine_flex=lean, neck_flex=-lean, head_yaw=head_yaw)
    base = base.with_side(back_side, knee_flex=back_knee_flex, ankle_dorsi=12.0)

    def legs(thigh: float) -> Posture:
        p = base.with_side(front, hip_flex=thigh + pitch, knee_flex=thigh + shin_tilt)
        p = flat_foot(p, shape, front)
        # Stride length: the back leg's toes reach the floor level with the flat front foot.
        return touch(
            p,
            shape,
            lambda q, ext: q.with_side(back_side, hip_flex=pitch - ext),
            0.0,
            70.0,
            {f"foot_{b}"},
            {f"foot_{f}"},
        )

    if keep_contacts_of is None:
        p = legs(64.0)
        hands = {}
        for side, s in (("left", 1.0), ("right", -1.0)):

            def on_wall(sk: Skeleton, s: float = s) -> np.ndarray:
                mid = 0.5 * (sk.joints["shoulder_l"] + sk.joints["shoulder_r"])
                fwd = wall_normal(sk)
                side_axis = np.cross(np.array([0.0, 1.0, 0.0]), fwd)
                return mid + (wall_reach - 0.03) * fwd + s * 0.20 * side_axis

            hands[side] = on_wall
    else:
        p = _anchor(legs(64.0), shape, f"toe_{b}", keep_contacts_of)
        hands = {side: _floor_spot(keep_contacts_of, shape, f"wrist_{side[0]}") for side in ("left", "right")}
    for side in ("left", "right"):
        p = reach(p.with_side(side, shoulder_flex=80.0, elbow_flex=30.0, wrist_flex=-60.0), shape, side, hands[side])
    return p


def wall_normal(sk: Skeleton) -> np.ndarray:
    """Horizontal unit vector of the person's facing direction (from the pelvis anterior axis)."""
    fwd = sk.frames["pelvis"][:, 2] * np.array([1.0, 0.0, 1.0])
    return fwd / np.linalg.norm(fwd)


def standing_leg_lift(
    yaw: float, side: str, *, hip_flex: float = 0.0, knee_flex: float = 2.0, head_yaw: float = 0.0, x: float = 0.0
) -> Posture:
    """Standing on one leg, the other lifted straight forward (arms out a little for balance)."""
    p = standing(yaw, head_yaw, x)
    p = replace(p, shoulder_abd_l=22.0, shoulder_abd_r=22.0, spine_flex=-2.0)
    return p.with_side(side, hip_flex=hip_flex, knee_flex=knee_flex, ankle_dorsi=-5.0)


def standing_side_raise(
    side: str, *, abduction: float = 0.0, knee_flex: float = 2.0, trunk_lat: float = 0.0, x: float = 0.0
) -> Posture:
    """Standing facing the camera (yaw 0: the chest faces +z) on one leg, the other raised straight out to
    the side by `abduction` degrees; the arms hang a little away from the body so the hands stay clear of
    the raised thigh. `trunk_lat` bends the trunk away from the raised leg (towards the standing one)."""
    lean = -trunk_lat if side == "left" else trunk_lat  # spine_lat > 0 bends towards the left
    p = replace(standing(0.0, 0.0, x), shoulder_abd_l=24.0, shoulder_abd_r=24.0, spine_lat=lean)
    return p.with_side(side, hip_abd=abduction, knee_flex=knee_flex, ankle_dorsi=-3.0 if abduction > 0 else 0.0)
