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
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Protocol

import cv2
import numpy as np

from .errors import BackendError
from .pose import NUM_LANDMARKS, Pose
from .sources import Frame

DEFAULT_MAX_SIDE = 960  # the model looks at a 256x256 crop: bigger frames only cost resize time


class PoseBackend(Protocol):
    name: str

    def process(self, frame: Frame) -> Pose | None: ...

    def close(self) -> None: ...


def _downscale(image: np.ndarray, max_side: int | None) -> tuple[np.ndarray, float]:
    h, w = image.shape[:2]
    if not max_side or max(h, w) <= max_side:
        return image, 1.0
    s = max_side / max(h, w)
    return cv2.resize(image, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA), s


# Log lines the native libraries write straight to file descriptor 2 (TFLite's delegate notice, absl's
# INFO/WARNING lines): noise for a user. Anything else written there is passed through.
_NATIVE_NOISE = re.compile(r"^(INFO: Created TensorFlow Lite|WARNING: All log messages before absl|[IW]\d{4} )")


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Capture fd 2 while MediaPipe runs and replay it without the native libraries' log noise.

    MediaPipe's C++ code logs from its own threads when a graph starts, so Python-level redirection
    cannot catch it and the timing is not tied to one call. Errors still surface as exceptions.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
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
        max_side: int | None = DEFAULT_MAX_SIDE,
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
        small, s = _downscale(frame.image, self.max_side)
        h, w = small.shape[:2]
        self.inference_size = (w, h)
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
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

    def __init__(self, model_path: str | Path, *, max_side: int | None = DEFAULT_MAX_SIDE) -> None:
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
        small, s = _downscale(frame.image, self.max_side)
        h, w = small.shape[:2]
        self.inference_size = (w, h)
        rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
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


class LandmarkRecorder:
    """Collects every frame's pose so a run can be replayed without the model (``ReplayBackend``)."""

    def __init__(self) -> None:
        self.t: list[float] = []
        self.present: list[bool] = []
        self.xy: list[np.ndarray] = []
        self.vis: list[np.ndarray] = []
        self.z: list[np.ndarray] = []
        self.world: list[np.ndarray] = []
        self.size = (0, 0)

    def add(self, frame: Frame, pose: Pose | None) -> None:
        self.t.append(frame.t)
        self.present.append(pose is not None)
        nan2, nan1, nan3 = (np.full((NUM_LANDMARKS, k), np.nan) for k in (2, 1, 3))
        self.xy.append(pose.xy if pose else nan2)
        self.vis.append(pose.visibility if pose else nan1[:, 0])
        self.z.append(pose.z if pose is not None and pose.z is not None else nan1[:, 0])
        self.world.append(pose.world if pose is not None and pose.world is not None else nan3)
        self.size = (frame.image.shape[1], frame.image.shape[0])

    def save(self, path: str | Path) -> None:
        np.savez_compressed(
            path,
            t=np.array(self.t),
            present=np.array(self.present),
            xy=np.array(self.xy, dtype=np.float32),
            vis=np.array(self.vis, dtype=np.float32),
            z=np.array(self.z, dtype=np.float32),
            world=np.array(self.world, dtype=np.float32),
            size=np.array(self.size),
        )


class ReplayBackend:
    """Returns the saved pose of each frame index (the frames' pixels are not looked at)."""

    name = "replay"

    def __init__(self, path: str | Path) -> None:
        try:
            data = np.load(path)
            self.t = data["t"]
            self._present = data["present"]
            self._xy, self._vis = data["xy"].astype(np.float64), data["vis"].astype(np.float64)
            self._z, self._world = data["z"].astype(np.float64), data["world"].astype(np.float64)
            self._size = tuple(int(v) for v in data["size"])
        except (OSError, KeyError, ValueError) as exc:
            raise BackendError(f"cannot read landmarks file {path}: {exc}") from None

    def __len__(self) -> int:
        return len(self.t)

    def pose_at(self, index: int) -> Pose | None:
        if index >= len(self.t) or not self._present[index]:
            return None
        z = self._z[index]
        world = self._world[index]
        return Pose(
            self._xy[index],
            self._vis[index],
            self._size,  # type: ignore[arg-type]
            None if np.isnan(z).any() else z,
            None if np.isnan(world).any() else world,
        )

    def process(self, frame: Frame) -> Pose | None:
        return self.pose_at(frame.index)

    def close(self) -> None:
        pass


def make_backend(model_complexity: int = 1, model_path: str | Path | None = None) -> PoseBackend:
    if model_path is not None:
        return MediaPipeTaskBackend(model_path)
    return MediaPipeSolutionBackend(model_complexity)
