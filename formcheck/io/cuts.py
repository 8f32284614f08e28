"""Scene cuts in edited video: where one shot ends and another begins.

Real exercise videos are often edited: a title card, a close-up, then the wide shot again, or a jump cut
between sets. Across a cut nothing carries over (which leg is which, a rep or a hold in progress), so the
session restarts its tracking there instead of reading the jump as a movement. A cut is a frame whose
small grey thumbnail differs from the previous one far more than a person moving can make it (measured on
real videos: a person moving changes it by at most ~0.035 of the grey range a frame, cuts by 0.10-0.42).
"""

from __future__ import annotations

import cv2
import numpy as np

THUMB = (32, 24)
PIXEL_CHANGE = 0.09  # mean absolute difference of the thumbnails, as a share of the grey range: a new shot
# ... or a smaller change with the brightness histogram no longer alike (a cut between similar shots).
PIXEL_CHANGE_WITH_HIST = 0.06
HIST_CORRELATION = 0.6


class CutDetector:
    def __init__(self) -> None:
        self._prev: np.ndarray | None = None
        self._prev_hist: np.ndarray | None = None

    def update(self, image: np.ndarray) -> bool:
        """Feed a BGR frame; True when it starts a new shot."""
        grey = cv2.cvtColor(cv2.resize(image, THUMB, interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
        hist = cv2.calcHist([grey], [0], None, [32], [0, 256])
        cv2.normalize(hist, hist)
        cut = False
        if self._prev is not None and self._prev_hist is not None:
            change = float(np.mean(cv2.absdiff(grey, self._prev))) / 255.0
            corr = float(cv2.compareHist(hist, self._prev_hist, cv2.HISTCMP_CORREL))
            cut = change > PIXEL_CHANGE or (change > PIXEL_CHANGE_WITH_HIST and corr < HIST_CORRELATION)
        self._prev, self._prev_hist = grey, hist
        return cut
