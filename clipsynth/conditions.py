"""Filming conditions of the hard clips: title and outro cards, camera cuts (a jump cut, a close-up),
hand-held shake, motion blur and a display-rotation tag. Each is off by default (`ClipSpec`), so the
sample clips are rendered exactly as before."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from .render import Camera
from .spec import ClipSpec

CARD_RGB = (28, 92, 112)  # deep teal, like a fitness channel's intro
CARD_TEXT_RGB = (245, 240, 225)


def card_image(text: str, width: int, height: int) -> np.ndarray:
    """A plain coloured card with big centred text (lines split on newlines), float RGB 0-255."""
    img = np.empty((height, width, 3), np.uint8)
    img[:] = CARD_RGB
    lines = text.split("\n")
    font, thick = cv2.FONT_HERSHEY_DUPLEX, max(2, width // 200)
    widest = max(cv2.getTextSize(line, font, 1.0, thick)[0][0] for line in lines)
    scale = min(0.8 * width / widest, 0.18 * height / 30.0)
    line_h = int(42 * scale)
    y = height // 2 - (len(lines) - 1) * line_h // 2
    for line in lines:
        (w, h), _ = cv2.getTextSize(line, font, scale, thick)
        cv2.putText(img, line, ((width - w) // 2, y + h // 2), font, scale, CARD_TEXT_RGB, thick, cv2.LINE_AA)
        y += line_h
    return img.astype(np.float64)


def smooth_noise(seed: int, n: int, fps: float, channels: int = 3) -> np.ndarray:
    """(n, channels) smooth random signals in [-1, 1] (each reaches ±1 somewhere): a sum of three
    sinusoids of 0.3-1.6 Hz with random phases, like a hand holding a phone."""
    rng = np.random.default_rng([seed, 4242])
    t = np.arange(n) / fps
    out = np.zeros((n, channels))
    for c in range(channels):
        for amp, (f0, f1) in zip((1.0, 0.6, 0.35), ((0.3, 0.6), (0.6, 1.0), (1.0, 1.6))):
            out[:, c] += amp * np.sin(2 * math.pi * rng.uniform(f0, f1) * t + rng.uniform(0, 2 * math.pi))
        out[:, c] /= max(float(np.abs(out[:, c]).max()), 1e-9)
    return out


class CameraRig:
    """The camera of each frame: the main camera, the spec's cuts, and the hand-held shake on top."""

    def __init__(self, spec: ClipSpec, main: Camera, frames: int) -> None:
        self.spec, self.main = spec, main
        self.cuts = [(c, replace(main, position=c.position, target=c.target)) for c in spec.camera_cuts]
        self.shake = smooth_noise(spec.seed, frames, spec.fps) if spec.shake or spec.shake_rot_deg else None

    def cut_at(self, ts: float):
        for cut, cam in self.cuts:
            if cut.start_s <= ts and (cut.end_s is None or ts < cut.end_s):
                return cut, cam
        return None, self.main

    def at(self, ts: float, index: int) -> Camera:
        """Camera for script time `ts` (frame `index` of the script part, for the shake)."""
        _, cam = self.cut_at(ts)
        if self.shake is None:
            return cam
        sx, sy, sr = self.shake[min(index, len(self.shake) - 1)]
        # Pan/tilt that moves the image by `shake` of its width/height, and a roll.
        rot = cam.rotation
        ax = math.atan(sx * self.spec.shake * cam.width / cam.focal)
        ay = math.atan(sy * self.spec.shake * cam.height / cam.focal)
        pos = np.asarray(cam.position, float)
        dist = float(np.linalg.norm(np.asarray(cam.target, float) - pos))
        fwd = rot[2] + math.tan(ax) * rot[0] + math.tan(ay) * rot[1]
        fwd /= np.linalg.norm(fwd)
        return replace(cam, target=tuple(pos + dist * fwd), roll_deg=sr * self.spec.shake_rot_deg)


def exposure_times(ts: float, spec: ClipSpec) -> list[float]:
    """Sub-frame times averaged into one frame (centred on `ts`) when motion blur is on."""
    n = spec.motion_blur
    if n <= 1:
        return [ts]
    span = spec.shutter / spec.fps
    return [ts + ((k + 0.5) / n - 0.5) * span for k in range(n)]


def store_rotated(frame: np.ndarray, display_rotation: int) -> np.ndarray:
    """Pixels as stored for a display-rotation tag of `display_rotation` degrees counter-clockwise (the
    ffmpeg `-display_rotation` convention): a player rotating them back shows `frame` upright."""
    return np.ascontiguousarray(np.rot90(frame, k=-(display_rotation // 90)))
