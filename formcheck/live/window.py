"""Where live coaching shows its frames: the OpenCV window, or anything with ``show`` and ``close`` (tests)."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from formcheck.errors import InputError

WINDOW = "formcheck"


class Display(Protocol):
    def show(self, image: np.ndarray) -> int:
        """Show a frame; returns the key pressed meanwhile (-1: none)."""
        ...

    def close(self) -> None: ...


class OpenCVWindow:
    """The on-screen window (OpenCV's highgui)."""

    def __init__(self, title: str = WINDOW) -> None:
        import cv2

        self._cv2 = cv2
        self.title = title
        self._size: tuple[int, int] | None = None
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL)
        except cv2.error:
            raise InputError("cannot open a window here (no display?): run with --no-window") from None

    def show(self, image: np.ndarray) -> int:
        size = (image.shape[1], image.shape[0])
        if size != self._size:
            # A resizable window can open at Qt's default 400x300 (always, under Xvfb with no window manager), which
            # shrinks the frame and its writing: it is sized to the frame once; the user may resize it afterwards.
            self._cv2.resizeWindow(self.title, *size)
            self._size = size
        self._cv2.imshow(self.title, image)
        return int(self._cv2.waitKey(1))

    def close(self) -> None:
        self._cv2.destroyAllWindows()
