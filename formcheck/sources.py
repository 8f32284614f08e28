"""Frame sources. Decoding runs ahead in its own thread so it overlaps pose inference from the start.

- ``VideoFileSource``: a recorded video; a small bounded queue (every frame is analysed, memory stays flat).
  Times come from the container's timestamps, so variable frame rates are timed correctly.
- ``CameraSource``: a live camera; only the newest frame is kept (stale frames are dropped, never queued),
  timed with a monotonic clock.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

# FFmpeg prints its own complaints ("moov atom not found") to stderr; formcheck explains failures itself.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2
import numpy as np

from .errors import InputError


@dataclass(frozen=True)
class Frame:
    index: int
    t: float  # seconds: video timestamp, or monotonic time since the camera opened
    image: np.ndarray  # BGR, as decoded


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

    def __init__(self, path: str | Path, queue_size: int = 8) -> None:
        p = Path(path)
        if not p.exists():
            raise InputError(f"video not found: {p}")
        if p.is_dir():
            raise InputError(f"{p} is a directory, not a video file")
        if p.stat().st_size == 0:
            raise InputError(f"{p} is empty (0 bytes)")
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
        try:
            while frame is not None:
                t = self._timestamp(index, last_t)
                if not self._put(Frame(index, t, frame)):
                    return
                index, last_t = index + 1, t
                ok, frame = self._cap.read()
                if not ok:
                    frame = None
            if self.info.frame_count and index < self.info.frame_count * 0.95:
                self.notes.append(
                    f"video ended after {index} of {self.info.frame_count} declared frames (truncated or damaged?)"
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


class CameraSource:
    """The newest frame of a live camera, timed by a monotonic clock. Stops when the camera disconnects."""

    def __init__(self, index: int = 0, width: int | None = None, height: int | None = None) -> None:
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            raise InputError(f"cannot open camera {index} (no such device, or it is in use)")
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.index = index
        self.info = VideoInfo.from_capture(f"camera:{index}", cap)
        self.dropped = 0
        self.error: str | None = None
        self._cap = cap
        self._t0 = time.monotonic()
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._done = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="formcheck-camera", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        index, failures = 0, 0
        while not self._stop.is_set():
            ok, image = self._cap.read()
            if not ok or image is None:
                failures += 1
                if failures >= 30:  # about a second without a frame: the camera is gone
                    self.error = f"camera {self.index} stopped delivering frames (disconnected?)"
                    break
                time.sleep(0.03)
                continue
            failures = 0
            frame = Frame(index, time.monotonic() - self._t0, image)
            index += 1
            with self._cond:
                if self._latest is not None:
                    self.dropped += 1  # the consumer was busy: the older frame is stale, drop it
                self._latest = frame
                self._cond.notify()
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
        self._stop.set()
        self._thread.join(timeout=5)
        self._cap.release()

    def __enter__(self) -> CameraSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
