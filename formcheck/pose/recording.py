"""Saved landmarks: every frame's pose recorded during a run (``--save-landmarks``) and replayed later without
the video or the model (tests, re-analysis, benchmarks). ``ReplaySource`` yields the recording's frames (no
pixels) for the one frame loop, and ``ReplayBackend`` answers each with its saved pose.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from formcheck.errors import BackendError
from formcheck.io.files import file_sha256
from formcheck.io.sources import Frame, VideoInfo
from formcheck.pose.landmarks import NUM_LANDMARKS, Pose

# Saved landmarks (format 2) are stored as fixed-point integers: they compress several times better than
# float32 and the rounding (1/8 px, 0.1 mm, 1/255) is far below the model's own jitter.
LANDMARKS_FORMAT = 2
_XY_SCALE = 8.0  # int16 units per pixel (coordinates up to +-4096 px)
_WORLD_SCALE = 10000.0  # int16 units per metre (+-3.2 m)
_VIS_SCALE = 255.0


class LandmarkRecorder:
    """Collects every frame's pose so a run can be replayed without the model (``ReplayBackend``)."""

    def __init__(self) -> None:
        self.t: list[float] = []
        self.present: list[bool] = []
        self.xy: list[np.ndarray] = []
        self.vis: list[np.ndarray] = []
        self.z: list[np.ndarray] = []
        self.world: list[np.ndarray] = []
        self.has_z: list[bool] = []
        self.has_world: list[bool] = []
        self.cut: list[bool] = []
        self.size = (0, 0)

    def add(self, frame: Frame, pose: Pose | None, cut: bool = False) -> None:
        self.t.append(frame.t)
        self.cut.append(cut)
        self.present.append(pose is not None)
        if frame.image is not None:
            self.size = (frame.image.shape[1], frame.image.shape[0])
        zeros = np.zeros(NUM_LANDMARKS)
        self.xy.append(pose.xy if pose is not None else np.zeros((NUM_LANDMARKS, 2)))
        self.vis.append(pose.visibility if pose is not None else zeros)
        self.z.append(pose.z if pose is not None and pose.z is not None else zeros)
        self.world.append(pose.world if pose is not None and pose.world is not None else np.zeros((NUM_LANDMARKS, 3)))
        self.has_z.append(pose is not None and pose.z is not None)
        self.has_world.append(pose is not None and pose.world is not None)

    def save(self, path: str | Path, meta: dict[str, object] | None = None) -> None:
        def fixed(rows: list[np.ndarray], scale: float, dtype: type) -> np.ndarray:
            info = np.iinfo(dtype)
            return np.clip(np.round(np.array(rows) * scale), info.min, info.max).astype(dtype)

        header = {"format": LANDMARKS_FORMAT, "size": list(self.size), **(meta or {})}
        np.savez_compressed(
            path,
            meta=np.array(json.dumps(header)),
            t=np.array(self.t),
            present=np.array(self.present),
            xy=fixed(self.xy, _XY_SCALE, np.int16),
            vis=fixed(self.vis, _VIS_SCALE, np.uint8),
            z=fixed(self.z, _XY_SCALE, np.int16),
            world=fixed(self.world, _WORLD_SCALE, np.int16),
            has_z=np.array(self.has_z),
            has_world=np.array(self.has_world),
            cut=np.array(self.cut, dtype=bool),
        )


def read_landmarks_meta(path: str | Path) -> dict[str, object]:
    """The header of a saved landmarks file (format, image size, and what the saver recorded)."""
    try:
        with np.load(path) as data:
            return dict(json.loads(str(data["meta"])))
    except (OSError, KeyError, ValueError) as exc:
        raise BackendError(f"cannot read landmarks file {path}: {exc}") from None


class ReplayBackend:
    """Returns the saved pose of each frame index (the frames' pixels are not looked at)."""

    name = "replay"

    def __init__(self, path: str | Path) -> None:
        try:
            with np.load(path) as data:
                self.meta = dict(json.loads(str(data["meta"])))
                if self.meta.get("format") != LANDMARKS_FORMAT:
                    raise ValueError(f"format {self.meta.get('format')}, expected {LANDMARKS_FORMAT}")
                self.t = data["t"]
                self._present = data["present"]
                self._xy = data["xy"] / _XY_SCALE
                self._vis = data["vis"] / _VIS_SCALE
                self._z = data["z"] / _XY_SCALE
                self._world = data["world"] / _WORLD_SCALE
                self._has_z, self._has_world = data["has_z"], data["has_world"]
                self._cut = data["cut"] if "cut" in data else np.zeros(len(self.t), bool)
        except (OSError, KeyError, ValueError) as exc:
            raise BackendError(f"cannot read landmarks file {path}: {exc}") from None
        self.size: tuple[int, int] = tuple(int(v) for v in self.meta["size"])  # type: ignore[assignment, union-attr]

    def __len__(self) -> int:
        return len(self.t)

    def pose_at(self, index: int) -> Pose | None:
        if index >= len(self.t) or not self._present[index]:
            return None
        return Pose(
            self._xy[index],
            self._vis[index],
            self.size,
            self._z[index] if self._has_z[index] else None,
            self._world[index] if self._has_world[index] else None,
        )

    def cut_at(self, index: int) -> bool:
        """Whether a new shot started at this frame (as the recording's cut detector saw it)."""
        return index < len(self._cut) and bool(self._cut[index])

    def process(self, frame: Frame) -> Pose | None:
        return self.pose_at(frame.index)

    def close(self) -> None:
        pass


class ReplaySource:
    """A saved recording's frames (timestamps and cuts, no pixels), for the frame loop: with ``ReplayBackend``
    as the backend, a replay goes through the same loop as the video it was saved from."""

    def __init__(self, replay: ReplayBackend) -> None:
        self.replay = replay
        meta = replay.meta
        fps = float(meta.get("fps", 0.0))  # type: ignore[arg-type]
        self.info = VideoInfo(str(meta.get("video", "")), replay.size[0], replay.size[1], fps, len(replay))
        self.notes: list[str] = []

    def __iter__(self) -> Iterator[Frame]:
        for i, t in enumerate(self.replay.t):
            yield Frame(i, float(t), None, cut=self.replay.cut_at(i))


def landmarks_meta(video: str | Path, fps: float, backend: str) -> dict[str, object]:
    """What a landmarks file records about where it came from (to tell when it is out of date)."""
    try:
        mp_version = version("mediapipe")
    except PackageNotFoundError:  # pragma: no cover
        mp_version = "unknown"
    return {
        "video": Path(video).name,
        "video_sha256": file_sha256(video),
        "fps": fps,
        "backend": backend,
        "mediapipe": mp_version,
    }
