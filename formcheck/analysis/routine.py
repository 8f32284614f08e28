"""A whole routine in one recording, broken into blocks without naming the exercise.

Every exercise's engines run over the whole recording (the same engines ``--exercise`` runs, so a block's
counts are theirs); every counted rep and timed hold is evidence of its variant at its time. Evidence of
one variant close in time forms a candidate block, scored like ``events.Fit`` (seconds explained less the
seconds of faults in them). The blocks kept are the set that do not overlap and explain the most time
(weighted interval scheduling); everything outside them is rest or a transition. An exercise added to
``poses/`` is recognised with no code: its engines give evidence like the others'.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from formcheck.analysis.session import TIE_RATIO, FrameResult, Session
from formcheck.definitions.schema import Exercise, Variant
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent, VariantResult
from formcheck.engine.variant_engine import SETTLE_DPS
from formcheck.pose.landmarks import Pose
from formcheck.report.exercise_report import write_atomic
from formcheck.version import __version__

GAP_S = 8.0  # evidence of one variant further apart than this is two blocks (a rest, another exercise between)
MIN_EXPLAINED_S = 2.0  # a block explains at least this much time: one stray "rep" in a transition is not a block
REST = "rest"
# A hold block's evidence is the time in position; getting into it and back out belong to the block too.
MOVE_SEARCH_S = 0.5  # the movement into (out of) the position is looked for this close to the hold's start (end)
MOVE_MAX_S = 3.0  # and no longer than this is added
MOVE_GAP_S = 0.3  # legs unmeasured for longer than this end the search
MOVE_PEAK_FRACTION = 0.4  # a movement is over where the joints slow below this share of its peak speed


@dataclass(frozen=True)
class Block:
    """One exercise block: a variant's findings inside [start_s, end_s]."""

    exercise: Exercise
    variant: Variant
    start_s: float
    end_s: float
    result: VariantResult
    score: float
    also_fits: str | None = None  # another exercise's variant explaining the same time about as well

    @property
    def side(self) -> str | None:
        """The side worked in the block: left, right, both (legs together, or both sides in turn), or None."""
        sides = {e.side for e in self.result.rep_events} | {h.side for h in self.result.holds}
        if not sides:
            return None
        return sides.pop() if len(sides) == 1 else "both"

    @property
    def label(self) -> str:
        return f"{self.exercise.name}/{self.variant.name}"


def _spans(v: Variant, res: VariantResult) -> list[tuple[float, float]]:
    if v.reps is not None:
        return [(e.start_s, e.end_s) for e in res.rep_events]
    return [(h.start_s, h.end_s) for h in res.holds]


def _within(res: VariantResult, start: float, end: float) -> VariantResult:
    """The part of a variant's findings that falls in [start, end]."""
    reps = [e for e in res.rep_events if start <= e.start_s and e.end_s <= end]
    holds = [h for h in res.holds if start <= h.start_s and h.end_s <= end]
    faults = [f for f in res.faults if f.start_s < end and f.end_s > start]
    counts = dict.fromkeys(res.reps, 0)
    for e in reps:
        counts[e.side] = counts.get(e.side, 0) + 1
    rejected = [r for r in res.rejected if start <= r[1] <= end]
    return VariantResult(res.variant, counts, reps, holds, faults, [], res.fit, rejected)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def candidate_blocks(ex: Exercise, v: Variant, res: VariantResult, gap_s: float = GAP_S) -> list[Block]:
    """A variant's evidence grouped into blocks wherever it pauses longer than ``gap_s``."""
    spans = sorted(_spans(v, res))
    groups: list[list[tuple[float, float]]] = []
    for span in spans:
        if groups and span[0] - groups[-1][-1][1] <= gap_s:
            groups[-1].append(span)
        else:
            groups.append([span])
    blocks = []
    for group in groups:
        start, end = group[0][0], max(b for _, b in group)
        part = _within(res, start, end)
        explained = sum(b - a for a, b in group)
        fault_s = sum(_overlap((f.start_s, f.end_s), span) for f in part.faults for span in group)
        # as Fit.fits: the variant's own movements, not an odd one out among cycles that were not its reps
        if explained >= MIN_EXPLAINED_S and len(group) >= len(part.rejected) / 2:
            blocks.append(Block(ex, v, start, end, part, explained - fault_s))
    return blocks


def choose_blocks(candidates: list[Block]) -> list[Block]:
    """The non-overlapping blocks that explain the most time (weighted interval scheduling), in time order,
    each told which other exercise's block over the same time fits about as well."""
    cands = sorted(candidates, key=lambda b: b.end_s)
    ends = [b.end_s for b in cands]
    best = [0.0] * (len(cands) + 1)  # best[i]: the most explained with the first i candidates
    take = [False] * len(cands)
    for i, b in enumerate(cands):
        j = bisect.bisect_right(ends, b.start_s, 0, i)  # candidates ending before this one starts
        with_it = best[j] + b.score
        take[i] = with_it > best[i]
        best[i + 1] = with_it if take[i] else best[i]
    chosen: list[Block] = []
    i = len(cands) - 1
    while i >= 0:
        if take[i]:
            chosen.append(cands[i])
            i = bisect.bisect_right(ends, cands[i].start_s, 0, i) - 1
        else:
            i -= 1
    chosen.reverse()
    out = []
    for b in chosen:
        rivals = [
            c
            for c in cands
            if c.exercise.name != b.exercise.name
            and _overlap((c.start_s, c.end_s), (b.start_s, b.end_s)) >= 0.5 * (b.end_s - b.start_s)
            and c.score >= TIE_RATIO * b.score
        ]
        also = max(rivals, key=lambda c: c.score, default=None)
        out.append(Block(b.exercise, b.variant, b.start_s, b.end_s, b.result, b.score, _title(also) if also else None))
    return out


def _title(b: Block) -> str:
    return f"{b.exercise.title}: {b.variant.title}"


def _movement_edge(ts: Sequence[float], speed: Sequence[float], t0: float, step: int) -> float:
    """Where the movement adjoining ``t0`` began (``step`` -1: looking back) or ended (+1: looking on): the
    joints' speed rises above ``SETTLE_DPS`` within ``MOVE_SEARCH_S`` of ``t0`` and the movement lasts until it
    falls below ``MOVE_PEAK_FRACTION`` of its peak (a pause between two movements ends it as well as
    stillness does). ``t0`` itself when no movement adjoins it."""
    i = bisect.bisect_left(ts, t0)
    if step < 0:
        i = min(i, len(ts) - 1)
    i = max(0, min(i, len(ts) - 1))
    edge, peak, moving = t0, 0.0, False
    while 0 <= i < len(ts) and abs(ts[i] - t0) <= MOVE_MAX_S:
        v = speed[i]
        if math.isnan(v):  # a leg unmeasured for a moment does not end the movement; longer, it does
            if abs(ts[i] - edge) > MOVE_GAP_S:
                break
            i += step
            continue
        if not moving:
            if v >= SETTLE_DPS:
                moving = True
            elif abs(ts[i] - t0) > MOVE_SEARCH_S:
                break
        if moving:
            peak = max(peak, v)
            if v < max(SETTLE_DPS, MOVE_PEAK_FRACTION * peak):
                break
            edge = ts[i]
        i += step
    return edge


def with_movements(blocks: list[Block], ts: Sequence[float], speed: Sequence[float]) -> list[Block]:
    """Hold blocks widened to the movement into the first hold and out of the last (never into a neighbour):
    the block is the exercise, the hold only the time in position. Rep blocks are left as they are (a rep
    starts as the leg leaves its rest)."""
    out: list[Block] = []
    for i, b in enumerate(blocks):
        if b.variant.reps is not None or not ts:
            out.append(b)
            continue
        lo = out[-1].end_s if out else -math.inf
        hi = blocks[i + 1].start_s if i + 1 < len(blocks) else math.inf
        start = max(lo, _movement_edge(ts, speed, b.start_s, -1))
        end = min(hi, _movement_edge(ts, speed, b.end_s, +1))
        out.append(replace(b, start_s=start, end_s=end))
    return out


def label_at(blocks: list[Block], t: float) -> str:
    """What the person was doing at ``t``: "exercise/variant" of the block there, or "rest"."""
    for b in blocks:
        if b.start_s <= t <= b.end_s:
            return b.label
    return REST


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


class RoutineSession:
    """Frame by frame like ``Session``, for every exercise at once; ``finish`` cuts the recording into blocks.

    ``live``: also recognise the exercise while it is done, for the display: whenever an engine's reps or
    holds change, the blocks so far are chosen as at the end (a hold under way counting as far as it has
    gone, and a rep held at the top past its hold's minimum, if it would count), and the latest one's engine
    is shown (its counts, gauges and cues) once that choice has stood ``LIVE_CONFIRM_S``; each change is a
    ``Switch``. The blocks reported are still chosen at the end, from all the evidence."""

    def __init__(self, exercises: Iterable[Exercise], live: bool = False) -> None:
        exs = list(exercises)
        if not exs:
            raise ValueError("no exercises to recognise")
        self.exercises = exs
        self._session = Session(exs[0], None, others=exs[1:])
        self._live = live
        self._engines = self._session.all_engines()
        self._evidence: list[tuple[int, int, bool]] = []
        self._rechoose_t = -math.inf
        self._pending: tuple[tuple[str, str], float] | None = None  # a choice not shown yet, since when
        self.switches: list[Switch] = []
        self._t: list[float] = []
        self._speed: list[float] = []  # the fastest measured joint's speed per frame (deg/s; NaN: no leg seen)

    @property
    def session(self) -> Session:
        """The session the frames go through (its counts and times are the routine's)."""
        return self._session

    def update(self, t: float, pose: Pose | None, cut: bool = False) -> FrameResult:
        fr = self._session.update(t, pose, cut)
        if fr.features.t == t and (not self._t or t > self._t[-1]):  # a frame the session kept
            speeds = [max(abs(lg.hip_speed), abs(lg.knee_speed)) for lg in fr.features.legs if lg.known]
            self._t.append(t)
            self._speed.append(max(speeds) if speeds else math.nan)
            if self._live:
                self._recognise(t)
        return fr

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
        if last is None:
            return
        key = (last.exercise.name, last.variant.name)
        if key == shown:
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
        return max(choose_blocks(cands), key=lambda b: b.end_s, default=None)

    def interrupt(self, end_holds: bool = True) -> None:
        self._session.interrupt(end_holds)

    def finish(self) -> tuple[list[Block], Session]:
        """The blocks, and the session (its frame counts and times) for the report."""
        candidates = [b for ex, v, res in self._session.all_results() for b in candidate_blocks(ex, v, res)]
        return with_movements(choose_blocks(candidates), self._t, self._speed), self._session


def _event_dicts(events: Iterable[RepEvent | HoldEvent | FaultEvent], **extra: Any) -> list[dict[str, Any]]:
    return [{**asdict(e), **extra} for e in events]


@dataclass
class RoutineReport:
    """A routine's report: the JSON contract's fields over the whole recording (every block's reps, holds and
    faults, each tagged with its exercise) and ``segments``, one per block."""

    video: str
    duration_s: float
    frames: int
    frames_with_pose: int
    blocks: list[Block]
    fps: float = 0.0
    width: int = 0
    height: int = 0
    backend: str = ""
    partial: bool = False
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_session(
        cls,
        blocks: list[Block],
        session: Session,
        *,
        video: str,
        fps: float,
        size: tuple[int, int],
        backend: str,
        partial: bool = False,
        notes: list[str] | None = None,
    ) -> RoutineReport:
        first = session.first_t or 0.0
        duration = session.last_t - first + (1.0 / fps if fps > 0 and session.frames else 0.0)
        out_notes = list(notes or [])
        if not blocks:
            out_notes.append("no exercise recognised: no rep or hold of any definition in poses/ was seen")
        for b in blocks:
            if b.also_fits:
                out_notes.append(
                    f"{b.start_s:.1f}-{b.end_s:.1f} s: the movement fits {b.also_fits} about as well as "
                    f"{_title(b)}; give --exercise to choose"
                )
        return cls(
            video=video,
            duration_s=max(0.0, duration),
            frames=session.frames,
            frames_with_pose=session.frames_with_pose,
            blocks=blocks,
            fps=fps,
            width=size[0],
            height=size[1],
            backend=backend,
            partial=partial,
            notes=out_notes,
        )

    def segment_dicts(self) -> list[dict[str, Any]]:
        out = []
        for b in self.blocks:
            v = b.variant
            out.append(
                {
                    "exercise": b.exercise.name,
                    "variant": v.name,
                    "exercise_title": b.exercise.title,
                    "variant_title": v.title,
                    "side": b.side,
                    "start_s": round(b.start_s, 3),
                    "end_s": round(b.end_s, 3),
                    "reps": dict(b.result.reps),
                    "rep_events": _event_dicts(b.result.rep_events),
                    "holds": _event_dicts(b.result.holds),
                    "faults": _event_dicts(b.result.faults),
                    "reps_target": v.reps_target,
                    "hold_target_s": v.hold.target_s if v.hold is not None else None,
                    "also_fits": b.also_fits,
                }
            )
        return out

    def block_reports(self) -> list[dict[str, Any]]:
        """Each block as a one-exercise report's dict with the fields the history keeps (a routine's blocks
        are sessions of their exercises: ``formcheck progress`` follows them too). Times stay on the
        recording's timeline; ``routine_block`` says where the block was."""
        out = []
        for seg in self.segment_dicts():
            out.append(
                {
                    "exercise": seg["exercise"],
                    "variant": seg["variant"],
                    "video": self.video,
                    "duration_s": round(seg["end_s"] - seg["start_s"], 3),
                    "reps": seg["reps"],
                    "rep_events": seg["rep_events"],
                    "holds": seg["holds"],
                    "faults": seg["faults"],
                    "reps_target": seg["reps_target"],
                    "hold_target_s": seg["hold_target_s"],
                    "undetermined": None,
                    "routine_block": {"start_s": seg["start_s"], "end_s": seg["end_s"]},
                    "partial": self.partial,
                    "formcheck_version": __version__,
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        reps = {"left": 0, "right": 0}
        for b in self.blocks:
            for side, n in b.result.reps.items():
                reps[side] = reps.get(side, 0) + n
        return {
            "routine": True,
            "exercise": None,
            "variant": None,
            "duration_s": round(self.duration_s, 3),
            "frames": self.frames,
            "frames_with_pose": self.frames_with_pose,
            "reps": reps,
            "holds": [h for b in self.blocks for h in _event_dicts(b.result.holds, exercise=b.exercise.name)],
            "faults": [f for b in self.blocks for f in _event_dicts(b.result.faults, exercise=b.exercise.name)],
            "segments": self.segment_dicts(),
            "video": self.video,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "backend": self.backend,
            "partial": self.partial,
            "pose_coverage": round(self.frames_with_pose / self.frames, 4) if self.frames else 0.0,
            "notes": self.notes,
            "formcheck_version": __version__,
        }

    def write_json(self, path: str | Path) -> None:
        """Atomic, as ``Report.write_json``."""
        write_atomic(Path(path), json.dumps(self.to_dict(), indent=2) + "\n")

    def summary(self) -> str:
        seen = 100 * self.frames_with_pose / self.frames if self.frames else 0.0
        lines = [
            f"Routine - {len(self.blocks)} block(s) recognised",
            f"  {self.video}: {self.duration_s:.1f} s, {self.frames} frames, person seen in {seen:.0f}% of frames"
            + (" [PARTIAL]" if self.partial else ""),
        ]
        for i, b in enumerate(self.blocks, 1):
            r = b.result
            what = []
            if b.variant.reps is not None:
                what.append(
                    f"reps {r.reps['both']}"
                    if "both" in r.reps
                    else f"reps left {r.reps['left']}, right {r.reps['right']}"
                )
            if r.holds:
                what.append("holds " + ", ".join(f"{h.side} {h.duration_s:.0f} s" for h in r.holds))
            faults = sorted({f.code for f in r.faults})
            what.append(f"faults: {', '.join(faults)}" if faults else "no faults")
            side = f" ({b.side})" if b.side else ""
            lines.append(
                f"  {i}. {b.start_s:6.1f}-{b.end_s:6.1f} s  {b.exercise.title} - {b.variant.title}{side}: "
                + "; ".join(what)
            )
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)
