"""Live coaching in the browser: the page's camera frames (JPEG over a WebSocket) through the same
``run_live`` as ``formcheck live``, and the state of each analysed frame sent back for the page to draw.

The page sends a frame only once the state of the one before has come back, so at most one frame is in
flight; here, a frame arriving before the last was taken replaces it (newest frame only, counted as
dropped): nothing queues up. Frame times are the page's capture clock (``performance.now()``, monotonic).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from formcheck.analysis.loop import FrameState, Sink
from formcheck.io.sources import Frame, NewestFrameSource, VideoInfo, brightness

MAX_FRAME_BYTES = 2_000_000  # a 1080p JPEG is ~300 kB; anything this big is not a camera frame
MAX_SIDE = 1920
KEYS = {"quit": ord("q"), "pause": ord(" "), "reset": ord("r"), "switch": ord("s")}


class BadMessage(ValueError):
    """A message from the page that is not a frame, a key or the end of the session."""


def decode_frame(data: bytes) -> tuple[float, np.ndarray]:
    """A frame message: 8 bytes of capture time (float64, little-endian, milliseconds) then a JPEG."""
    if len(data) < 12 or len(data) > MAX_FRAME_BYTES:
        raise BadMessage(f"a frame message must be 8 bytes of time and a JPEG under {MAX_FRAME_BYTES} bytes")
    t_ms = float(np.frombuffer(data[:8], dtype="<f8")[0])
    if not math.isfinite(t_ms) or t_ms < 0:
        raise BadMessage("the frame's capture time is not a time")
    image = cv2.imdecode(np.frombuffer(data[8:], np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.ndim != 3 or max(image.shape[:2]) > MAX_SIDE or min(image.shape[:2]) < 16:
        raise BadMessage("the frame is not a JPEG image of camera size")
    return t_ms / 1000.0, image


def parse_control(text: str) -> str:
    """A text message: {"key": "pause" | "reset" | "switch" | "quit"} (the keys of ``formcheck live``)."""
    try:
        msg = json.loads(text)
    except json.JSONDecodeError:
        raise BadMessage("a text message must be JSON") from None
    if not isinstance(msg, dict) or msg.get("key") not in KEYS:
        raise BadMessage(f'a text message must be {{"key": one of {", ".join(KEYS)}}}')
    return str(msg["key"])


class BrowserSource(NewestFrameSource):
    """``LiveSource`` fed by the WebSocket handler (``put``): the newest frame only, as a camera's."""

    def __init__(self) -> None:
        super().__init__()
        self.info = VideoInfo("browser camera", 0, 0, 0.0, 0)
        self._last_t = -math.inf

    def put_image(self, t: float, image: np.ndarray) -> None:
        if t <= self._last_t:
            return  # a clock that went back (another tab's): not a later frame
        self._last_t = t
        if not self.info.width:
            h, w = image.shape[:2]
            self.info = VideoInfo("browser camera", w, h, 0.0, 0)
        self.put(Frame(self.delivered, t, image, captured=time.monotonic(), brightness=brightness(image)))

    def close(self, error: str | None = None) -> None:
        if error is not None and self.error is None:
            self.error = error
            self.notes.append(f"session ended early: {error}")
        self.end()


class Keys:
    """The page's keys, handed to the loop one at a time (``run_live(keys=...)``)."""

    def __init__(self) -> None:
        self._pending: list[int] = []
        self._lock = threading.Lock()

    def press(self, name: str) -> None:
        with self._lock:
            self._pending.append(KEYS[name])

    def __call__(self) -> int:
        with self._lock:
            return self._pending.pop(0) if self._pending else -1


class StateToPage(Sink):
    """Each analysed frame's state, as the page draws it (JSON), handed to ``send``."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self._send = send

    def add(self, state: FrameState) -> None:
        self._send(frame_message(state))


def frame_message(state: FrameState) -> dict[str, Any]:
    """What the page needs to draw one frame: landmarks (normalised), angles, phase, counts, hold, cue."""
    s, f = state.snapshot, state.features
    pose = state.pose
    landmarks = None
    if pose is not None:
        w, h = pose.image_size
        landmarks = [
            [round(float(x) / w, 4), round(float(y) / h, 4), round(float(v), 2)]
            for (x, y), v in zip(pose.xy, pose.visibility)
        ]
    hold = None
    if s.hold_elapsed_s is not None and s.hold_elapsed_s == s.hold_elapsed_s:
        hold = {"elapsed_s": round(s.hold_elapsed_s, 1), "target_s": s.hold_target_s}
    return {
        "type": "state",
        "t": round(state.t, 3),
        "captured_ms": round(state.frame.t * 1000.0, 1),
        "title": state.title,
        "banner": state.banner,
        "exercise": state.exercise.name,
        "variant": state.variant.name,
        "phase": str(s.phase),
        "reps": {str(k): v for k, v in s.reps.items()},
        "reps_target": list(s.reps_target) if s.reps_target else None,
        "working_side": s.working_side,
        "program": state.program_line,
        "hold": hold,
        "cue": (s.alerts[0] if s.alerts else s.hint),
        "alert": bool(s.alerts),
        "set_up": state.set_up,
        "counted": state.counted,
        "landmarks": landmarks,
        "angles": {str(lg.side): {"hip": _deg(lg.hip), "knee": _deg(lg.knee)} for lg in f.legs if lg.known},
        "gauges": [
            {"label": g.label, "value": _deg(g.value), "lo": g.lo, "hi": g.hi, "state": g.state} for g in s.gauges
        ],
    }


def _deg(x: float) -> float | None:
    return None if x != x else round(float(x), 1)
