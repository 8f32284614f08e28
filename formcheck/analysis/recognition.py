"""Which exercise a routine's person is doing: the blocks at the end, and (live) the exercise to show as it goes.

A routine runs a ``Session`` of every exercise at once (the same engines ``--exercise`` runs, so a block's
counts are theirs). At the end its findings are cut into blocks (``blocks.py``). Live, whenever an engine's
reps or holds change, the blocks so far are chosen as at the end (a hold under way counting as far as it has
gone, and a rep held at the top past its hold's minimum, if it would count), and the latest one's engine is
shown (its counts, gauges and cues) once that choice has stood ``LIVE_CONFIRM_S``; each change is a
``Switch``. The blocks reported are still chosen at the end, from all the evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from formcheck.analysis.blocks import Block, candidate_blocks, choose_blocks, with_movements
from formcheck.analysis.session import FrameResult, Session
from formcheck.definitions.schema import Exercise, Variant

SWITCH_SHOWN_S = 4.0  # how long "Now: <exercise>" stays on screen after the exercise changes
WAITING = "Routine: do an exercise, it will be recognised"  # the panel's title until the first block
LIVE_CONFIRM_S = 0.5  # a new choice is shown once the evidence has said so this long
LIVE_RECHOOSE_S = 1.0  # a hold under way is re-weighed this often (reps and holds ending, at once)


@dataclass(frozen=True)
class Switch:
    """The exercise on screen changed (live): at ``t`` the blocks so far say this one is being done."""

    t: float
    exercise: Exercise
    variant: Variant

    @property
    def text(self) -> str:
        return f"Now: {self.exercise.title} - {self.variant.title}"


def panel(
    exercise: Exercise, variant: Variant, t: float, switch: Switch | None, routine: bool
) -> tuple[str, str | None]:
    """What the display's panel says at ``t`` (live and an annotated video alike): the title, and the switch
    banner while a change of exercise is recent (a routine; before its first block, that it is waiting)."""
    title = f"{exercise.title}: {variant.title}"
    if not routine:
        return title, None
    if switch is None:
        return WAITING, None
    return title, switch.text if t - switch.t <= SWITCH_SHOWN_S else None


class Recogniser:
    """Follows a session of every exercise frame by frame; ``live``: chooses the engine it shows."""

    def __init__(self, session: Session, live: bool = False) -> None:
        self._session = session
        self._live = live
        self._engines = session.all_engines()
        self._evidence: list[tuple[int, int, bool]] = []
        self._rechoose_t = -math.inf
        self._pending: tuple[tuple[str, str], float] | None = None  # a choice not shown yet, since when
        self.switches: list[Switch] = []
        self.blocks_so_far: list[Block] = []  # live: the blocks the evidence so far makes (latest choice)
        self.blocks_version = 0  # counts the choices, so that what is worked out from them is not redone
        self._t: list[float] = []
        self._speed: list[float] = []  # the fastest measured joint's speed per frame (deg/s; NaN: no leg seen)

    def update(self, t: float, fr: FrameResult) -> None:
        """The session has taken the frame at ``t`` (its result ``fr``)."""
        if fr.features.t == t and (not self._t or t > self._t[-1]):  # a frame the session kept
            speeds = [max(abs(lg.hip_speed), abs(lg.knee_speed)) for lg in fr.features.legs if lg.known]
            self._t.append(t)
            self._speed.append(max(speeds) if speeds else math.nan)
            if self._live:
                self._recognise(t)

    @property
    def current(self) -> Switch | None:
        """What is on screen now (None: nothing recognised yet)."""
        return self.switches[-1] if self.switches else None

    def _recognise(self, t: float) -> None:
        evidence = [eng.evidence(t) for _, eng in self._engines]
        if evidence == self._evidence and t < self._rechoose_t:
            return
        self._evidence, self._rechoose_t = evidence, t + LIVE_RECHOOSE_S
        last = self._latest_block(t, under_way=True)
        shown = self._session.shown
        if last is not None and shown is not None and last.exercise.name == shown[0]:
            # Another variant of the exercise on screen takes over on finished reps only: a rep held at the top
            # is early evidence of a new exercise, but between variants of one it makes the screen flicker
            # (a quick bridge reaching its top reads as a held bridge until it comes down).
            last = self._latest_block(t, under_way=False)
        if last is not None:
            self._choose(t, last)

    def _choose(self, t: float, last: Block) -> None:
        key = (last.exercise.name, last.variant.name)
        if key == self._session.shown:
            self._pending = None
            return
        if self._pending is None or self._pending[0] != key:
            # a new choice is shown once it has stood for a moment: the next rep ending can overturn it
            self._pending = (key, t)
            self._rechoose_t = min(self._rechoose_t, t + LIVE_CONFIRM_S)
            return
        if t - self._pending[1] < LIVE_CONFIRM_S:
            return
        self._pending = None
        self._session.shown = key  # shown from the next frame on
        self.switches.append(Switch(t, last.exercise, last.variant))

    def _latest_block(self, t: float, under_way: bool) -> Block | None:
        """The latest of the blocks the evidence so far makes (chosen as at the end)."""
        cands = [b for ex, eng in self._engines for b in candidate_blocks(ex, eng.variant, eng.so_far(t, under_way))]
        self.blocks_so_far = sorted(choose_blocks(cands), key=lambda b: b.start_s)
        self.blocks_version += 1
        return max(self.blocks_so_far, key=lambda b: b.end_s, default=None)

    def finish(self) -> list[Block]:
        """The blocks, from all the evidence (the session is finished here too)."""
        candidates = [b for ex, v, res in self._session.all_results() for b in candidate_blocks(ex, v, res)]
        return with_movements(choose_blocks(candidates), self._t, self._speed)
