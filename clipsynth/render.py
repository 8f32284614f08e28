"""Pinhole camera and the per-pixel ray caster: floor, back wall, scene props and the mannequin.

Each primitive is only intersected with the rays inside its projected screen box, which keeps a
640x480 frame at roughly a tenth of a second in plain numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .mannequin import Box, Outfit, world_bounds
from .raycast import intersect
from .texture import HAIR_RGB, bricks, planks, sample_face, skin_from_face

WORLD_UP = np.array([0.0, 1.0, 0.0])


@dataclass(frozen=True)
class Camera:
    """Pinhole camera (OpenCV axes: x right, y down, z forward) looking from `position` at `target`."""

    width: int
    height: int
    position: tuple[float, float, float]
    target: tuple[float, float, float]
    hfov_deg: float = 62.0  # a typical phone main camera in landscape
    roll_deg: float = 0.0  # rotation about the viewing axis (a tilted hand-held phone)

    @cached_property
    def rotation(self) -> np.ndarray:
        """Rows are the camera's x, y, z axes in world coordinates."""
        f = np.asarray(self.target, float) - np.asarray(self.position, float)
        f /= np.linalg.norm(f)
        x = np.cross(f, WORLD_UP)
        x /= np.linalg.norm(x)
        y = np.cross(f, x)
        if self.roll_deg:
            c, s = np.cos(np.radians(self.roll_deg)), np.sin(np.radians(self.roll_deg))
            x, y = c * x + s * y, -s * x + c * y
        return np.stack([x, y, f])

    @cached_property
    def focal(self) -> float:
        return 0.5 * self.width / np.tan(np.radians(self.hfov_deg) / 2)

    @cached_property
    def origin(self) -> np.ndarray:
        return np.asarray(self.position, float)

    @cached_property
    def rays(self) -> np.ndarray:
        """Unit world ray direction through every pixel centre, shape (H, W, 3)."""
        u = (np.arange(self.width) + 0.5 - self.width / 2) / self.focal
        v = (np.arange(self.height) + 0.5 - self.height / 2) / self.focal
        cam = np.stack(np.broadcast_arrays(u[None, :], v[:, None], np.ones((1, 1))), axis=-1)
        d = cam @ self.rotation
        return d / np.linalg.norm(d, axis=-1, keepdims=True)

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (N, 2) and camera-space depth (N,) of world points (N, 3)."""
        pc = (np.atleast_2d(pts) - self.origin) @ self.rotation.T
        z = pc[:, 2]
        zs = np.where(np.abs(z) < 1e-9, 1e-9, z)
        uv = self.focal * pc[:, :2] / zs[:, None] + np.array([self.width / 2, self.height / 2])
        return uv, z


@dataclass(frozen=True)
class Scene:
    """Room around the person: a floor (y = 0) and a back wall at z = -wall_distance."""

    wall_rgb: tuple[int, int, int] = (200, 196, 186)
    floor_rgb: tuple[int, int, int] = (150, 120, 90)
    wall_style: str = "plain"  # plain | gradient | bricks
    floor_style: str = "plain"  # plain | planks
    wall_distance: float = 1.6
    props: tuple[Box, ...] = field(default_factory=tuple)
    prop_rgb: tuple[int, int, int] = (225, 222, 210)
    light_dir: tuple[float, float, float] = (-0.35, 0.85, 0.55)
    ambient: float = 0.42
    seed: int = 0


def _materials(outfit: Outfit, scene: Scene) -> dict[str, np.ndarray]:
    skin = np.asarray(outfit.skin, float) if outfit.skin is not None else skin_from_face()
    return {
        "shirt": np.asarray(outfit.shirt, float),
        "trousers": np.asarray(outfit.trousers, float),
        "shoes": np.asarray(outfit.shoes, float),
        "skin": skin,
        "scene": np.asarray(scene.prop_rgb, float),
    }


def _head_albedo(local: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Face photo projected orthographically onto the front of the head; hair behind, neck skin below."""
    x, y, z = local[:, 0], local[:, 1], local[:, 2]
    face = sample_face(0.5 + 0.5 * x, 0.5 - 0.5 * y)
    back = np.where((y > -0.35)[:, None], HAIR_RGB[None, :], skin[None, :])
    w = np.clip((z - 0.05) / 0.25, 0.0, 1.0)[:, None]
    return w * face + (1.0 - w) * back


def _background(cam: Camera, scene: Scene, light: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shaded floor and wall for every pixel, and their depth (distance along the ray)."""
    d = cam.rays.reshape(-1, 3)
    o = cam.origin
    t_floor = np.where(d[:, 1] < -1e-6, -o[1] / np.minimum(d[:, 1], -1e-6), np.inf)
    t_wall = np.where(d[:, 2] < -1e-6, (-scene.wall_distance - o[2]) / np.minimum(d[:, 2], -1e-6), np.inf)
    floor = t_floor < t_wall
    t = np.minimum(t_floor, t_wall)
    t = np.where(np.isfinite(t), t, 1e3)
    p = o[None, :] + t[:, None] * d
    rgb = np.empty_like(d)
    wall_base = np.asarray(scene.wall_rgb, float)
    floor_base = np.asarray(scene.floor_rgb, float)
    wall = ~floor
    if scene.wall_style == "bricks":
        rgb[wall] = bricks(p[wall, 0], p[wall, 1], wall_base, scene.seed)
    elif scene.wall_style == "gradient":
        g = np.clip(p[wall, 1] / 2.5, 0.0, 1.0)[:, None]
        rgb[wall] = wall_base * (0.72 + 0.4 * g)
    else:
        rgb[wall] = wall_base
    if scene.floor_style == "planks":
        rgb[floor] = planks(p[floor, 0], p[floor, 2], floor_base, scene.seed)
    else:
        rgb[floor] = floor_base
    # Soft fall-off away from the lamp so neither surface is perfectly flat.
    lamp = np.array([-1.0, 2.6, 1.0])
    dist = np.linalg.norm(p - lamp, axis=1)
    rgb *= np.clip(1.25 - 0.12 * dist, 0.6, 1.1)[:, None]
    rgb[wall] *= scene.ambient + (1 - scene.ambient) * max(light[2], 0.0)
    rgb[floor] *= scene.ambient + (1 - scene.ambient) * max(light[1], 0.0)
    return rgb.reshape(cam.height, cam.width, 3), t.reshape(cam.height, cam.width)


def _screen_box(cam: Camera, prim) -> tuple[int, int, int, int] | None:
    lo, hi = world_bounds(prim)
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])
    uv, depth = cam.project(corners)
    if np.all(depth <= 0.05):
        return None
    if np.any(depth <= 0.05):  # straddles the camera plane: test the whole image
        return 0, cam.width, 0, cam.height
    u0, v0 = np.floor(uv.min(axis=0)).astype(int)
    u1, v1 = np.ceil(uv.max(axis=0)).astype(int) + 1
    u0, u1 = max(u0, 0), min(u1, cam.width)
    v0, v1 = max(v0, 0), min(v1, cam.height)
    if u0 >= u1 or v0 >= v1:
        return None
    return u0, u1, v0, v1


def render_frame(prims: list, cam: Camera, scene: Scene, outfit: Outfit) -> tuple[np.ndarray, np.ndarray]:
    """Render to float RGB (H, W, 3) in 0-255 plus a boolean mask of the pixels showing the person."""
    light = np.asarray(scene.light_dir, float)
    light /= np.linalg.norm(light)
    rgb, depth = _background(cam, scene, light)
    body = np.zeros((cam.height, cam.width), bool)
    mats = _materials(outfit, scene)
    o = cam.origin
    for prim in [*scene.props, *prims]:
        box = _screen_box(cam, prim)
        if box is None:
            continue
        u0, u1, v0, v1 = box
        d = cam.rays[v0:v1, u0:u1].reshape(-1, 3)
        t, n, local = intersect(o, d, prim)
        zwin = depth[v0:v1, u0:u1].reshape(-1)
        win = t < zwin
        if not win.any():
            continue
        n = n[win]
        if prim.material == "head":
            albedo = _head_albedo(local[win], mats["skin"])
        else:
            albedo = np.broadcast_to(mats[prim.material], n.shape)
        # Lambert key light, a weak fill from the camera so shadowed sides keep some shape, and ambient.
        key = np.clip(n @ light, 0.0, None)
        fill = np.clip(-(n * d[win]).sum(axis=1), 0.0, None)
        shade = scene.ambient + (1 - scene.ambient) * (0.8 * key + 0.3 * fill)
        col = albedo * np.minimum(shade, 1.15)[:, None]
        sub_rgb = rgb[v0:v1, u0:u1].reshape(-1, 3)
        sub_rgb[win] = col
        zwin[win] = t[win]
        rgb[v0:v1, u0:u1] = sub_rgb.reshape(v1 - v0, u1 - u0, 3)
        depth[v0:v1, u0:u1] = zwin.reshape(v1 - v0, u1 - u0)
        bwin = body[v0:v1, u0:u1].reshape(-1)
        bwin[win] = prim.part != "scene"
        body[v0:v1, u0:u1] = bwin.reshape(v1 - v0, u1 - u0)
    return np.clip(rgb, 0, 255), body
