"""The mannequin's volume: solid primitives hung on the skeleton, and placing the body on the floor.

Limbs are capsules with an ellipsoid bulge (thigh, calf) so they taper like real limbs; the trunk is
three ellipsoids; the head is an ellipsoid that the renderer textures with the face. Flesh radii are
sized for a 1.75 m adult and scaled with height.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .body import SIDES, BodyShape, Posture, Skeleton, forward_kinematics


@dataclass(frozen=True)
class Ellipsoid:
    center: np.ndarray
    rot: np.ndarray  # columns = local axes in world
    radii: np.ndarray
    material: str
    part: str = "torso"


@dataclass(frozen=True)
class Capsule:
    a: np.ndarray
    b: np.ndarray
    radius: float
    material: str
    part: str = "torso"


@dataclass(frozen=True)
class Box:
    center: np.ndarray
    rot: np.ndarray
    half: np.ndarray
    material: str
    part: str = "scene"


def lowest_point(p: Ellipsoid | Capsule | Box) -> float:
    """World height of the primitive's lowest surface point."""
    if isinstance(p, Capsule):
        return float(min(p.a[1], p.b[1]) - p.radius)
    if isinstance(p, Ellipsoid):
        return float(p.center[1] - np.sqrt(np.sum((p.rot[1, :] * p.radii) ** 2)))
    return float(p.center[1] - np.sum(np.abs(p.rot[1, :]) * p.half))


def world_bounds(p: Ellipsoid | Capsule | Box) -> tuple[np.ndarray, np.ndarray]:
    """Axis-aligned world bounding box (min corner, max corner)."""
    if isinstance(p, Capsule):
        return np.minimum(p.a, p.b) - p.radius, np.maximum(p.a, p.b) + p.radius
    if isinstance(p, Ellipsoid):
        ext = np.sqrt(np.sum((p.rot * p.radii[None, :]) ** 2, axis=1))
    else:
        ext = np.sum(np.abs(p.rot) * p.half[None, :], axis=1)
    return p.center - ext, p.center + ext


@dataclass(frozen=True)
class Outfit:
    """Material colours (RGB 0-255). `long_sleeves` also covers the forearms with the shirt."""

    shirt: tuple[int, int, int] = (40, 90, 170)
    trousers: tuple[int, int, int] = (45, 45, 55)
    shoes: tuple[int, int, int] = (235, 235, 235)
    skin: tuple[int, int, int] | None = None  # None: the face photo's own skin tone
    long_sleeves: bool = False


def build_mannequin(sk: Skeleton, shape: BodyShape, outfit: Outfit) -> list[Ellipsoid | Capsule]:
    s = shape.scale
    j, fr = sk.joints, sk.frames
    fore_mat = "shirt" if outfit.long_sleeves else "skin"
    prims: list[Ellipsoid | Capsule] = [
        Ellipsoid(
            j["root"] + fr["pelvis"] @ np.array([0, 0.025, -0.012]) * s,
            fr["pelvis"],
            np.array([0.160, 0.125, 0.108]) * s,
            "trousers",
            "pelvis",
        ),
        Ellipsoid(
            j["lumbar"] + fr["torso"] @ np.array([0, 0.07, 0.0]) * s,
            fr["torso"],
            np.array([0.142, 0.135, 0.100]) * s,
            "shirt",
        ),
        Ellipsoid(
            j["lumbar"] + fr["torso"] @ np.array([0, 0.255, 0.005]) * s,
            fr["torso"],
            np.array([0.158, 0.175, 0.108]) * s,
            "shirt",
        ),
        Capsule(j["shoulder_l"], j["shoulder_r"], 0.056 * s, "shirt"),
        Capsule(j["neck"] - fr["torso"][:, 1] * 0.03 * s, j["head_pivot"], 0.048 * s, "skin"),
        Ellipsoid(j["head"], fr["head"], np.array([0.080, 0.113, 0.098]) * s, "head", "head"),
    ]
    for side in SIDES:
        c = side[0]
        hip, knee, ankle = j[f"hip_{c}"], j[f"knee_{c}"], j[f"ankle_{c}"]
        thigh_len = float(np.linalg.norm(knee - hip))
        shank_len = float(np.linalg.norm(ankle - knee))
        prims += [
            Capsule(j[f"shoulder_{c}"], j[f"elbow_{c}"], 0.047 * s, "shirt", f"upper_arm_{c}"),
            Capsule(j[f"elbow_{c}"], j[f"wrist_{c}"], 0.037 * s, fore_mat, f"forearm_{c}"),
            Ellipsoid(
                j[f"wrist_{c}"] + fr[f"hand_{c}"] @ np.array([0, -0.45 * shape.hand, 0]),
                fr[f"hand_{c}"],
                np.array([0.042, 0.55 * shape.hand / s, 0.022]) * s,
                "skin",
                f"hand_{c}",
            ),
            Capsule(hip, knee, 0.064 * s, "trousers", f"thigh_{c}"),
            Ellipsoid(
                hip + 0.42 * (knee - hip),
                fr[f"thigh_{c}"],
                np.array([0.080 * s, 0.5 * thigh_len, 0.084 * s]),
                "trousers",
                f"thigh_{c}",
            ),
            Capsule(knee, ankle, 0.045 * s, "trousers", f"shank_{c}"),
            Ellipsoid(
                knee + 0.34 * (ankle - knee) - fr[f"shank_{c}"][:, 2] * 0.012 * s,
                fr[f"shank_{c}"],
                np.array([0.056 * s, 0.30 * shank_len, 0.060 * s]),
                "trousers",
                f"shank_{c}",
            ),
            Ellipsoid(
                ankle + fr[f"foot_{c}"] @ np.array([0.0, -0.030 * s, 0.066 * s]),
                fr[f"foot_{c}"],
                np.array([0.048, 0.038, 0.127]) * s,
                "shoes",
                f"foot_{c}",
            ),
        ]
    return prims


def lowest_of(prims: list, parts: Iterable[str] | None = None) -> float:
    """Lowest point over the primitives, or over those whose `part` is in `parts`."""
    keep = None if parts is None else set(parts)
    return min(lowest_point(p) for p in prims if keep is None or p.part in keep)


@dataclass
class PosedBody:
    skeleton: Skeleton
    prims: list


def pose_body(p: Posture, shape: BodyShape, outfit: Outfit, lift: float = 0.0) -> PosedBody:
    """Forward kinematics + volume, lowered so the lowest point rests on the floor (y = 0) plus `lift`.

    `lift` > 0 is only used for a foot that leaves the floor mid-stride without the body dropping.
    """
    sk = forward_kinematics(p, shape, root_y=1.0)
    prims = build_mannequin(sk, shape, outfit)
    dy = lift - lowest_of(prims)
    sk = sk.shifted(dy)
    return PosedBody(sk, build_mannequin(sk, shape, outfit))
