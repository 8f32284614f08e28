"""formcheck: a computer-vision form checker for psoas self-release exercises.

The Python API is ``formcheck.analyze_video(path, exercise=..., variant=None) -> Report``. Heavy modules
(OpenCV, MediaPipe) are imported on first use so that ``formcheck --help`` starts fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# OpenCV and FFmpeg print their own complaints to stderr ("moov atom not found", "can't open camera by
# index"); formcheck explains every failure itself, in one line. Set before anything imports cv2.
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

from formcheck.version import __version__

__all__ = ["Report", "__version__", "analyze_video", "load_exercises"]

if TYPE_CHECKING:
    from formcheck.app.api import analyze_video
    from formcheck.definitions.loader import load_exercises
    from formcheck.report.exercise_report import Report


def __getattr__(name: str) -> Any:
    if name == "analyze_video":
        from formcheck.app.api import analyze_video

        return analyze_video
    if name == "Report":
        from formcheck.report.exercise_report import Report

        return Report
    if name == "load_exercises":
        from formcheck.definitions.loader import load_exercises

        return load_exercises
    raise AttributeError(f"module 'formcheck' has no attribute {name!r}")
