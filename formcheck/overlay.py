"""Feedback rendering: skeleton, live angles, rep counts, hold timer and the current cue on a frame."""

from __future__ import annotations

import math
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from .errors import InputError
from .features import BodyFeatures
from .legs import LegStatus
from .pose import LEG_CHAIN, SKELETON, Pose
from .presenter import Snapshot

FONT = cv2.FONT_HERSHEY_SIMPLEX
WHITE, BLACK = (255, 255, 255), (0, 0, 0)
SIDE_COLOURS = {"left": (235, 160, 40), "right": (40, 140, 255)}  # BGR: blue-ish left, orange right
GOOD, WARN = (80, 200, 80), (40, 40, 230)


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour=WHITE, thick: int = 1) -> None:  # type: ignore[no-untyped-def]
    cv2.putText(img, text, org, FONT, scale, BLACK, thick + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


def draw_overlay(
    image: np.ndarray,
    pose: Pose | None,
    features: BodyFeatures,
    snap: Snapshot,
    title: str,
) -> np.ndarray:
    """Returns a new BGR image with the feedback drawn over ``image``."""
    out = image.copy()
    h, w = out.shape[:2]
    s = max(h, w) / 960.0  # scale text and lines with the frame
    lw = max(1, round(2 * s))
    if pose is not None:
        vis = pose.visibility
        for a, b in SKELETON:
            if vis[a] >= 0.5 and vis[b] >= 0.5:
                cv2.line(out, _pt(pose.xy[a]), _pt(pose.xy[b]), (230, 230, 230), lw, cv2.LINE_AA)
        for leg in features.legs:
            if leg.label is None or leg.status is not LegStatus.SEEN:
                continue
            _sh, hip_i, knee_i, ankle_i, _heel, _foot = LEG_CHAIN[leg.label]
            col = SIDE_COLOURS.get(leg.side, WHITE)
            pts = [pose.xy[i] for i in (hip_i, knee_i, ankle_i)]
            cv2.polylines(out, [np.array([_pt(p) for p in pts])], False, col, lw + 1, cv2.LINE_AA)
            for p in pts:
                cv2.circle(out, _pt(p), lw + 2, col, -1, cv2.LINE_AA)
            off = np.array([8 * s, -8 * s])
            _text(out, f"{leg.hip:.0f}", _pt(pts[0] + off), 0.5 * s + 0.2, col, 1)
            if not math.isnan(leg.knee):
                _text(out, f"{leg.knee:.0f}", _pt(pts[1] + off), 0.5 * s + 0.2, col, 1)

    # Panel: exercise, reps per side, hold timer.
    panel_h = int(96 * s + 30)
    roi = out[0:panel_h, 0:w]
    roi[:] = (roi * 0.45).astype(np.uint8)
    y = int(24 * s + 6)
    _text(out, title, (10, y), 0.6 * s + 0.15, WHITE, 1)
    y += int(26 * s + 6)
    goal = f"/{snap.reps_target[0]}" if snap.reps_target else ""
    reps = f"Reps  L {snap.reps['left']}{goal}   R {snap.reps['right']}{goal}"
    side = f"   working: {snap.working_side}" if snap.working_side else ""
    _text(out, reps + side + f"   [{snap.phase}]", (10, y), 0.55 * s + 0.15, WHITE, 1)
    y += int(14 * s + 4)
    if snap.hold_target_s:
        elapsed = snap.hold_elapsed_s or 0.0
        bar_w = int(w * 0.5)
        frac = min(1.0, elapsed / snap.hold_target_s)
        cv2.rectangle(out, (10, y), (10 + bar_w, y + int(12 * s + 4)), (90, 90, 90), -1)
        cv2.rectangle(
            out, (10, y), (10 + int(bar_w * frac), y + int(12 * s + 4)), GOOD if frac >= 1 else (0, 200, 255), -1
        )
        _text(out, f"hold {elapsed:4.1f} / {snap.hold_target_s:g} s", (20 + bar_w, y + int(11 * s + 3)), 0.5 * s + 0.15)

    # The current cue, large, at the bottom.
    if not features.has_pose:
        cue, colour = "No person detected - step into view", WARN
    elif snap.alerts:
        cue, colour = snap.alerts[0], WARN
    else:
        cue, colour = snap.hint or "", WHITE
    if cue:
        scale = 0.9 * s + 0.2
        (tw, th), _ = cv2.getTextSize(cue, FONT, scale, 2)
        org = (max(10, (w - tw) // 2), h - int(20 * s + 8))
        cv2.rectangle(out, (org[0] - 8, org[1] - th - 10), (org[0] + tw + 8, org[1] + 10), BLACK, -1)
        _text(out, cue, org, scale, colour, 2)
    return out


class AnnotatedVideoWriter:
    """Writes annotated frames to an mp4 (MPEG-4 Part 2: the codec every OpenCV build can encode)."""

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot write annotated video {self.path}: {exc.strerror}") from None
        self._writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*"mp4v"), fps or 30.0, size)
        if not self._writer.isOpened():
            raise InputError(f"cannot write annotated video {self.path} (unwritable path or unsupported format)")

    def write(self, image: np.ndarray) -> None:
        self._writer.write(image)

    def close(self) -> None:
        self._writer.release()

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
