"""Live coaching: a camera (or a file played as one) through the same frame loop and report as ``analyze``,
with an overlay on screen, spoken cues, and the report however the session ends.

The loop takes the newest frame from the source (frames it could not keep up with are dropped, never
queued). ``Coach`` is live's part in it: the session's clock (a pause stops it, holds included), the camera
set-up check (counting waits while it is wrong), the keys, and the frame on screen. Times come from the
frames (a camera's monotonic clock, a file's timestamps).
"""

from __future__ import annotations

import math
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from formcheck.analysis.loop import Analysis, Command, FrameState, Gate, RunInfo, Sink, run
from formcheck.analysis.range_of_motion import RangeOfMotion
from formcheck.definitions.program import Program
from formcheck.io.sources import Frame, VideoInfo
from formcheck.live.setup_check import SetUpCheck, set_up_problem
from formcheck.live.voice import Announcer, Voice
from formcheck.live.window import Display
from formcheck.pose.backends import PoseBackend, make_backend, quiet_native_stderr
from formcheck.render.overlay import LiveStatus, draw_state
from formcheck.render.video import AnnotatedVideoWriter
from formcheck.report.build import AnyReport, build_report

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


class Coach(Sink):
    """Live's part in the frame loop (``loop.Control``) and the frame on screen (a sink): it draws each
    analysed frame for the display and the annotated video, and turns the keys into commands."""

    def __init__(
        self,
        display: Display | None,
        *,
        mirror: bool = True,
        writer: AnnotatedVideoWriter | None = None,
        keys: Callable[[], int] | None = None,
    ) -> None:
        self.display, self.mirror, self.writer, self._keys = display, mirror, writer, keys
        self.stats = LiveStats()
        self.check = SetUpCheck()
        self._pause_offset, self._paused_at, self._paused = 0.0, math.nan, False
        self._key = -1
        self._shown_at: deque[float] = deque(maxlen=30)
        self._notes: list[str] = []

    # --- the loop's control -------------------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self._paused

    def gate(self, frame: Frame, pose: object, side_view: bool) -> Gate:
        t = frame.t - self._pause_offset
        assert frame.image is not None
        problem = self.check.update(t, set_up_problem(frame.image, pose, side_view))  # type: ignore[arg-type]
        return Gate(t, self.check.ok, problem)

    def idle(self, frame: Frame) -> None:
        if self.display is not None and frame.image is not None:
            image = frame.image if not self.mirror else frame.image[:, ::-1]
            self._key = self.display.show(np.ascontiguousarray(image))

    def command(self, frame: Frame) -> Command | None:
        key, self._key = self._key, -1
        if self._keys is not None:
            key = self._keys()
        if key >= 0:
            key &= 0xFF  # some backends add modifier bits
        if key in KEY_QUIT:
            return Command.QUIT
        if key == KEY_PAUSE:
            if self._paused:
                self._pause_offset += frame.t - self._paused_at
            else:
                self._paused_at = frame.t
            self._paused = not self._paused
        elif key == KEY_RESET:
            self._notes = [f"counts reset at {frame.t - self._pause_offset:.1f} s"]
            return Command.RESET
        elif key == KEY_SWITCH:
            self._notes.append(f"switched side at {frame.t - self._pause_offset:.1f} s")
            return Command.SWITCH_SIDE
        return None

    # --- the frame on screen ------------------------------------------------------------------------
    def add(self, state: FrameState) -> None:
        frame = state.frame
        if self.display is not None or self.writer is not None:
            now = time.monotonic()
            fps = (len(self._shown_at) - 1) / (now - self._shown_at[0]) if len(self._shown_at) > 1 else math.nan
            lat = (now - frame.captured) * 1000.0 if not math.isnan(frame.captured) else math.nan
            live = LiveStatus(fps=fps, latency_ms=lat, set_up=state.set_up, paused=False, switched=state.banner)
            image = draw_state(state, mirror=self.mirror, live=live)
            if self.writer is not None:
                self.writer.write(image)
            if self.display is not None:
                self._key = self.display.show(image)
        done = time.monotonic()
        self._shown_at.append(done)
        self.stats.shown += 1
        if not math.isnan(frame.captured):
            self.stats.latencies_ms.append((done - frame.captured) * 1000.0)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def notes(self) -> list[str]:
        return list(self._notes)

    def finish(self, source: LiveSource) -> list[str]:
        """The notes on the session as live ran it: the source's end, drops and latency, the set-up waits."""
        stats = self.stats
        stats.delivered, stats.dropped = source.delivered, source.dropped
        stats.set_up_wrong_s = self.check.seconds_wrong
        notes = self.notes()
        if source.error:
            notes.append(source.error)
        if stats.delivered:
            notes.append(
                f"live: {stats.dropped} of {stats.delivered} frames dropped ({100 * stats.drop_share:.0f}%) to keep "
                f"up; capture-to-display latency p50 {stats.percentile(0.5):.0f} ms, "
                f"p95 {stats.percentile(0.95):.0f} ms"
            )
        if stats.set_up_wrong_s >= 1.0:
            notes.append(f"counting waited {stats.set_up_wrong_s:.0f} s for the camera set-up")
        return notes


class Speaker(Sink):
    """``--voice``: counts, hold times, cues and set-up instructions spoken; in a routine, each change of
    exercise (the announcer then starts afresh, so the new exercise's counts are said)."""

    def __init__(self, voice: Voice) -> None:
        self.voice = voice
        self.restart()

    def restart(self) -> None:
        self._announcer = Announcer()
        self._switch: object = None

    def add(self, state: FrameState) -> None:
        if state.switch is not self._switch:
            self._switch = state.switch
            self._announcer = Announcer()
            assert state.switch is not None
            self.voice.say(state.switch.text)
            return
        for phrase in self._announcer.phrases(state.snapshot, state.set_up):
            self.voice.say(phrase)


def run_live(
    analysis: Analysis,
    source: LiveSource,
    *,
    backend: PoseBackend | None = None,
    model_complexity: int = 1,
    model_path: str | Path | None = None,
    display: Display | None = None,
    mirror: bool = True,
    voice: Voice | None = None,
    annotate_to: str | Path | None = None,
    keys: Callable[[], int] | None = None,
    sinks: tuple[Sink, ...] = (),
    target_sources: Mapping[str, Mapping[str, str]] | None = None,
    program: Program | None = None,
) -> tuple[AnyReport, LiveStats]:
    """Coach one live session until the source ends, a quit key, Ctrl-C or SIGTERM; always returns the report
    (``partial`` when interrupted or the camera failed). ``keys`` (tests) replaces the window's keys;
    ``sinks``: more outputs (a frame record for an HTML report or a frame CSV)."""
    rom = RangeOfMotion()
    with quiet_native_stderr():
        own_backend = backend is None
        be = backend if backend is not None else make_backend(model_complexity, model_path)
        try:
            writer = None
            if annotate_to:
                size = (source.info.width, source.info.height)
                writer = AnnotatedVideoWriter(annotate_to, source.info.fps or 30.0, size)
            coach = Coach(display, mirror=mirror, writer=writer, keys=keys)
            outputs: list[Sink] = [rom, *sinks, *([Speaker(voice)] if voice is not None else []), coach]
            partial = run(source, be, analysis, outputs, control=coach)
        finally:
            if own_backend:
                be.close()
    notes = coach.finish(source)
    info = source.info
    run_info = RunInfo(
        info.path,
        info.fps,
        (info.width, info.height),
        be.name,
        getattr(be, "inference_size", None),
        partial or bool(source.error),
        (*source.notes, *notes),
    )
    return build_report(analysis.finish(), run_info, rom, target_sources, program), coach.stats


def latency_summary(stats: LiveStats) -> str:
    lat = stats.latencies_ms
    mean = statistics.fmean(lat) if lat else math.nan
    return (
        f"frames shown {stats.shown}, delivered {stats.delivered}, dropped {stats.dropped} "
        f"({100 * stats.drop_share:.0f}%); latency p50 {stats.percentile(0.5):.0f} ms, "
        f"p95 {stats.percentile(0.95):.0f} ms, mean {mean:.0f} ms"
    )
