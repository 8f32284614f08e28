"""The one frame loop: a recorded video, saved landmarks and a live camera all go through ``run``.

frames -> pose backend -> ``Analysis.step`` (features, engines, and in a routine the exercise recognised so
far) -> a ``FrameState`` handed to every sink (annotated video, landmark recording, range of motion, frame
record, progress bar, window, voice). Sinks read the public state only, never the engines. Live coaching adds
a ``Control`` (keys, pause, the camera set-up check): the loop is the same.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol, Union

from formcheck.analysis.blocks import Block
from formcheck.analysis.program_check import Done, live_line
from formcheck.analysis.recognition import Recogniser, Switch, panel
from formcheck.analysis.session import Session, SessionSummary
from formcheck.definitions.loader import Catalogue
from formcheck.definitions.program import Program
from formcheck.definitions.schema import Exercise, Variant
from formcheck.definitions.vocabulary import View
from formcheck.engine.features import BodyFeatures
from formcheck.engine.snapshot import Snapshot
from formcheck.engine.state import EngineState, engine_state
from formcheck.errors import UsageProblem
from formcheck.io.sources import Frame
from formcheck.pose.backends import PoseBackend
from formcheck.pose.landmarks import Pose


@dataclass(frozen=True)
class FrameState:
    """What one analysed frame produced, for the sinks."""

    frame: Frame  # as the source gave it (``t`` on the source's own timeline)
    t: float  # on the session's timeline (live: pauses left out)
    pose: Pose | None  # as detected (drawn even while counting waits for the set-up)
    counted: bool  # the pose was counted (live: not while the set-up is wrong)
    features: BodyFeatures
    snapshot: Snapshot  # the engine shown: counts, hold clock, cue, gauges
    exercise: Exercise  # the exercise shown (a routine: the one recognised so far)
    variant: Variant
    title: str  # the panel's title
    banner: str | None  # "Now: ..." while a routine's change of exercise is recent
    switch: Switch | None  # a routine's latest change of exercise (None before the first)
    routine: bool  # a whole routine (no exercise named)
    set_up: str | None = None  # what to change in the camera set-up (live), counting waits meanwhile
    program_line: str | None = None  # a routine done with a program: where the person is in it, for this exercise
    engines: Sequence[EngineState] = ()  # the named exercise's candidate variants, for sinks that ask


class Sink:
    """An output fed every analysed frame; each overrides what it needs."""

    wants_engines = False  # the engines' states are gathered only for a sink that reads them

    def add(self, state: FrameState) -> None:
        """One analysed frame."""

    def restart(self) -> None:
        """The counts were reset (live ``r``): what is kept per session starts over."""

    def close(self) -> None:
        """The run is over, however it ended."""

    def notes(self) -> list[str]:
        """What the report should say about what this sink saw."""
        return []


class Command(Enum):
    QUIT = "quit"
    RESET = "reset"  # counts start again
    SWITCH_SIDE = "switch side"  # what is under way ends (the person changes legs)


@dataclass(frozen=True)
class Gate:
    """What live coaching lets through for one frame: the session's time (pauses left out), whether the pose
    counts (not while the camera set-up is wrong) and the set-up problem to show."""

    t: float
    count: bool
    set_up: str | None


class Control(Protocol):
    """Live coaching's part in the loop."""

    @property
    def paused(self) -> bool: ...

    def gate(self, frame: Frame, pose: Pose | None, side_view: bool) -> Gate: ...

    def idle(self, frame: Frame) -> None:
        """A frame arrived while paused: nothing is analysed."""
        ...

    def command(self, frame: Frame) -> Command | None:
        """After each frame: what the person asked for (keys), if anything."""
        ...

    def notes(self) -> list[str]: ...


@dataclass(frozen=True)
class RunInfo:
    """What the report says about the run itself: the source, the model, whether it was cut short, notes."""

    video: str
    fps: float
    size: tuple[int, int]
    backend: str
    inference_size: tuple[int, int] | None = None
    partial: bool = False
    notes: tuple[str, ...] = ()
    too_dark: bool = False  # most frames without a person were too dark to find one in


@dataclass(frozen=True)
class RoutineFindings:
    """A routine's blocks and what the session saw overall."""

    blocks: list[Block]
    frames: int
    frames_with_pose: int
    first_t: float | None
    last_t: float


Findings = Union[SessionSummary, RoutineFindings]


def check_choice(exercise: Exercise | None, variant: str | None) -> None:
    """A variant names a form of one exercise: without the exercise (a routine) it means nothing."""
    if exercise is None and variant is not None:
        raise UsageProblem("--variant needs --exercise")
    if exercise is not None and variant is not None:
        exercise.variant(variant)


class Analysis:
    """One session's analysis, named exercise or whole routine (decided here, once): a named exercise runs
    its variants and the other exercises' (to say what the video looks like when it is not the one named);
    a routine runs every exercise and is cut into blocks. ``live_recognition``: a routine shows the exercise
    recognised so far (live coaching, and an annotated video that shows what coaching would)."""

    def __init__(
        self,
        catalogue: Catalogue,
        exercise: Exercise | None,
        variant: str | None = None,
        *,
        live_recognition: bool = False,
        engine_states: bool = False,
        program: Program | None = None,
    ) -> None:
        check_choice(exercise, variant)
        self.catalogue, self.exercise, self.variant = catalogue, exercise, variant
        self.program = program  # live: the panel says where the person is in it ("set 2 of 2, left: 9 of 12")
        self._program_line: tuple[object, str | None] = (None, None)
        self._live, self._engine_states = live_recognition, engine_states
        self.shown_view: str = View.SIDE  # the view of the variant on screen (the set-up check asks for a side view)
        self.restart()

    @property
    def routine(self) -> bool:
        return self.exercise is None

    def restart(self) -> None:
        """A new session (and, live, counts reset): everything measured so far is dropped."""
        if self.exercise is None:
            exercises = list(self.catalogue)
            self.session = Session(exercises[0], None, others=exercises[1:], others_judged=True)
            self.recogniser: Recogniser | None = Recogniser(self.session, live=self._live)
        else:
            self.session = Session(self.exercise, self.variant, others=self.catalogue)
            self.recogniser = None

    def step(
        self, frame: Frame, pose: Pose | None, t: float | None = None, *, count: bool = True, set_up: str | None = None
    ) -> FrameState:
        """Feed one frame; ``t``: its time on the session's timeline (default: the frame's own); ``count``
        False: the pose is not counted (live, while the set-up is wrong), only shown."""
        t = frame.t if t is None else t
        res = self.session.update(t, pose if count else None, frame.cut)
        if self.recogniser is not None:
            self.recogniser.update(t, res)
        ex = res.exercise or self.session.exercise
        v = ex.variant(res.snapshot.variant)
        self.shown_view = v.view
        switch = self.recogniser.current if self.recogniser is not None else None
        title, banner = panel(ex, v, res.features.t, switch, self.routine)
        line = self._program_progress(ex, v) if self.program is not None and switch is not None else None
        engines = ()
        if self._engine_states:
            engines = tuple(engine_state(eng, res.features.t) for eng in self.session.engines.values())
        return FrameState(
            frame=frame,
            t=t,
            pose=pose,
            counted=count,
            features=res.features,
            snapshot=res.snapshot,
            exercise=ex,
            variant=v,
            title=title,
            banner=banner,
            switch=switch,
            routine=self.routine,
            set_up=set_up,
            engines=engines,
            program_line=line,
        )

    def _program_progress(self, ex: Exercise, v: Variant) -> str | None:
        """The program's line for the exercise on screen, worked out again when the blocks so far change."""
        assert self.recogniser is not None and self.program is not None
        blocks = self.recogniser.blocks_so_far
        key = (self.recogniser.blocks_version, ex.name, v.name)
        if self._program_line[0] != key:
            done = [Done.of(b) for b in blocks]
            self._program_line = (key, live_line(self.program, done, ex.name, v.name))
        return self._program_line[1]

    def interrupt(self) -> None:
        """What is under way ends here (the person switches sides)."""
        self.session.interrupt()

    def finish(self) -> Findings:
        if self.recogniser is None:
            return self.session.finish()
        blocks = self.recogniser.finish()
        s = self.session
        return RoutineFindings(blocks, s.frames, s.frames_with_pose, s.first_t, s.last_t)


def run(
    frames: Iterable[Frame],
    backend: PoseBackend,
    analysis: Analysis,
    sinks: Sequence[Sink] = (),
    control: Control | None = None,
    *,
    ahead: bool = False,
) -> bool:
    """Analyse ``frames`` until they end, a quit command, Ctrl-C or SIGTERM (raised as KeyboardInterrupt by the
    CLI); every sink is closed however it ends. Returns whether the run was interrupted (partial).

    ``ahead``: the pose model runs in a thread of its own, a frame or two ahead of the analysis (MediaPipe
    leaves the interpreter while it infers, so the analysis of one frame overlaps the inference of the next).
    For a recorded video; live, each frame is taken as it comes (a pause stops the model too)."""
    partial = False
    posed = _PosesAhead(frames, backend) if ahead else None
    try:
        for frame, pose in posed if posed is not None else ((f, None) for f in frames):
            if control is not None and control.paused:
                control.idle(frame)
            else:
                _step(frame, pose if posed is not None else backend.process(frame), analysis, sinks, control)
            if _obey(control.command(frame) if control is not None else None, analysis, sinks):
                break
    except KeyboardInterrupt:
        partial = True
    finally:
        if posed is not None:
            posed.stop()
        _close(sinks)
    return partial


def _obey(command: Command | None, analysis: Analysis, sinks: Sequence[Sink]) -> bool:
    """Carry out what the person asked for; True: stop."""
    if command is Command.RESET:
        analysis.restart()
        for sink in sinks:
            sink.restart()
    elif command is Command.SWITCH_SIDE:
        analysis.interrupt()
    return command is Command.QUIT


def _step(frame: Frame, pose: Pose | None, analysis: Analysis, sinks: Sequence[Sink], control: Control | None) -> None:
    if control is None:
        state = analysis.step(frame, pose)
    else:
        gate = control.gate(frame, pose, analysis.shown_view == View.SIDE)
        state = analysis.step(frame, pose, gate.t, count=gate.count, set_up=gate.set_up)
    for sink in sinks:
        sink.add(state)


_DONE = object()


class _PosesAhead:
    """Frames and their poses, the model running in its own thread a small bounded queue ahead."""

    def __init__(self, frames: Iterable[Frame], backend: PoseBackend, depth: int = 2) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._halt = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(frames, backend), name="formcheck-pose", daemon=True)
        self._thread.start()

    def _run(self, frames: Iterable[Frame], backend: PoseBackend) -> None:
        try:
            for frame in frames:
                if self._halt.is_set() or not self._put((frame, backend.process(frame))):
                    return
        except BaseException as exc:  # handed to the analysis thread, which raises it
            self._error = exc
        finally:
            self._put(_DONE)

    def _put(self, item: object) -> bool:
        while not self._halt.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[tuple[Frame, Pose | None]]:
        while True:
            item = self._queue.get()
            if item is _DONE:
                if self._error is not None:
                    raise self._error
                return
            yield item  # type: ignore[misc]

    def stop(self) -> None:
        """Stop the model's thread (the run is over, or interrupted) and wait for it."""
        self._halt.set()
        self._thread.join()


def _close(sinks: Sequence[Sink]) -> None:
    """Close every sink even if one fails; the first failure is raised once all are closed."""
    error: BaseException | None = None
    for sink in sinks:
        try:
            sink.close()
        except BaseException as exc:
            error = error or exc
    if error is not None:
        raise error
