"""Image textures: the mannequin's face (from scikit-image's public-domain astronaut photo) and the
procedural wall and floor patterns."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Rows/cols of the astronaut photo that frame the head from the top of the hair to the chin.
_FACE_ROWS = (14, 180)
_FACE_COLS = (152, 302)
HAIR_RGB = np.array([128.0, 98.0, 58.0])


@lru_cache(maxsize=1)
def face_texture() -> np.ndarray:
    """Float RGB (h, w, 3) head texture; backdrop and suit collar are painted over with hair or skin.

    The crop is later mapped orthographically onto the front of the head ellipsoid, so the ellipse
    inscribed in this rectangle must be head: whatever the photo shows outside the head is replaced.
    """
    from skimage.data import astronaut  # optional dependency, imported only when rendering

    img = astronaut()[_FACE_ROWS[0] : _FACE_ROWS[1], _FACE_COLS[0] : _FACE_COLS[1]].astype(np.float64)
    h, w = img.shape[:2]
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    mx, mn = img.max(axis=2), img.min(axis=2)
    sat = (mx - mn) / np.maximum(mx, 1.0)
    backdrop = (sat < 0.16) & (mx > 150)  # pale grey studio backdrop
    collar = (mx < 80) | ((b > r) & (b > g))  # black turtleneck, purple suit ring
    rows = np.arange(h)[:, None] / h
    cols = np.arange(w)[None, :] / w
    # Inside this ellipse the photo is face: keep it untouched (pale skin highlights look like backdrop).
    outside_face = ((cols - 0.5) / 0.34) ** 2 + ((rows - 0.56) / 0.44) ** 2 > 1.0
    skin_rgb = np.median(img[int(0.55 * h) : int(0.8 * h), int(0.35 * w) : int(0.65 * w)].reshape(-1, 3), axis=0)
    lower = np.broadcast_to(rows > 0.62, (h, w))
    out = img.copy()
    out[backdrop & ~lower & outside_face] = HAIR_RGB
    out[(backdrop | collar) & lower & outside_face] = skin_rgb
    return out


@lru_cache(maxsize=1)
def skin_from_face() -> np.ndarray:
    tex = face_texture()
    h, w = tex.shape[:2]
    return np.median(tex[int(0.55 * h) : int(0.8 * h), int(0.35 * w) : int(0.65 * w)].reshape(-1, 3), axis=0)


def sample_face(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinear sample of the face texture at u (0 = image left) and v (0 = top), both in [0, 1]."""
    tex = face_texture()
    h, w = tex.shape[:2]
    x = np.clip(u, 0.0, 1.0) * (w - 1)
    y = np.clip(v, 0.0, 1.0) * (h - 1)
    x0 = np.minimum(x.astype(int), w - 2)
    y0 = np.minimum(y.astype(int), h - 2)
    fx = (x - x0)[:, None]
    fy = (y - y0)[:, None]
    top = tex[y0, x0] * (1 - fx) + tex[y0, x0 + 1] * fx
    bot = tex[y0 + 1, x0] * (1 - fx) + tex[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bot * fy


def _hash01(i: np.ndarray, j: np.ndarray, seed: int) -> np.ndarray:
    """Deterministic per-cell pseudo-random value in [0, 1) (integer hash; no RNG state involved)."""
    h = (i.astype(np.int64) * 73856093) ^ (j.astype(np.int64) * 19349663) ^ (seed * 83492791)
    h = (h ^ (h >> 13)) * 1274126177
    return ((h ^ (h >> 16)) & 0xFFFF) / 65536.0


def bricks(x: np.ndarray, y: np.ndarray, base: np.ndarray, seed: int) -> np.ndarray:
    """Painted brick wall: staggered courses, per-brick tint jitter, lighter mortar joints."""
    course_h, brick_w, mortar = 0.075, 0.23, 0.012
    row = np.floor(y / course_h)
    xs = x + (row % 2) * brick_w / 2
    col = np.floor(xs / brick_w)
    in_mortar = ((y - row * course_h) < mortar) | ((xs - col * brick_w) < mortar)
    tint = 0.88 + 0.2 * _hash01(row, col, seed)
    out = base[None, :] * tint[:, None]
    out[in_mortar] = np.minimum(base * 1.25 + 25, 255)
    return out


def planks(x: np.ndarray, z: np.ndarray, base: np.ndarray, seed: int) -> np.ndarray:
    """Wooden floor boards running along world x, with a faint grain and dark seams."""
    board_w = 0.14
    board = np.floor(z / board_w)
    tint = 0.85 + 0.25 * _hash01(board, np.floor((x + 7.3 * board) / 1.2), seed)
    grain = 1.0 + 0.04 * np.sin(x * 40.0 + board * 2.1)
    out = base[None, :] * (tint * grain)[:, None]
    seam = (z - board * board_w) < 0.008
    out[seam] *= 0.6
    return out
