"""A 2D stick figure that produces ``Pose`` landmarks with exactly known joint angles (test helper).

Side view only. ``chirality`` +1: facing image-right when upright (the camera sees the right side).
Angles follow formcheck's conventions (hip 180 = straight, 90 = thigh forward; knee 180 = straight).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from formcheck.pose.landmarks import LM, NUM_LANDMARKS, Pose


@dataclass(frozen=True)
class Posture:
    hip: tuple[float, float] = (180.0, 180.0)  # (left, right)
    knee: tuple[float, float] = (180.0, 180.0)
    trunk_deg: float = 0.0  # trunk direction: 0 = head up, 90 = head towards the front... (see below)
    pelvis: tuple[float, float] = (320.0, 260.0)
    wrist_drop: float = 1.0  # wrists this many torso lengths below the shoulders (along gravity)


def _unit(deg: float) -> np.ndarray:
    """Direction in image coordinates: 0 deg = up, positive = clockwise on screen."""
    r = math.radians(deg)
    return np.array([math.sin(r), -math.cos(r)])


def make_pose(p: Posture, chirality: int = 1, torso: float = 100.0, size=(640, 480), vis: float = 0.95) -> Pose:
    """``trunk_deg``: the trunk's direction from straight up, clockwise on screen (90 = head to the right).

    With chirality +1 the front of the body is 90 deg clockwise from the trunk direction.
    """
    xy = np.zeros((NUM_LANDMARKS, 2))
    u = _unit(p.trunk_deg)
    n = _unit(p.trunk_deg + 90.0 * chirality)  # anterior
    pelvis = np.array(p.pelvis, dtype=float)
    thigh_len, shank_len = 0.9 * torso, 0.85 * torso
    for k, side in enumerate(("left", "right")):
        hip = pelvis + n * (0.0 if side == "left" else 0.001)
        flex = 180.0 - p.hip[k]
        # rotate "down the trunk" towards the front by the flexion
        t_dir = _unit(p.trunk_deg + 180.0 - 90.0 * chirality * flex / 90.0)
        knee = hip + t_dir * thigh_len
        kflex = 180.0 - p.knee[k]
        s_dir = _unit(p.trunk_deg + 180.0 - 90.0 * chirality * flex / 90.0 + 90.0 * chirality * kflex / 90.0)
        ankle = knee + s_dir * shank_len
        foot_dir = _unit(
            p.trunk_deg + 180.0 - 90.0 * chirality * flex / 90.0 + 90.0 * chirality * kflex / 90.0 - 90.0 * chirality
        )
        pre = "LEFT_" if side == "left" else "RIGHT_"
        xy[LM[pre + "HIP"]] = hip
        xy[LM[pre + "KNEE"]] = knee
        xy[LM[pre + "ANKLE"]] = ankle
        xy[LM[pre + "HEEL"]] = ankle - foot_dir * 0.1 * torso
        xy[LM[pre + "FOOT"]] = ankle + foot_dir * 0.45 * torso
    sh = pelvis + u * torso
    for pre in ("LEFT_", "RIGHT_"):
        xy[LM[pre + "SHOULDER"]] = sh
        xy[LM[pre + "ELBOW"]] = sh + np.array([0, 0.5 * torso * p.wrist_drop])
        xy[LM[pre + "WRIST"]] = sh + np.array([0, torso * p.wrist_drop])
    head = sh + u * 0.35 * torso
    xy[LM.NOSE] = head + n * 0.15 * torso
    xy[LM.LEFT_EAR] = head - n * 0.02 * torso
    xy[LM.RIGHT_EAR] = head - n * 0.02 * torso
    for i in range(NUM_LANDMARKS):  # eyes, mouth, fingers: near the head / wrists
        if not xy[i].any():
            xy[i] = head if i < 11 else xy[LM.LEFT_WRIST]
    z = np.zeros(NUM_LANDMARKS)
    near = "RIGHT_" if chirality > 0 else "LEFT_"
    far = "LEFT_" if chirality > 0 else "RIGHT_"
    for part in ("SHOULDER", "HIP", "KNEE", "ANKLE"):
        z[LM[near + part]] = -0.2 * torso
        z[LM[far + part]] = 0.2 * torso
    return Pose(xy=xy, visibility=np.full(NUM_LANDMARKS, vis), image_size=size, z=z)


STANDING = Posture()
SUPINE_REST = Posture(hip=(135.0, 135.0), knee=(90.0, 90.0), trunk_deg=-90.0, pelvis=(330.0, 380.0))
SIDE_KNEEL = Posture(hip=(90.0, 190.0), knee=(90.0, 95.0), pelvis=(320.0, 300.0))


def smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def lerp_posture(a: Posture, b: Posture, f: float) -> Posture:
    def mix(x, y):  # type: ignore[no-untyped-def]
        if isinstance(x, tuple):
            return tuple(xi + (yi - xi) * f for xi, yi in zip(x, y))
        return x + (y - x) * f

    return Posture(*(mix(getattr(a, k), getattr(b, k)) for k in a.__dataclass_fields__))


@dataclass(frozen=True)
class Key:
    t: float
    posture: Posture


def timeline(keys: Sequence[Key], fps: float = 30.0, end: float | None = None) -> Iterator[tuple[float, Posture]]:
    """Postures at every frame time, eased between keyframes."""
    end = keys[-1].t if end is None else end
    n = round(end * fps) + 1
    for i in range(n):
        t = i / fps
        if t <= keys[0].t:
            yield t, keys[0].posture
            continue
        for a, b in zip(keys, keys[1:]):
            if a.t <= t <= b.t:
                f = smoothstep((t - a.t) / (b.t - a.t)) if b.t > a.t else 1.0
                yield t, lerp_posture(a.posture, b.posture, f)
                break
        else:
            yield t, keys[-1].posture


def with_leg(p: Posture, side: str, hip: float | None = None, knee: float | None = None) -> Posture:
    k = 0 if side == "left" else 1
    hips, knees = list(p.hip), list(p.knee)
    if hip is not None:
        hips[k] = hip
    if knee is not None:
        knees[k] = knee
    return replace(p, hip=(hips[0], hips[1]), knee=(knees[0], knees[1]))
