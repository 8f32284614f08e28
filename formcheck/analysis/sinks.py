"""Small sinks of the frame loop: the lighting note, the landmark recording, the progress bar, a callback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from formcheck.analysis.loop import FrameState, Sink
from formcheck.pose.recording import LandmarkRecorder

DARK_LUMA = 35.0  # mean grey level (0-255) below which MediaPipe loses people


class Lighting(Sink):
    """Brightness of the frames where no person was found: an empty room and a dark one get different advice."""

    def __init__(self) -> None:
        self.frames = self.unseen = 0
        self.unseen_luma = 0.0

    def add(self, state: FrameState) -> None:
        b = state.frame.brightness
        self.frames += 1
        if state.pose is None and b == b:  # not NaN (a replay has no pixels)
            self.unseen += 1
            self.unseen_luma += b

    @property
    def dark(self) -> bool:
        """Most frames without a person were too dark to find one in."""
        return bool(self.unseen) and self.unseen >= 0.25 * self.frames and self.luma < DARK_LUMA

    @property
    def luma(self) -> float:
        return self.unseen_luma / self.unseen if self.unseen else float("nan")

    def notes(self) -> list[str]:
        if not self.dark:
            return []
        return [
            f"the video is very dark where no person was found (mean brightness {self.luma:.0f} of 255): "
            "light the room so that the camera can see the person"
        ]


class RecordLandmarks(Sink):
    """``--save-landmarks``: every frame's pose, saved when the run ends (so an interrupted run keeps them)."""

    def __init__(self, path: str | Path, meta: Callable[[], dict[str, object]]) -> None:
        self.path, self._meta = path, meta
        self.recorder = LandmarkRecorder()

    def add(self, state: FrameState) -> None:
        self.recorder.add(state.frame, state.pose, state.frame.cut)

    def close(self) -> None:
        self.recorder.save(self.path, self._meta())


class ProgressBar(Sink):
    """A tqdm bar of frames on ``stream`` (the real stderr while MediaPipe's is captured)."""

    def __init__(self, stream: TextIO, total: int, name: str) -> None:
        from tqdm import tqdm

        self._bar: Any = tqdm(
            total=total or None, desc=name, unit="frame", file=stream, dynamic_ncols=True, leave=False
        )

    def add(self, state: FrameState) -> None:
        self._bar.update()

    def close(self) -> None:
        self._bar.close()


class OnFrame(Sink):
    """Calls ``fn`` with every frame's state (tests, tools)."""

    def __init__(self, fn: Callable[[FrameState], None]) -> None:
        self._fn = fn

    def add(self, state: FrameState) -> None:
        self._fn(state)
