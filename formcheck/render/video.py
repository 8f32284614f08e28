"""The annotated video: every analysed frame drawn with its feedback and encoded, in a thread of its own."""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from formcheck.analysis.loop import FrameState, Sink
from formcheck.errors import InputError
from formcheck.render.overlay import LiveStatus, draw_overlay


class AnnotatedVideoWriter:
    """Writes annotated frames to an mp4 (MPEG-4 Part 2: the codec every OpenCV build can encode).

    ``draw`` hands the drawing and the encoding to a thread of their own (a small bounded queue), so they
    run on the second core beside the pose model instead of after it.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], queue_size: int = 4) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot write annotated video {self.path}: {exc.strerror}") from None
        self._writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*"mp4v"), fps or 30.0, size)
        if not self._writer.isOpened():
            raise InputError(f"cannot write annotated video {self.path} (unwritable path or unsupported format)")
        self._queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=queue_size)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="formcheck-writer", daemon=True)
        self._thread.start()

    def draw(self, image: np.ndarray, *args: Any, **kwargs: Any) -> None:
        """Queue a frame to be drawn (``draw_overlay``'s arguments) and written."""
        if self._error is not None:
            raise self._error
        self._queue.put((image, args, kwargs))

    def write(self, image: np.ndarray) -> None:
        """Queue a frame that is already drawn."""
        self._queue.put((image, None, None))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue
            image, args, kwargs = item
            try:
                self._writer.write(draw_overlay(image, *args, **kwargs) if args is not None else image)
            except Exception as exc:  # surfaced to the producer on its next frame, or at close
                self._error = exc

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._writer.release()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AnnotatedVideo(Sink):
    """``--out`` on a recorded video: each frame drawn as live coaching would show it (in a routine, the
    exercise recognised so far and the switch banner), without the live-only parts (keys, fps)."""

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int]) -> None:
        self._writer = AnnotatedVideoWriter(path, fps, size)

    def add(self, state: FrameState) -> None:
        f = state.frame
        assert f.image is not None
        live = LiveStatus(keys="", switched=state.banner) if state.routine else None
        self._writer.draw(
            f.image, state.pose, state.features, state.snapshot, state.title, live=live, program_line=state.program_line
        )

    def close(self) -> None:
        self._writer.close()
