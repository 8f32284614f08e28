"""Camera-like post-processing and H.264 encoding (ffmpeg from imageio-ffmpeg)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np


def postprocess(rgb: np.ndarray, rng: np.random.Generator, noise_sigma: float, blur_sigma: float) -> np.ndarray:
    """Lens blur, then sensor noise; returns uint8 RGB."""
    img = rgb.astype(np.float32)
    if blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), blur_sigma)
    if noise_sigma > 0:
        img += rng.normal(0.0, noise_sigma, img.shape).astype(np.float32)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


@contextmanager
def h264_writer(path: Path, width: int, height: int, fps: float, crf: int, display_rotation: int = 0) -> Iterator:
    """Yields a `send(rgb_uint8)` function; the file is complete when the context exits.

    Single-threaded x264 so that the same frames always give the same bytes. `display_rotation` (degrees
    counter-clockwise) writes a display-matrix tag: frames are sent as stored, a player rotates them back.
    """
    import imageio_ffmpeg  # optional dependency, only needed to write clips

    gen = imageio_ffmpeg.write_frames(
        str(path),
        (width, height),
        fps=fps,
        codec="libx264",
        pix_fmt_in="rgb24",
        pix_fmt_out="yuv420p",
        quality=None,
        macro_block_size=1,
        ffmpeg_log_level="error",
        input_params=["-noautorotate", "-display_rotation", str(display_rotation)] if display_rotation else None,
        output_params=["-crf", str(crf), "-preset", "medium", "-threads", "1", "-movflags", "+faststart"],
    )
    gen.send(None)
    try:
        yield lambda frame: gen.send(np.ascontiguousarray(frame))
    finally:
        gen.close()
