"""Small numeric solvers that make postures physically consistent: feet flat on the floor, a second
contact touching the floor, hands reaching a target. They run once per keyframe, never per frame."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from .body import BodyShape, Posture, Skeleton, forward_kinematics
from .mannequin import Outfit, build_mannequin, lowest_of

_OUTFIT = Outfit()  # contact geometry does not depend on colours


def bisect(f: Callable[[float], float], lo: float, hi: float, iters: int = 40) -> float:
    """Root of a monotonic `f` on [lo, hi]; clamps to the nearer end when there is no sign change."""
    flo, fhi = f(lo), f(hi)
    if flo * fhi > 0:
        return lo if abs(flo) < abs(fhi) else hi
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _prims(p: Posture, shape: BodyShape) -> list:
    return build_mannequin(forward_kinematics(p, shape), shape, _OUTFIT)


Setter = Callable[[Posture, float], Posture]


def field_setter(field: str) -> Setter:
    return lambda p, v: replace(p, **{field: v})


def touch(
    p: Posture,
    shape: BodyShape,
    setter: Setter | str,
    lo: float,
    hi: float,
    parts: Iterable[str],
    against: Iterable[str] | None = None,
    iters: int = 40,
) -> Posture:
    """Choose the value fed to `setter` (or the field it names) so the lowest point of `parts` is level
    with the lowest of `against` (default: all other parts): both rest on the floor once placed."""
    parts = set(parts)
    set_value = field_setter(setter) if isinstance(setter, str) else setter

    def gap(v: float) -> float:
        prims = _prims(set_value(p, v), shape)
        others = against if against is not None else {q.part for q in prims} - parts
        return lowest_of(prims, parts) - lowest_of(prims, others)

    return set_value(p, bisect(gap, lo, hi, iters))


def floor_height(sk: Skeleton, shape: BodyShape) -> float:
    """Where the floor will be for this unplaced skeleton (its lowest surface point)."""
    return lowest_of(build_mannequin(sk, shape, _OUTFIT))


def flat_foot(p: Posture, shape: BodyShape, side: str, iters: int = 40) -> Posture:
    """Ankle angle that makes the sole horizontal (foot frame's forward axis level)."""
    field = f"ankle_dorsi_{side[0]}"

    def slope(v: float) -> float:
        return float(forward_kinematics(replace(p, **{field: v}), shape).frames[f"foot_{side[0]}"][1, 2])

    return replace(p, **{field: bisect(slope, -70.0, 70.0, iters)})


_ARM_FIELDS = ("shoulder_flex", "shoulder_abd", "elbow_flex")
_ARM_LIMITS = ((-60.0, 200.0), (-20.0, 120.0), (0.0, 150.0))


def reach(
    p: Posture,
    shape: BodyShape,
    side: str,
    target: Callable[[Skeleton], np.ndarray],
    effector: str = "wrist",
    iters: int = 60,
) -> Posture:
    """Damped least squares on the three arm angles so `effector` (wrist or hand tip) meets `target`,
    given as a function of the skeleton (e.g. "the back of the thigh above the knee")."""
    c = side[0]
    names = [f"{n}_{c}" for n in _ARM_FIELDS]
    x = np.array([getattr(p, n) for n in names], float)
    key = f"{effector}_{c}"

    def residual(v: np.ndarray) -> np.ndarray:
        sk = forward_kinematics(replace(p, **dict(zip(names, v))), shape)
        return sk.joints[key] - target(sk)

    lam = 1e-6  # Jacobian entries are ~0.01 m per degree
    for _ in range(iters):
        r = residual(x)
        if np.linalg.norm(r) < 1e-4:
            break
        jac = np.stack([(residual(x + np.eye(3)[i] * 0.5) - r) / 0.5 for i in range(3)], axis=1)
        step = np.clip(np.linalg.solve(jac.T @ jac + lam * np.eye(3), -jac.T @ r), -20.0, 20.0)
        x = np.array([np.clip(v, lo, hi) for v, (lo, hi) in zip(x + step, _ARM_LIMITS)])
    return replace(p, **dict(zip(names, x)))
