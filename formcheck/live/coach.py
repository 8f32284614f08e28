"""Live coaching: a camera (or a file played as one) -> the same Session and Report as ``analyze`` ->
an overlay on screen, spoken cues, and the report written however the session ends.

The loop takes the newest frame from the source (frames it could not keep up with are dropped, never
queued), checks the camera set-up (counting waits while it is wrong), feeds the session, draws and shows
the frame, and handles the keys. Times come from the frames (a camera's monotonic clock, a file's
timestamps); a pause stops the clock, holds included.
"""

from __future__ import annotations

import math
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from formcheck.analysis.frame_record import Trace
from formcheck.analysis.routine import RoutineReport, RoutineSession, panel
from formcheck.analysis.session import FrameResult, Session
from formcheck.definitions.schema import Exercise
from formcheck.errors import InputError
from formcheck.io.sources import Frame, VideoInfo
from formcheck.live.setup_check import SetUpCheck, set_up_problem
from formcheck.live.voice import Announcer, Voice
from formcheck.pose.backends import PoseBackend, make_backend, quiet_native_stderr
from formcheck.render.overlay import AnnotatedVideoWriter, LiveStatus, draw_overlay
from formcheck.report.exercise_report import Report

WINDOW = "formcheck"
KEY_QUIT = (ord("q"), 27)
KEY_PAUSE, KEY_RESET, KEY_SWITCH = ord(" "), ord("r"), ord("s")


class LiveSource(Protocol):
    info: VideoInfo
    delivered: int
    dropped: int
    error: str | None
    notes: list[str]

    def __iter__(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


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
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL)
        except cv2.error:
            raise InputError("cannot open a window here (no display?): run with --no-window") from None

    def show(self, image: np.ndarray) -> int:
        self._cv2.imshow(self.title, image)
        return int(self._cv2.waitKey(1))

    def close(self) -> None:
        self._cv2.destroyAllWindows()


@dataclass
class LiveStats:
    """What the live loop measured about itself (for the notes and bench/live_latency.py)."""

    latencies_ms: list[float] = field(default_factory=list)  # capture to display, per shown frame
    shown: int = 0
    delivered: int = 0
    dropped: int = 0
    set_up_wrong_s: float = 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return math.nan
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(q * len(xs)))]

    @property
    def drop_share(self) -> float:
        return self.dropped / self.delivered if self.delivered else 0.0


def run_live(
    exercise: Exercise | None,
    source: LiveSource,
    *,
    variant: str | None = None,
    others: Iterable[Exercise] = (),
    backend: PoseBackend | None = None,
    model_complexity: int = 1,
    model_path: str | Path | None = None,
    display: Display | None = None,
    mirror: bool = True,
    voice: Voice | None = None,
    annotate_to: str | Path | None = None,
    keys: Callable[[], int] | None = None,
    on_frame: Callable[[Frame, FrameResult], None] | None = None,
    trace: Trace | None = None,
) -> tuple[Report | RoutineReport, LiveStats]:
    """Coach one live session until the source ends, a quit key, Ctrl-C or SIGTERM; always returns the report
    (``partial`` when interrupted or the camera failed). ``keys`` (tests) replaces the window's keys.
    ``trace``: records the frames for an HTML report or a frame CSV (see ``analyze_video``).

    ``exercise`` None: a whole routine of ``others`` (every exercise): the exercise is recognised as it is
    done, the screen says when it changes, and the report is a ``RoutineReport``, block by block."""
    others = list(others)
    trace = trace if trace is not None else Trace()

    def new_session() -> tuple[Session, RoutineSession | None]:
        if exercise is None:
            r = RoutineSession(others, live=True)
            return r.session, r
        return Session(exercise, variant, others), None

    session, routine = new_session()
    shown_view_side = True  # the variant on screen is filmed from the side (the set-up check asks for it)
    switches_said = 0
    stats = LiveStats()
    check, announcer = SetUpCheck(), Announcer()
    shown_at: deque[float] = deque(maxlen=30)
    pause_offset, paused_at, paused = 0.0, math.nan, False
    partial = False
    notes: list[str] = []
    writer = None
    own_backend = backend is None
    with quiet_native_stderr():
        be = backend if backend is not None else make_backend(model_complexity, model_path)
        try:
            if annotate_to:
                writer = AnnotatedVideoWriter(
                    annotate_to, source.info.fps or 30.0, (source.info.width, source.info.height)
                )
            for frame in source:
                key = -1
                if paused:
                    image = frame.image if not mirror else frame.image[:, ::-1]
                    key = display.show(np.ascontiguousarray(image)) if display is not None else -1
                else:
                    t = frame.t - pause_offset
                    pose = be.process(frame)
                    cut = frame.cut
                    problem = check.update(t, set_up_problem(frame.image, pose, shown_view_side))
                    feed = routine.update if routine is not None else session.update
                    res = feed(t, pose if check.ok else None, cut)
                    shown = res.exercise or session.exercise
                    v = shown.variant(res.snapshot.variant)
                    shown_view_side = v.view == "side"
                    switch = routine.current if routine is not None else None
                    if routine is None:
                        trace.add(frame.t, res, session)
                    if on_frame is not None:
                        on_frame(frame, res)
                    if voice is not None:
                        if routine is not None and len(routine.switches) > switches_said:
                            # The new exercise is shown from the next frame: its counts are said from then on.
                            switches_said = len(routine.switches)
                            announcer = Announcer()
                            assert switch is not None
                            voice.say(switch.text)
                        else:
                            for phrase in announcer.phrases(res.snapshot, problem):
                                voice.say(phrase)
                    if display is not None or writer is not None:
                        now = time.monotonic()
                        fps = (len(shown_at) - 1) / (now - shown_at[0]) if len(shown_at) > 1 else math.nan
                        lat = (now - frame.captured) * 1000.0 if not math.isnan(frame.captured) else math.nan
                        title, banner = panel(shown, v, t, switch, routine is not None)
                        live = LiveStatus(fps=fps, latency_ms=lat, set_up=problem, paused=False, switched=banner)
                        image = draw_overlay(
                            frame.image,
                            pose,
                            res.features,
                            res.snapshot,
                            title,
                            mirror=mirror,
                            live=live,
                        )
                        if writer is not None:
                            writer.write(image)
                        if display is not None:
                            key = display.show(image)
                    done = time.monotonic()
                    shown_at.append(done)
                    stats.shown += 1
                    if not math.isnan(frame.captured):
                        stats.latencies_ms.append((done - frame.captured) * 1000.0)
                if keys is not None:
                    key = keys()
                if key >= 0:
                    key &= 0xFF  # some backends add modifier bits
                if key in KEY_QUIT:
                    break
                if key == KEY_PAUSE:
                    if paused:
                        pause_offset += frame.t - paused_at
                    else:
                        paused_at = frame.t
                    paused = not paused
                elif key == KEY_RESET:
                    session, routine = new_session()
                    switches_said = 0
                    notes = [f"counts reset at {frame.t - pause_offset:.1f} s"]
                elif key == KEY_SWITCH:
                    session.interrupt()
                    notes.append(f"switched side at {frame.t - pause_offset:.1f} s")
        except KeyboardInterrupt:
            partial = True
        finally:
            if writer is not None:
                writer.close()
            if own_backend:
                be.close()
    if source.error:
        partial = True
        notes.append(source.error)
    stats.delivered, stats.dropped = source.delivered, source.dropped
    stats.set_up_wrong_s = check.seconds_wrong
    if stats.delivered:
        notes.append(
            f"live: {stats.dropped} of {stats.delivered} frames dropped ({100 * stats.drop_share:.0f}%) to keep up; "
            f"capture-to-display latency p50 {stats.percentile(0.5):.0f} ms, p95 {stats.percentile(0.95):.0f} ms"
        )
    if stats.set_up_wrong_s >= 1.0:
        notes.append(f"counting waited {stats.set_up_wrong_s:.0f} s for the camera set-up")
    if routine is not None:
        blocks, _ = routine.finish()
        routine_report = RoutineReport.from_session(
            blocks,
            session,
            video=source.info.path,
            fps=source.info.fps,
            size=(source.info.width, source.info.height),
            backend=be.name,
            partial=partial,
            notes=[*source.notes, *notes],
        )
        return routine_report, stats
    report = Report.from_session(
        session.finish(),
        video=source.info.path,
        fps=source.info.fps,
        size=(source.info.width, source.info.height),
        backend=be.name,
        inference_size=getattr(be, "inference_size", None),
        partial=partial,
        notes=[*source.notes, *notes],
    )
    trace.finish(report)
    return report, stats


def latency_summary(stats: LiveStats) -> str:
    lat = stats.latencies_ms
    mean = statistics.fmean(lat) if lat else math.nan
    return (
        f"frames shown {stats.shown}, delivered {stats.delivered}, dropped {stats.dropped} "
        f"({100 * stats.drop_share:.0f}%); latency p50 {stats.percentile(0.5):.0f} ms, "
        f"p95 {stats.percentile(0.95):.0f} ms, mean {mean:.0f} ms"
    )
