"""The camera set-up check for live coaching: is the picture one formcheck can judge, and if not, the one
thing to change ("step back until your feet are visible", "turn side-on to the camera").

A problem must last ``PERSIST_S`` before it is shown (a hand passing over the lens is not a set-up
problem), and the set-up counts as right again once it has been right for ``CLEAR_S``. Counting waits while
the set-up is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from formcheck.analysis.sinks import DARK_LUMA
from formcheck.engine.body import body_axis
from formcheck.pose.landmarks import LM, Pose

PERSIST_S = 1.0
CLEAR_S = 0.5
EDGE = 0.02  # a landmark this close to (or past) the picture's edge is cut off
MIN_EXTENT = 0.3  # the body spans at least this share of the picture's width or height
FACING_MAX = 0.6  # facing_camera above this: not side-on enough for a side-view exercise
VIS_MIN = 0.5

TOO_DARK = "Turn on more light - the picture is too dark"
NO_PERSON = "Step into view of the camera"
HEAD_OUT = "Move back - your head is out of the picture"
FEET_OUT = "Step back until your feet are visible"
TOO_FAR = "Come closer - you are too far from the camera"
NOT_SIDE_ON = "Turn side-on to the camera"


def set_up_problem(image: np.ndarray, pose: Pose | None, side_view: bool) -> str | None:
    """The most important thing wrong with the set-up in this one frame, or None. From the frame alone:
    while the set-up is wrong the session is not fed, so its features cannot say when it is right again."""
    small = cv2.resize(image, (64, 48), interpolation=cv2.INTER_AREA)
    if float(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).mean()) < DARK_LUMA:
        return TOO_DARK
    if pose is None:
        return NO_PERSON
    w, h = pose.image_size
    xy, vis = pose.xy, pose.visibility

    def cut(i: int) -> bool:
        x, y = xy[i]
        return vis[i] < VIS_MIN or not (EDGE * w <= x <= (1 - EDGE) * w and EDGE * h <= y <= (1 - EDGE) * h)

    if cut(LM.NOSE) and all(cut(i) for i in (LM.LEFT_EAR, LM.RIGHT_EAR)):
        return HEAD_OUT
    feet = (LM.LEFT_ANKLE, LM.RIGHT_ANKLE, LM.LEFT_HEEL, LM.RIGHT_HEEL, LM.LEFT_FOOT, LM.RIGHT_FOOT)
    if all(cut(i) for i in feet):
        return FEET_OUT
    seen = xy[vis >= VIS_MIN]
    if len(seen):
        extent = max(np.ptp(seen[:, 0]) / w, np.ptp(seen[:, 1]) / h)
        if extent < MIN_EXTENT:
            return TOO_FAR
    facing = body_axis(pose)[1]
    if side_view and not math.isnan(facing) and facing > FACING_MAX:
        return NOT_SIDE_ON
    return None


@dataclass
class SetUpCheck:
    """Debounces the per-frame problems: ``update`` returns the instruction to show, or None when all is well."""

    problem: str | None = None
    _candidate: str | None = None
    _since: float = math.nan
    _ok_since: float = math.nan
    seconds_wrong: float = 0.0  # total time counting waited for the set-up
    _last_t: float = field(default=math.nan, repr=False)

    def update(self, t: float, found: str | None) -> str | None:
        dt = t - self._last_t if not math.isnan(self._last_t) else 0.0
        self._last_t = t
        if self.problem is not None:
            self.seconds_wrong += max(dt, 0.0)
        if found is None:
            self._candidate = None
            if math.isnan(self._ok_since):
                self._ok_since = t
            if self.problem is not None and t - self._ok_since >= CLEAR_S:
                self.problem = None
            return self.problem
        self._ok_since = math.nan
        if found != self._candidate:
            self._candidate, self._since = found, t
        if t - self._since >= PERSIST_S or (self.problem is not None and found != self.problem):
            self.problem = found
        return self.problem

    @property
    def ok(self) -> bool:
        return self.problem is None
