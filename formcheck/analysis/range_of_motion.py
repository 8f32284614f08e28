"""The range of motion: the hip and knee angles each leg went through, from every frame it was seen in.

A sink kept on every run (the report needs it): each frame's angles as whole degrees in flat arrays (16
bytes a frame), so that any stretch of the session (a routine's block) can be asked for afterwards.
"""

from __future__ import annotations

import math
from array import array

import numpy as np

from formcheck.analysis.loop import FrameState, Sink
from formcheck.definitions.vocabulary import SIDES, View
from formcheck.engine.legs import LegStatus

ANGLES = ("hip", "knee", "hip_u", "knee_u")  # signed (side views) and unsigned (front views)
ROM_MIN_FRAMES = 15  # fewer frames with a leg seen say nothing about its range of motion
ROM_PERCENTILES = (0.05, 0.95)  # a range robust to the odd mislabelled frame
UNSEEN = -1

Rom = dict[str, dict[str, list[float]] | None]  # side -> {"hip": [low, high], "knee": [low, high]} or None


class RangeOfMotion(Sink):
    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self._t = array("d")
        self._deg = {(s, a): array("h") for s in SIDES for a in ANGLES}

    def add(self, state: FrameState) -> None:
        f = state.features
        seen = {lg.side: lg for lg in f.legs if lg.status is LegStatus.SEEN}
        self._t.append(f.t)
        for s in SIDES:
            lg = seen.get(s)
            for a in ANGLES:
                v = lg.values[a] if lg is not None else math.nan
                self._deg[s, a].append(min(360, max(0, int(v))) if v == v else UNSEEN)

    def of(self, view: str = View.SIDE, span: tuple[float, float] | None = None) -> Rom:
        """Per side, the hip and knee angles the leg went through (5th to 95th percentile of the frames it was
        seen in, whole degrees), over the whole session or ``span``; None for a leg seen in too few frames.
        ``view`` "front": the unsigned angles a front view is judged by."""
        t = np.frombuffer(self._t, dtype=np.float64) if len(self._t) else np.zeros(0)
        inside = slice(None) if span is None else (t >= span[0]) & (t <= span[1])
        out: Rom = dict.fromkeys(SIDES)
        for s in SIDES:
            joints = {}
            for joint in ("hip", "knee"):
                column = np.frombuffer(self._deg[s, f"{joint}_u" if view == View.FRONT else joint], dtype=np.int16)
                values = column[inside] if len(column) else column
                values = values[values != UNSEEN]
                if len(values) < ROM_MIN_FRAMES:
                    break
                joints[joint] = [float(_percentile(values, q)) for q in ROM_PERCENTILES]
            else:
                out[s] = joints
        return out


def _percentile(degrees: np.ndarray, q: float) -> int:
    """The degree at or below which a share ``q`` of the values lie."""
    cumulative = np.cumsum(np.bincount(degrees, minlength=361))
    return int(np.argmax(cumulative >= q * len(degrees)))
