"""Frame sources, decoding ahead in a thread of their own so that decoding overlaps pose inference from the start.

- ``VideoFileSource``: a recorded video; a small bounded queue (every frame is analysed, memory stays flat).
  Times come from the container's timestamps, so variable frame rates are timed correctly.
- ``CameraSource``: a live camera; only the newest frame is kept (stale frames are dropped, never queued),
  timed with a monotonic clock.
- ``PacedFileSource``: a video file played in real time through the same newest-frame hand-over, so the live
  path can be run (and measured) on recorded clips where there is no camera.
"""

from __future__ import annotations

import dataclasses
import math
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from formcheck.errors import InputError
from formcheck.io.cuts import CutDetector
from formcheck.io.files import still_image_kind

MAX_SIDE = 960  # the model looks at a 256x256 crop: larger frames are downscaled once, in the decode thread
QUEUE_BYTES = 64 << 20  # decoded frames waiting for the model: a few 4K frames, or 8 small ones
GAP_S = 1.0  # a jump in the timestamps longer than this is video missing (damaged), said in a note


@dataclass(frozen=True)
class ModelInput:
    """A frame as the pose model takes it, prepared in the source's thread so it overlaps inference."""

    rgb: np.ndarray
    scale: float  # its size over the frame's

    @property
    def size(self) -> tuple[int, int]:
        return self.rgb.shape[1], self.rgb.shape[0]


def prepare(image: np.ndarray, max_side: int | None = MAX_SIDE) -> ModelInput:
    """Downscale (if larger than the model needs) and convert to RGB, once."""
    h, w = image.shape[:2]
    if max_side and max(h, w) > max_side:
        s = max_side / max(h, w)
        image = cv2.resize(image, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    else:
        s = 1.0
    return ModelInput(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), s)


@dataclass(frozen=True)
class Frame:
    index: int
    t: float  # seconds: video timestamp, or monotonic time since the camera opened
    image: np.ndarray | None  # BGR, as decoded (None: a replay of saved landmarks, no pixels)
    captured: float = math.nan  # time.monotonic() when a live source made it available (for latency)
    model_input: ModelInput | None = None  # prepared ahead by the source (None: the backend prepares it)
    cut: bool = False  # a new shot starts here (an edited video)
    brightness: float = math.nan  # mean grey level 0-255 (a subsample), to tell a dark video from an empty one


def brightness(image: np.ndarray) -> float:
    """Mean grey level of a sparse grid of pixels: enough to say "too dark", cheap at any size."""
    step = max(1, max(image.shape[:2]) // 80)
    return float(image[::step, ::step].mean())


@dataclass(frozen=True)
class VideoInfo:
    path: str
    width: int
    height: int
    fps: float  # nominal, from the container (informational: timing uses per-frame timestamps)
    frame_count: int  # as declared by the container; may be wrong for damaged files
    rotation: int = 0  # degrees the stored frames are turned to show them upright (phone rotation tags)

    @classmethod
    def from_capture(cls, path: str, cap: cv2.VideoCapture, first: np.ndarray | None = None) -> VideoInfo:
        h, w = (
            first.shape[:2]
            if first is not None
            else (cap.get(cv2.CAP_PROP_FRAME_HEIGHT), cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        )
        return cls(
            path=path,
            width=int(w),
            height=int(h),
            fps=float(cap.get(cv2.CAP_PROP_FPS) or 0.0),
            frame_count=int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0),
            rotation=int(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360,
        )


_END = object()


class VideoFileSource:
    """Iterate a video file's frames with their timestamps; use as a context manager."""

    def __init__(self, path: str | Path, queue_size: int = 8, max_side: int | None = MAX_SIDE) -> None:
        p = Path(path)
        if not p.exists():
            raise InputError(f"video not found: {p}")
        if p.is_dir():
            raise InputError(f"{p} is a directory, not a video file")
        if p.stat().st_size == 0:
            raise InputError(f"{p} is empty (0 bytes)")
        kind = still_image_kind(p)
        if kind is not None:
            raise InputError(f"{p} is a still image ({kind}), not a video")
        cap = cv2.VideoCapture(str(p))
        if not cap.isOpened():
            raise InputError(f"cannot open {p} as a video (not a video file, truncated, or an unsupported codec)")
        # Phones store portrait video sideways with a rotation tag; this OpenCV build ignores the tag unless told.
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        ok, first = cap.read()
        if not ok or first is None:
            cap.release()
            raise InputError(f"{p} contains no decodable video frames")
        self.info = VideoInfo.from_capture(str(p), cap, first)
        self.notes: list[str] = []
        if self.info.rotation:
            self.notes.append(f"turned {self.info.rotation}° upright, as the video's rotation tag asks")
        self._cap = cap
        self._first = first
        self._max_side = max_side
        # Bounded by bytes as well as frames, so that 4K input does not hold 8 x 25 MB frames in waiting.
        queue_size = max(2, min(queue_size, QUEUE_BYTES // max(first.nbytes, 1)))
        self._queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._error: str | None = None
        self._thread = threading.Thread(target=self._run, name="formcheck-decode", daemon=True)
        self._thread.start()

    def _timestamp(self, index: int, last_t: float) -> float:
        t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if index > 0 and (not math.isfinite(t) or t <= last_t):
            # Some containers report no usable timestamps: fall back to the nominal rate, and say so.
            fps = self.info.fps if self.info.fps > 0 else 30.0
            if not self.notes:
                self.notes.append(f"video timestamps unusable; timed at the nominal {fps:g} fps")
            return last_t + 1.0 / fps
        return t

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        index, last_t = 0, -math.inf
        frame = self._first
        cuts = CutDetector()
        try:
            while frame is not None:
                t = self._timestamp(index, last_t)
                # The thread's other work: what the model needs and whether a new shot starts, ahead of use.
                if index > 0 and t - last_t > GAP_S:
                    self.notes.append(
                        f"no frames between {last_t:.1f} s and {t:.1f} s (the video is damaged there, or was cut)"
                    )
                ready = Frame(
                    index,
                    t,
                    frame,
                    model_input=prepare(frame, self._max_side),
                    cut=cuts.update(frame),
                    brightness=brightness(frame),
                )
                if not self._put(ready):
                    return
                index, last_t = index + 1, t
                ok, frame = self._cap.read()
                if not ok:
                    frame = None
            if self.info.frame_count and index < self.info.frame_count * 0.95:
                self.notes.append(
                    f"the video stopped decoding at {last_t:.1f} s (frame {index} of {self.info.frame_count} "
                    "declared): it is damaged or truncated, and was analysed up to there"
                )
        except Exception as exc:  # surfaced to the consumer, not lost in the thread
            self._error = f"decoding failed at frame {index}: {exc}"
        finally:
            self._put(_END)

    def __iter__(self) -> Iterator[Frame]:
        while True:
            item = self._queue.get()
            if item is _END:
                if self._error:
                    raise InputError(f"{self.info.path}: {self._error}")
                return
            assert isinstance(item, Frame)
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._cap.release()

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class NewestFrameSource:
    """Hands over the newest frame put in: a consumer slower than the producer skips stale frames (counted in
    ``dropped``) instead of falling further and further behind. The producer calls ``put`` and ``end``: a
    capture thread of its own (``_CaptureSource``), or another thread feeding it (the web app's page)."""

    info: VideoInfo

    def __init__(self) -> None:
        self.delivered = 0  # frames the source produced
        self.dropped = 0  # ... of which the consumer never saw
        self.error: str | None = None  # why it stopped early (a camera gone)
        self.notes: list[str] = []
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._done = False

    def put(self, frame: Frame) -> None:
        with self._cond:
            self.delivered += 1
            if self._latest is not None:
                self.dropped += 1  # the consumer was busy: the older frame is stale, drop it
            self._latest = frame
            self._cond.notify()

    def end(self) -> None:
        """No frame follows: the consumer's iteration ends once it has taken the last one."""
        with self._cond:
            self._done = True
            self._cond.notify()

    def __iter__(self) -> Iterator[Frame]:
        while True:
            with self._cond:
                while self._latest is None and not self._done:
                    self._cond.wait(timeout=0.5)
                if self._latest is None:
                    return
                frame, self._latest = self._latest, None
            yield frame

    def close(self) -> None:
        self.end()

    def __enter__(self) -> NewestFrameSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class _CaptureSource(NewestFrameSource):
    """A newest-frame source fed by a capture thread of its own (``_capture``)."""

    _thread_name = "formcheck-capture"

    def __init__(self) -> None:
        super().__init__()
        self._t0 = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._guarded, name=self._thread_name, daemon=True)

    def _start(self) -> None:
        self._thread.start()

    def _capture(self) -> Iterator[Frame]:  # pragma: no cover - each source defines it
        raise NotImplementedError

    def _guarded(self) -> None:
        try:
            for frame in self._capture():
                if self._stop.is_set():
                    break
                self.put(frame)
        except Exception as exc:  # surfaced to the consumer, not lost in the thread
            self.error = f"capture failed: {exc}"
        finally:
            self.end()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class CameraSource(_CaptureSource):
    """The newest frame of a live camera, timed by a monotonic clock. Stops when the camera disconnects."""

    _thread_name = "formcheck-camera"

    def __init__(self, index: int = 0, width: int | None = None, height: int | None = None) -> None:
        super().__init__()
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            raise InputError(f"cannot open camera {index} (no such device, or it is in use)")
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.index = index
        self.info = VideoInfo.from_capture(f"camera:{index}", cap)
        self._cap = cap
        self._start()

    def _capture(self) -> Iterator[Frame]:
        index, failures = 0, 0
        while not self._stop.is_set():
            ok, image = self._cap.read()
            if not ok or image is None:
                failures += 1
                if failures >= 30:  # about a second without a frame: the camera is gone
                    self.error = f"camera {self.index} stopped delivering frames (disconnected?)"
                    return
                time.sleep(0.03)
                continue
            failures = 0
            now = time.monotonic()
            yield Frame(index, now - self._t0, image, now, model_input=prepare(image), brightness=brightness(image))
            index += 1

    def close(self) -> None:
        super().close()
        self._cap.release()


class PacedFileSource(_CaptureSource):
    """A video file played as if it were a camera: each frame becomes available at its own timestamp in real
    time and only the newest is handed over, so a slow consumer drops frames exactly as with a webcam.
    Frames keep the file's timestamps (what a camera would have stamped them with)."""

    _thread_name = "formcheck-paced"

    def __init__(self, path: str | Path, speed: float = 1.0) -> None:
        super().__init__()
        self._file = VideoFileSource(path)
        self.info = self._file.info
        self.notes = self._file.notes
        self.speed = speed
        self._start()

    def _capture(self) -> Iterator[Frame]:
        t_first: float | None = None
        for frame in self._file:
            if t_first is None:
                t_first = frame.t
            due = self._t0 + (frame.t - t_first) / self.speed
            wait = due - time.monotonic()
            if wait > 0 and self._stop.wait(wait):
                return
            yield dataclasses.replace(frame, captured=time.monotonic())

    def close(self) -> None:
        super().close()
        self._file.close()
