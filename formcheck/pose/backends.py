"""Pose backends: image in, ``Pose`` (or None) out. Each converts its model's output exactly once.

- ``MediaPipeSolutionBackend``: legacy ``mediapipe.solutions.pose`` (tracking mode for video). The full
  model (complexity 1) ships in the mediapipe 0.10.21 wheel and works offline; lite/heavy are downloaded
  by mediapipe on first use.
- ``MediaPipeTaskBackend``: ``PoseLandmarker`` from a user-supplied ``.task`` model file (newer models,
  or mediapipe releases that ship none).
- ``ReplayBackend``: replays landmarks saved by ``LandmarkRecorder`` (tests, re-analysis without the model).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Protocol, TextIO

import numpy as np

from formcheck.errors import BackendError
from formcheck.io.sources import MAX_SIDE, Frame, prepare
from formcheck.pose.landmarks import NUM_LANDMARKS, Pose


class PoseBackend(Protocol):
    name: str

    def process(self, frame: Frame) -> Pose | None: ...

    def close(self) -> None: ...


# Log lines the native libraries write straight to file descriptor 2 (TFLite's delegate notice, absl's
# INFO/WARNING lines): noise for a user. Anything else written there is passed through.
_NATIVE_NOISE = re.compile(r"^(INFO: Created TensorFlow Lite|WARNING: All log messages before absl|[IW]\d{4} )")


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[TextIO]:
    """Capture fd 2 while MediaPipe runs and replay it without the native libraries' log noise.

    MediaPipe's C++ code logs from its own threads when a graph starts, so Python-level redirection
    cannot catch it and the timing is not tied to one call. Errors still surface as exceptions. Yields a
    stream on the real stderr, for what must reach the user meanwhile (a progress bar).
    """
    sys.stderr.flush()
    saved = os.dup(2)
    real = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8", errors="replace")
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield real
        finally:
            sys.stderr.flush()
            real.close()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in tmp.read().decode(errors="replace").splitlines():
                if line.strip() and not _NATIVE_NOISE.match(line):
                    sys.stderr.write(line + "\n")


class MediaPipeSolutionBackend:
    name = "mediapipe-solutions"
    _MODEL_FILES: ClassVar[dict[int, str]] = {
        0: "pose_landmark_lite.tflite",
        1: "pose_landmark_full.tflite",
        2: "pose_landmark_heavy.tflite",
    }

    def __init__(
        self,
        model_complexity: int = 1,
        *,
        video: bool = True,
        max_side: int | None = MAX_SIDE,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        smooth_landmarks: bool = True,
    ) -> None:
        if model_complexity not in self._MODEL_FILES:
            raise BackendError(f"model complexity must be 0, 1 or 2, not {model_complexity}")
        spec = importlib.util.find_spec("mediapipe")
        if spec is None or spec.origin is None:
            raise BackendError("mediapipe is not installed (pip install mediapipe==0.10.21)")
        model = Path(spec.origin).parent / "modules" / "pose_landmark" / self._MODEL_FILES[model_complexity]
        import mediapipe as mp

        try:
            # mediapipe downloads the lite/heavy models on first use; offline that fails with a long trace.
            # (it also prints "Downloading model to ..." on stdout: the error below says it better)
            with quiet_native_stderr(), contextlib.redirect_stdout(io.StringIO()):
                self._pose = mp.solutions.pose.Pose(
                    static_image_mode=not video,
                    model_complexity=model_complexity,
                    smooth_landmarks=smooth_landmarks,
                    min_detection_confidence=min_detection_confidence,
                    min_tracking_confidence=min_tracking_confidence,
                )
        except Exception as exc:
            if not model.exists():
                raise BackendError(
                    f"model complexity {model_complexity} needs {model.name}, which mediapipe downloads on first "
                    f"use, and the download failed ({type(exc).__name__}); use --model-complexity 1 (bundled) "
                    "or --model PATH.task"
                ) from None
            raise BackendError(f"cannot start MediaPipe pose: {exc}") from None
        self.model_complexity = model_complexity
        self.max_side = max_side
        self.inference_size: tuple[int, int] | None = None
        self._started = False

    def process(self, frame: Frame) -> Pose | None:
        mi = frame.model_input or prepare(frame.image, self.max_side)
        rgb, s = mi.rgb, mi.scale
        w, h = self.inference_size = mi.size
        if not self._started:  # the graph starts (and logs) on the first frame
            with quiet_native_stderr():
                res = self._pose.process(rgb)
            self._started = True
        else:
            res = self._pose.process(rgb)
        if res.pose_landmarks is None:
            return None
        pose = Pose.from_mediapipe(res.pose_landmarks, res.pose_world_landmarks, w, h)
        return pose if s == 1.0 else pose.scaled(1.0 / s, 1.0 / s)

    def close(self) -> None:
        self._pose.close()


class MediaPipeTaskBackend:
    """``PoseLandmarker`` in VIDEO mode, fed real timestamps (it requires them strictly increasing)."""

    name = "mediapipe-task"

    def __init__(self, model_path: str | Path, *, max_side: int | None = MAX_SIDE) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise BackendError(f"pose model not found: {path}")
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        try:
            with quiet_native_stderr():
                opts = vision.PoseLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(path)),
                    running_mode=vision.RunningMode.VIDEO,
                    num_poses=1,
                )
                self._landmarker = vision.PoseLandmarker.create_from_options(opts)
        except Exception as exc:
            raise BackendError(f"cannot load pose model {path}: {str(exc).splitlines()[0]}") from None
        self._mp = mp
        self._started = False
        self._last_ms = -1
        self.max_side = max_side
        self.inference_size: tuple[int, int] | None = None

    def process(self, frame: Frame) -> Pose | None:
        mi = frame.model_input or prepare(frame.image, self.max_side)
        rgb, s = mi.rgb, mi.scale
        w, h = self.inference_size = mi.size
        ms = max(round(frame.t * 1000), self._last_ms + 1)
        self._last_ms = ms
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        with quiet_native_stderr() if not self._started else contextlib.nullcontext():
            res = self._landmarker.detect_for_video(image, ms)
        self._started = True
        if not res.pose_landmarks:
            return None
        world = res.pose_world_landmarks[0] if res.pose_world_landmarks else None
        pose = Pose.from_mediapipe(res.pose_landmarks[0], world, w, h)
        return pose if s == 1.0 else pose.scaled(1.0 / s, 1.0 / s)

    def close(self) -> None:
        self._landmarker.close()


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


def make_backend(model_complexity: int = 1, model_path: str | Path | None = None) -> PoseBackend:
    if model_path is not None:
        return MediaPipeTaskBackend(model_path)
    return MediaPipeSolutionBackend(model_complexity)
