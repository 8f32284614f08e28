"""Feedback rendering: skeleton, live angles, rep counts, hold timer and the current cue on a frame.

Text is drawn with Pillow's scalable font: OpenCV's Hershey fonts have no "°" (they print "??") and no
accents, and cues are written for people. Everything is sized from the frame's height so it reads the same
on a 640x480 webcam and a 1080p screen.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formcheck.analysis.loop import FrameState
from formcheck.definitions.vocabulary import Side
from formcheck.engine.features import BodyFeatures
from formcheck.engine.legs import LegStatus
from formcheck.engine.snapshot import Snapshot
from formcheck.pose.landmarks import LEG_CHAIN, SKELETON, Pose

Colour = tuple[int, int, int]  # BGR
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (90, 90, 90)
SIDE_COLOURS: dict[str, Colour] = {Side.LEFT: (235, 160, 40), Side.RIGHT: (40, 140, 255)}  # blue-ish left, orange right
GOOD, WARN, AMBER = (80, 200, 80), (60, 60, 235), (0, 190, 255)
SWITCH_COLOUR: Colour = (255, 230, 140)  # light blue: news, neither good nor bad


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(8, size))


def text_size(text: str, size: int) -> tuple[int, int]:
    left, top, right, bottom = _font(size).getbbox(text)
    return int(right - left), int(bottom - top)


@functools.lru_cache(maxsize=512)  # a few MB at most: memory stays flat however long the video
def _text_patch(text: str, size: int, colour: Colour) -> tuple[np.ndarray, np.ndarray]:
    """``text`` rendered once: its BGR pixels and their alpha (most of an overlay's text repeats frame to
    frame, and rendering is the costly part)."""
    font = _font(size)
    stroke = max(1, size // 12)
    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    w, h = int(right - left) + 2, int(bottom - top) + 2
    patch = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(patch).text(
        (-left + 1, -top + 1),
        text,
        font=font,
        fill=(*colour[::-1], 255),
        stroke_width=stroke,
        stroke_fill=(0, 0, 0, 255),
    )
    rgba = np.asarray(patch)
    return np.ascontiguousarray(rgba[..., 2::-1]), rgba[..., 3:4].astype(np.float32) / 255.0


def put_text(img: np.ndarray, text: str, org: tuple[int, int], size: int, colour: Colour = WHITE) -> None:
    """Draw ``text`` with its top-left at ``org`` (pixels), outlined in black so it reads on any background."""
    if not text:
        return
    bgr, alpha = _text_patch(text, size, colour)
    h, w = bgr.shape[:2]
    x0, y0 = org
    ih, iw = img.shape[:2]
    if x0 >= iw or y0 >= ih or x0 + w <= 0 or y0 + h <= 0:
        return
    xs, ys = max(0, -x0), max(0, -y0)  # clip to the image
    xe, ye = min(w, iw - x0), min(h, ih - y0)
    region = img[y0 + ys : y0 + ye, x0 + xs : x0 + xe]
    a = alpha[ys:ye, xs:xe]
    region[:] = (bgr[ys:ye, xs:xe] * a + region * (1.0 - a)).astype(np.uint8)


def _pt(p: np.ndarray) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


@dataclass(frozen=True)
class LiveStatus:
    """What the live view adds to the annotated frame."""

    fps: float = math.nan
    latency_ms: float = math.nan  # capture to display
    set_up: str | None = None  # what to change in the camera set-up (counting waits meanwhile)
    paused: bool = False
    keys: str = "q quit   space pause   r reset   s switch side"
    switched: str | None = None  # the exercise on screen just changed (a routine): what it is now


def draw_state(state: FrameState, *, mirror: bool = False, live: LiveStatus | None = None) -> np.ndarray:
    """``draw_overlay`` of one analysed frame (its picture, the pose as detected, the engine shown)."""
    assert state.frame.image is not None
    return draw_overlay(
        state.frame.image,
        state.pose,
        state.features,
        state.snapshot,
        state.title,
        mirror=mirror,
        live=live,
        program_line=state.program_line,
    )


def draw_overlay(
    image: np.ndarray,
    pose: Pose | None,
    features: BodyFeatures,
    snap: Snapshot,
    title: str,
    *,
    mirror: bool = False,
    live: LiveStatus | None = None,
    program_line: str | None = None,
) -> np.ndarray:
    """Returns a new BGR image with the feedback drawn over ``image``. ``mirror`` flips the picture (a
    selfie view) but not the writing, and left and right stay the person's own. ``program_line``: where the
    person is in their program (``set 2 of 2, left: 9 of 12``), a line of its own under the counts."""
    out = image.copy()
    h, w = out.shape[:2]
    u = max(h, w) / 100.0  # one "unit": 1% of the long side
    lw = max(1, round(0.3 * u))
    if pose is not None:
        _draw_skeleton(out, pose, features, lw)
    if mirror:
        out = cv2.flip(out, 1)
    if pose is not None:
        _draw_joint_labels(out, pose, features, u, mirror)
    _draw_panel(out, snap, title, u, program_line)
    if snap.gauges:
        _draw_gauges(out, snap, u)
    _draw_cue(out, features, snap, u)
    if live is not None:
        _draw_live(out, live, u)
    return out


def _draw_skeleton(out: np.ndarray, pose: Pose, features: BodyFeatures, lw: int) -> None:
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


def _draw_joint_labels(out: np.ndarray, pose: Pose, features: BodyFeatures, u: float, mirror: bool) -> None:
    w = out.shape[1]
    for leg in features.legs:
        if leg.label is None or leg.status is not LegStatus.SEEN:
            continue
        _sh, hip_i, knee_i, _ankle, _heel, _foot = LEG_CHAIN[leg.label]
        col = SIDE_COLOURS.get(leg.side, WHITE)
        # Side-on the two legs' joints overlap: the left leg's numbers go above-left of the joint, the right
        # leg's below-right, so they never cover each other.
        sign = -1 if leg.side == Side.LEFT else 1
        size = round(2.2 * u)
        for idx, value in ((hip_i, leg.hip), (knee_i, leg.knee)):
            if math.isnan(value):
                continue
            px, py = pose.xy[idx]
            if mirror:
                px = w - 1 - px
            label = f"{value:.0f}°"
            tw, th = text_size(label, size)
            x = int(px + sign * 1.2 * u) - (tw if sign < 0 else 0)
            y = int(py + sign * 1.2 * u) - (th if sign < 0 else 0)
            put_text(out, label, (x, y), size, col)


def _draw_gauges(out: np.ndarray, snap: Snapshot, u: float) -> None:
    """The variant's target measurements as bars on the right: the target band, and where the body is now
    (green in the range, amber near it, red out of it)."""
    h, w = out.shape[:2]
    size = round(2.0 * u)
    bar_w, bar_h = int(16 * u), int(1.6 * u)
    x0 = w - bar_w - int(1.5 * u)
    y = int(15 * u)
    for g in snap.gauges:
        span_lo, span_hi = (0.0, 240.0) if g.angle else (g.lo - (g.hi - g.lo), g.hi + (g.hi - g.lo))

        def px(v: float, lo: float = span_lo, hi: float = span_hi) -> int:
            return x0 + int(bar_w * min(1.0, max(0.0, (v - lo) / (hi - lo))))

        value = "-" if math.isnan(g.value) else (f"{g.value:.0f}°" if g.angle else f"{g.value:.2f}")
        put_text(out, f"{g.label}  {value}", (x0, y), size, WHITE)
        y += int(2.6 * u)
        cv2.rectangle(out, (x0, y), (x0 + bar_w, y + bar_h), GREY, -1)
        cv2.rectangle(out, (px(g.lo), y), (px(g.hi), y + bar_h), (60, 120, 60), -1)
        if not math.isnan(g.value):
            colour = {"in": GOOD, "near": AMBER}.get(g.state, WARN)
            x = px(g.value)
            cv2.rectangle(
                out,
                (x - max(2, int(0.4 * u)), y - int(0.5 * u)),
                (x + max(2, int(0.4 * u)), y + bar_h + int(0.5 * u)),
                colour,
                -1,
            )
        y += bar_h + int(1.8 * u)
        if y > h * 0.7:
            break


def _draw_live(out: np.ndarray, live: LiveStatus, u: float) -> None:
    h, w = out.shape[:2]
    size = round(1.8 * u)
    stats = []
    if not math.isnan(live.fps):
        stats.append(f"{live.fps:.0f} fps")
    if not math.isnan(live.latency_ms):
        stats.append(f"{live.latency_ms:.0f} ms")
    if stats:
        text = "  ".join(stats)
        put_text(out, text, (w - text_size(text, size)[0] - int(1.2 * u), int(10.5 * u)), size, (200, 200, 200))
    if live.keys:
        put_text(out, live.keys, (int(1.2 * u), h - int(2.4 * u)), size, (200, 200, 200))
    if live.switched and not live.paused:
        # under the panel, left of the gauges: the new exercise's counts and its gauges stay readable
        ssize = round(3.0 * u)
        room = w - int(21 * u)
        tw, th = text_size(live.switched, ssize)
        while tw > room and ssize > 10:
            ssize -= 1
            tw, th = text_size(live.switched, ssize)
        x, y = int(1.2 * u), int(15 * u)
        cv2.rectangle(out, (x - int(u), y - int(u)), (x + tw + int(u), y + th + int(1.4 * u)), BLACK, -1)
        put_text(out, live.switched, (x, y), ssize, SWITCH_COLOUR)
    banner = "PAUSED - space to go on" if live.paused else live.set_up
    if banner:
        bsize = round(4.2 * u)
        tw, th = text_size(banner, bsize)
        while tw > w * 0.9 and bsize > 12:
            bsize -= 2
            tw, th = text_size(banner, bsize)
        x, y = (w - tw) // 2, (h - th) // 2
        cv2.rectangle(
            out, (x - int(1.5 * u), y - int(1.5 * u)), (x + tw + int(1.5 * u), y + th + int(2 * u)), BLACK, -1
        )
        put_text(out, banner, (x, y), bsize, AMBER)


def _draw_panel(out: np.ndarray, snap: Snapshot, title: str, u: float, program_line: str | None = None) -> None:
    w = out.shape[1]
    panel_h = int((13 + (3.6 if program_line and snap.hold_target_s else 0)) * u)
    roi = out[0:panel_h, 0:w]
    roi[:] = (roi * 0.4).astype(np.uint8)
    pad = int(1.2 * u)
    put_text(out, title, (pad, pad), round(2.6 * u), WHITE)
    y = pad + int(3.6 * u)
    goal = f"/{snap.reps_target[0]}" if snap.reps_target else ""
    size = round(2.4 * u)
    if Side.BOTH in snap.reps:
        parts = [(f"Reps {snap.reps[Side.BOTH]}{goal}", WHITE)]
    else:
        parts = [
            ("Reps ", WHITE),
            (f"L {snap.reps[Side.LEFT]}{goal}", SIDE_COLOURS[Side.LEFT]),
            ("  ", WHITE),
            (f"R {snap.reps[Side.RIGHT]}{goal}", SIDE_COLOURS[Side.RIGHT]),
        ]
    if snap.working_side in SIDE_COLOURS:
        parts.append((f"   {snap.working_side} leg", SIDE_COLOURS[snap.working_side]))
    parts.append((f"   {snap.phase}", (200, 200, 200)))
    x = pad
    for text, col in parts:
        put_text(out, text, (x, y), size, col)
        x += text_size(text, size)[0] + int(0.4 * u)
    # colour legend for the legs, top right
    legend_size = round(2.0 * u)
    lx = w - pad - text_size("left  right", legend_size)[0]
    put_text(out, "left", (lx, pad), legend_size, SIDE_COLOURS[Side.LEFT])
    put_text(out, "right", (lx + text_size("left  ", legend_size)[0], pad), legend_size, SIDE_COLOURS[Side.RIGHT])
    if snap.hold_target_s:
        y += int(3.6 * u)
        elapsed = snap.hold_elapsed_s or 0.0
        bar_w, bar_h = int(w * 0.45), int(2.2 * u)
        frac = min(1.0, elapsed / snap.hold_target_s)
        cv2.rectangle(out, (pad, y), (pad + bar_w, y + bar_h), GREY, -1)
        cv2.rectangle(out, (pad, y), (pad + int(bar_w * frac), y + bar_h), GOOD if frac >= 1 else AMBER, -1)
        put_text(out, f"hold {elapsed:4.1f} / {snap.hold_target_s:g} s", (pad * 2 + bar_w, y), size, WHITE)
    if program_line:
        put_text(out, f"Program: {program_line}", (pad, y + int(3.6 * u)), size, AMBER)


def _draw_cue(out: np.ndarray, features: BodyFeatures, snap: Snapshot, u: float) -> None:
    h, w = out.shape[:2]
    if not features.has_pose:
        cue, colour = "No person in view - step into the frame", WARN
    elif snap.alerts:
        cue, colour = snap.alerts[0], WARN
    else:
        cue, colour = snap.hint or "", WHITE
    if not cue:
        return
    size = round(3.6 * u)
    tw, th = text_size(cue, size)
    while tw > w * 0.94 and size > 10:  # long cues on narrow (portrait) frames
        size -= 2
        tw, th = text_size(cue, size)
    x, y = max(int(u), (w - tw) // 2), h - th - int(5.5 * u)
    cv2.rectangle(out, (x - int(u), y - int(u)), (x + tw + int(u), y + th + int(1.4 * u)), BLACK, -1)
    put_text(out, cue, (x, y), size, colour)
