"""The one type landmarks travel in once they leave the pose backend.

MediaPipe's result is converted exactly once, at the backend boundary (``Pose.from_mediapipe``); everything
downstream sees pixel coordinates and visibilities as numpy arrays (and, for per-frame geometry, the same as
Python floats: ``Pose.points``), whatever model produced them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from formcheck.definitions.vocabulary import Side


class LM(IntEnum):
    """BlazePose's 33 landmark indices (the subset formcheck uses is named)."""

    NOSE = 0
    LEFT_EAR = 7
    RIGHT_EAR = 8
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT = 31
    RIGHT_FOOT = 32


NUM_LANDMARKS = 33

# Per anatomical side: (shoulder, hip, knee, ankle, heel, foot tip, wrist)
LEG_CHAIN = {
    Side.LEFT: (LM.LEFT_SHOULDER, LM.LEFT_HIP, LM.LEFT_KNEE, LM.LEFT_ANKLE, LM.LEFT_HEEL, LM.LEFT_FOOT),
    Side.RIGHT: (LM.RIGHT_SHOULDER, LM.RIGHT_HIP, LM.RIGHT_KNEE, LM.RIGHT_ANKLE, LM.RIGHT_HEEL, LM.RIGHT_FOOT),
}

# Bones drawn by the overlay (pairs of landmark indices).
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12),
    (11, 23),
    (12, 24),
    (23, 24),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (23, 25),
    (25, 27),
    (27, 29),
    (29, 31),
    (27, 31),
    (24, 26),
    (26, 28),
    (28, 30),
    (30, 32),
    (28, 32),
    (0, 7),
    (0, 8),
)


class Points(NamedTuple):
    """A pose's landmarks as lists of Python floats (``Pose.points``)."""

    xy: list[list[float]]
    visibility: list[float]
    z: list[float] | None
    world: list[list[float]] | None


@dataclass(frozen=True)
class Pose:
    """One person's landmarks in one frame.

    ``xy`` is in pixels of the analysed image (so angles are aspect-correct), ``visibility`` in [0, 1],
    ``world`` (optional) is MediaPipe's metric 3D estimate centred between the hips.
    """

    xy: np.ndarray  # (33, 2) float64, pixels
    visibility: np.ndarray  # (33,) float64
    image_size: tuple[int, int]  # (width, height)
    z: np.ndarray | None = None  # (33,) relative depth, same scale as x; smaller = nearer the camera
    world: np.ndarray | None = None  # (33, 3) metres

    def __post_init__(self) -> None:
        if self.xy.shape != (NUM_LANDMARKS, 2):
            raise ValueError(f"Pose.xy must have shape (33, 2), got {self.xy.shape}")
        if self.visibility.shape != (NUM_LANDMARKS,):
            raise ValueError(f"Pose.visibility must have shape (33,), got {self.visibility.shape}")
        if self.z is not None and self.z.shape != (NUM_LANDMARKS,):
            raise ValueError(f"Pose.z must have shape (33,), got {self.z.shape}")
        if self.world is not None and self.world.shape != (NUM_LANDMARKS, 3):
            raise ValueError(f"Pose.world must have shape (33, 3), got {self.world.shape}")

    @classmethod
    def from_mediapipe(cls, image_landmarks: Any, world_landmarks: Any, width: int, height: int) -> Pose:
        """Build from a MediaPipe ``NormalizedLandmarkList`` (or a list of landmarks) and its world twin."""
        lms = getattr(image_landmarks, "landmark", image_landmarks)
        arr = np.array([(lm.x, lm.y, lm.z, lm.visibility) for lm in lms], dtype=np.float64)
        xy = arr[:, :2] * (width, height)
        world = None
        if world_landmarks is not None:
            wl = getattr(world_landmarks, "landmark", world_landmarks)
            world = np.array([(lm.x, lm.y, lm.z) for lm in wl], dtype=np.float64)
        return cls(xy=xy, visibility=arr[:, 3], image_size=(width, height), z=arr[:, 2] * width, world=world)

    @cached_property
    def points(self) -> Points:
        """The same landmarks as Python floats, made once per pose: the per-frame geometry works on two or
        three numbers at a time, where numpy's overhead is many times the arithmetic. (A pose's arrays are not
        changed once it is made: nothing here would see it.)"""
        return Points(
            self.xy.tolist(),
            self.visibility.tolist(),
            None if self.z is None else self.z.tolist(),
            None if self.world is None else self.world.tolist(),
        )

    def scaled(self, sx: float, sy: float) -> Pose:
        """The same pose in another image size (e.g. from the inference image back to the original frame)."""
        w, h = self.image_size
        z = None if self.z is None else self.z * sx
        return Pose(self.xy * (sx, sy), self.visibility, (round(w * sx), round(h * sy)), z, self.world)
