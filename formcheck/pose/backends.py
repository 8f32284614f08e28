"""Pose backends: image in, ``Pose`` (or None) out. Each converts its model's output exactly once.

- ``MediaPipeSolutionBackend``: legacy ``mediapipe.solutions.pose`` (tracking mode for video). The full
  model (complexity 1) ships in the mediapipe 0.10.21 wheel and works offline; lite/heavy are downloaded
  by mediapipe on first use.
- ``MediaPipeTaskBackend``: ``PoseLandmarker`` from a user-supplied ``.task`` model file (newer models,
  or mediapipe releases that ship none).
(Saved landmarks are replayed by ``recording.ReplayBackend``.)
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
from typing import ClassVar, Protocol, TextIO

from formcheck.errors import BackendError
from formcheck.io.sources import MAX_SIDE, Frame, prepare
from formcheck.pose.landmarks import Pose


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


def make_backend(model_complexity: int = 1, model_path: str | Path | None = None) -> PoseBackend:
    if model_path is not None:
        return MediaPipeTaskBackend(model_path)
    return MediaPipeSolutionBackend(model_complexity)
