"""Articulated body: proportions, per-frame posture parameters and forward kinematics.

Frames are right-handed with y up. A body-local frame has X = the person's left, Y = up (towards the
head), Z = anterior (the way the chest faces). All angles are in degrees; lengths in metres.

Rotation sign conventions (so postures read naturally):
- hip/shoulder flexion moves the limb forward, abduction moves it away from the midline;
- knee flexion folds the shank backwards, elbow flexion folds the forearm forward;
- ankle dorsiflexion lifts the toes; spine flexion bends the trunk forward; neck flexion tilts the chin
  down; head yaw turns the face towards the person's left.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

SIDES = ("left", "right")


def rx(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def ry(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rz(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class BodyShape:
    """Segment lengths as fractions of standing height (after Drillis & Contini), scaled by `height`."""

    height: float = 1.75

    def __getattr__(self, name: str) -> float:
        # Every proportion below is exposed as a length in metres, e.g. shape.thigh.
        try:
            return _PROPORTIONS[name] * self.height
        except KeyError:
            raise AttributeError(name) from None

    @property
    def scale(self) -> float:
        """Factor applied to the mannequin's flesh radii, which are sized for a 1.75 m adult."""
        return self.height / 1.75


_PROPORTIONS = {
    "hip_half_width": 0.050,  # hip joint centres ~17.5 cm apart at 1.75 m
    "lumbar_up": 0.070,  # lumbar pivot above the hip line
    "shoulder_up": 0.215,  # shoulder joints above the lumbar pivot
    "shoulder_half_width": 0.090,  # narrower than the acromia: joint centres, not skin
    "neck_up": 0.235,  # base of the neck above the lumbar pivot
    "neck_len": 0.045,  # neck base to the head pivot
    "head_up": 0.055,  # head pivot to head centre
    "upper_arm": 0.186,
    "forearm": 0.146,
    "hand": 0.100,
    "thigh": 0.245,
    "shank": 0.246,
    "ankle_height": 0.039,
    "heel_back": 0.034,
    "toe_front": 0.110,
}


@dataclass(frozen=True)
class Posture:
    """Joint angles (degrees) plus root placement for one frame; `_l`/`_r` name the anatomical side.

    The root is the midpoint of the hip joints. Its height is not stored: `mannequin.place_on_floor`
    lowers the body until its lowest point touches the floor.
    """

    root_x: float = 0.0
    root_z: float = 0.0
    yaw: float = 0.0  # heading about world up; 90 = anterior along world +x
    pitch: float = 0.0  # about the body's left axis; -90 = supine (chest up)
    roll: float = 0.0  # about the anterior axis; -90 = lying on the left side
    spine_flex: float = 0.0
    spine_lat: float = 0.0  # positive bends towards the left
    neck_flex: float = 0.0
    head_yaw: float = 0.0
    head_lat: float = 0.0
    hip_flex_l: float = 0.0
    hip_flex_r: float = 0.0
    hip_abd_l: float = -3.0  # femoral shafts converge slightly towards the knees
    hip_abd_r: float = -3.0
    knee_flex_l: float = 0.0
    knee_flex_r: float = 0.0
    ankle_dorsi_l: float = 0.0
    ankle_dorsi_r: float = 0.0
    shoulder_flex_l: float = 0.0
    shoulder_flex_r: float = 0.0
    shoulder_abd_l: float = 8.0
    shoulder_abd_r: float = 8.0
    elbow_flex_l: float = 10.0
    elbow_flex_r: float = 10.0
    wrist_flex_l: float = 0.0
    wrist_flex_r: float = 0.0

    def get(self, name: str, side: str) -> float:
        return float(getattr(self, f"{name}_{side[0]}"))

    def with_side(self, side: str, **angles: float) -> Posture:
        """Copy with per-side fields set, e.g. `p.with_side("left", hip_flex=90)`."""
        return replace(self, **{f"{k}_{side[0]}": v for k, v in angles.items()})


def lerp_posture(a: Posture, b: Posture, s: float) -> Posture:
    """Field-wise linear blend; the timeline eases `s` before calling this."""
    return Posture(**{f.name: (1.0 - s) * getattr(a, f.name) + s * getattr(b, f.name) for f in fields(a)})


@dataclass
class Skeleton:
    """World-space joint positions and segment frames (3x3 rotations, columns = local X, Y, Z axes)."""

    joints: dict[str, np.ndarray]
    frames: dict[str, np.ndarray]

    def shifted(self, dy: float) -> Skeleton:
        off = np.array([0.0, dy, 0.0])
        return Skeleton({k: v + off for k, v in self.joints.items()}, dict(self.frames))


def forward_kinematics(p: Posture, shape: BodyShape, root_y: float = 1.0) -> Skeleton:
    """Joint positions for posture `p` with the root at height `root_y` (floor placement comes later)."""
    j: dict[str, np.ndarray] = {}
    fr: dict[str, np.ndarray] = {}
    pelvis = ry(p.yaw) @ rx(p.pitch) @ rz(p.roll)
    root = np.array([p.root_x, root_y, p.root_z])
    j["root"], fr["pelvis"] = root, pelvis
    j["lumbar"] = root + pelvis @ np.array([0.0, shape.lumbar_up, 0.0])
    torso = pelvis @ rx(p.spine_flex) @ rz(-p.spine_lat)
    fr["torso"] = torso
    j["neck"] = j["lumbar"] + torso @ np.array([0.0, shape.neck_up, 0.0])
    head = torso @ rx(p.neck_flex) @ rz(-p.head_lat) @ ry(p.head_yaw)
    fr["head"] = head
    j["head_pivot"] = j["neck"] + torso @ np.array([0.0, shape.neck_len, 0.0])
    j["head"] = j["head_pivot"] + head @ np.array([0.0, shape.head_up, 0.012 * shape.scale])

    for side in SIDES:
        sx = 1.0 if side == "left" else -1.0
        s = side[0]
        # Arm chain.
        sh = j["lumbar"] + torso @ np.array([sx * shape.shoulder_half_width, shape.shoulder_up, 0.0])
        upper = torso @ rz(sx * p.get("shoulder_abd", side)) @ rx(-p.get("shoulder_flex", side))
        elbow = sh + upper @ np.array([0.0, -shape.upper_arm, 0.0])
        fore = upper @ rx(-p.get("elbow_flex", side))
        wrist = elbow + fore @ np.array([0.0, -shape.forearm, 0.0])
        hand = fore @ rx(-p.get("wrist_flex", side))
        j[f"shoulder_{s}"], j[f"elbow_{s}"], j[f"wrist_{s}"] = sh, elbow, wrist
        j[f"hand_{s}"] = wrist + hand @ np.array([0.0, -shape.hand, 0.0])
        fr[f"upper_arm_{s}"], fr[f"forearm_{s}"], fr[f"hand_{s}"] = upper, fore, hand
        # Leg chain.
        hip = root + pelvis @ np.array([sx * shape.hip_half_width, 0.0, 0.0])
        thigh = pelvis @ rz(sx * p.get("hip_abd", side)) @ rx(-p.get("hip_flex", side))
        knee = hip + thigh @ np.array([0.0, -shape.thigh, 0.0])
        shank = thigh @ rx(p.get("knee_flex", side))
        ankle = knee + shank @ np.array([0.0, -shape.shank, 0.0])
        foot = shank @ rx(-p.get("ankle_dorsi", side))
        j[f"hip_{s}"], j[f"knee_{s}"], j[f"ankle_{s}"] = hip, knee, ankle
        j[f"heel_{s}"] = ankle + foot @ np.array([0.0, -shape.ankle_height, -shape.heel_back])
        j[f"toe_{s}"] = ankle + foot @ np.array([0.0, -0.7 * shape.ankle_height, shape.toe_front])
        fr[f"thigh_{s}"], fr[f"shank_{s}"], fr[f"foot_{s}"] = thigh, shank, foot
    return Skeleton(j, fr)
