"""Vectorised ray/primitive intersections: all rays start at the camera centre `o`, directions `d` (N, 3).

Each function returns (t, normal, extra): `t` is the hit distance (inf where missed) and `normal` the unit
world normal; `extra` is the hit point in the ellipsoid's unit-sphere frame (for texturing) or None.
"""

from __future__ import annotations

import numpy as np

from .mannequin import Box, Capsule, Ellipsoid

_EPS = 1e-9


def _nearest_root(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Smaller positive root of a t² + b t + c = 0, inf where there is none (camera outside the solid)."""
    disc = b * b - 4.0 * a * c
    ok = disc >= 0.0
    sq = np.sqrt(np.where(ok, disc, 0.0))
    t = (-b - sq) / (2.0 * np.maximum(a, _EPS))
    return np.where(ok & (t > 0.0), t, np.inf)


def hit_ellipsoid(o: np.ndarray, d: np.ndarray, e: Ellipsoid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Map to the frame where the ellipsoid is the unit sphere: a quadratic in t.
    ol = (e.rot.T @ (o - e.center)) / e.radii
    dl = (d @ e.rot) / e.radii
    a = np.einsum("ij,ij->i", dl, dl)
    b = 2.0 * dl @ ol
    c = float(ol @ ol) - 1.0
    t = _nearest_root(a, b, np.full_like(a, c))
    tf = np.where(np.isfinite(t), t, 0.0)
    pl = ol[None, :] + tf[:, None] * dl
    # Gradient of the implicit surface, back in world space.
    n = (pl / e.radii) @ e.rot.T
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), _EPS)
    return t, n, pl


def hit_capsule(o: np.ndarray, d: np.ndarray, cap: Capsule) -> tuple[np.ndarray, np.ndarray, None]:
    axis = cap.b - cap.a
    length = float(np.linalg.norm(axis))
    u = axis / max(length, _EPS)
    r2 = cap.radius**2
    oa = o - cap.a
    # Infinite cylinder with the axial component removed, kept where the hit lies within the segment.
    du = d @ u
    dp = d - du[:, None] * u
    op = oa - (oa @ u) * u
    a = np.einsum("ij,ij->i", dp, dp)
    b = 2.0 * dp @ op
    c = np.full_like(a, float(op @ op) - r2)
    t = _nearest_root(a, b, c)
    s = (oa @ u) + np.where(np.isfinite(t), t, 0.0) * du
    t = np.where((s >= 0.0) & (s <= length), t, np.inf)
    # End spheres.
    for centre in (cap.a, cap.b):
        oc = o - centre
        bs = 2.0 * d @ oc
        ts = _nearest_root(np.ones_like(bs), bs, np.full_like(bs, float(oc @ oc) - r2))
        t = np.minimum(t, ts)
    tf = np.where(np.isfinite(t), t, 0.0)
    p = o[None, :] + tf[:, None] * d
    s = np.clip((p - cap.a) @ u, 0.0, length)
    n = p - (cap.a[None, :] + s[:, None] * u)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), _EPS)
    return t, n, None


def hit_box(o: np.ndarray, d: np.ndarray, box: Box) -> tuple[np.ndarray, np.ndarray, None]:
    ol = box.rot.T @ (o - box.center)
    dl = d @ box.rot
    inv = 1.0 / np.where(np.abs(dl) < _EPS, _EPS, dl)
    t1 = (-box.half - ol) * inv
    t2 = (box.half - ol) * inv
    tnear = np.minimum(t1, t2)
    tfar = np.maximum(t1, t2)
    entry_axis = np.argmax(tnear, axis=1)
    t_in = tnear.max(axis=1)
    t_out = tfar.min(axis=1)
    t = np.where((t_out >= t_in) & (t_in > 0.0), t_in, np.inf)
    # Face normal: the entry axis, pointing against the ray.
    nl = np.zeros_like(dl)
    rows = np.arange(len(dl))
    nl[rows, entry_axis] = -np.sign(dl[rows, entry_axis])
    return t, nl @ box.rot.T, None


def intersect(o: np.ndarray, d: np.ndarray, prim: Ellipsoid | Capsule | Box):
    if isinstance(prim, Ellipsoid):
        return hit_ellipsoid(o, d, prim)
    if isinstance(prim, Capsule):
        return hit_capsule(o, d, prim)
    return hit_box(o, d, prim)
