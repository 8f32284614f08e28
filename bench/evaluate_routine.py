"""How a routine's report compares with its truth (a rendered routine's ``segments``).

- frame-level exercise accuracy: at every frame time, the exercise of the block there (or rest) against the
  truth's, leaving out the frames within ``TRANSITION_S`` of a true boundary (getting down, standing up:
  when a block starts is a matter of definition there);
- boundary error: each true segment matched with the reported block of the same exercise it overlaps most,
  the differences of their starts and ends;
- per-block counts: reps per side and holds (count, and duration within ``HOLD_TOLERANCE_S``) of each
  matched pair, as exact as with ``--exercise`` given.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from formcheck.report.routine_report import BlockReport, RoutineReport

TRANSITION_S = 1.5
HOLD_TOLERANCE_S = 1.0
REST = "rest"


@dataclass(frozen=True)
class Segment:
    """An exercise block, true (the truth's ``segments``) or found (a ``BlockReport``), as they are compared."""

    exercise: str
    variant: str
    start_s: float
    end_s: float
    reps: dict[str, int]  # sides with reps only
    holds: tuple[tuple[str, float, float], ...]  # (side, start_s, duration_s)

    @classmethod
    def of_truth(cls, seg: dict[str, Any]) -> Segment:
        holds = tuple((h["side"], h["start_s"], h["duration_s"]) for h in seg.get("holds", []))
        reps = {k: int(v) for k, v in seg.get("reps", {}).items() if v}
        return cls(seg["exercise"], seg["variant"], seg["start_s"], seg["end_s"], reps, holds)

    @classmethod
    def of_block(cls, b: BlockReport) -> Segment:
        holds = tuple((h.side, h.start_s, h.duration_s) for h in b.holds)
        return cls(b.exercise, b.variant, b.start_s, b.end_s, {k: v for k, v in b.reps.items() if v}, holds)


def _label(segments: list[Segment], t: float) -> str:
    for s in segments:
        if s.start_s <= t <= s.end_s:
            return s.exercise
    return REST


def _overlap(a: Segment, b: Segment) -> float:
    return max(0.0, min(a.end_s, b.end_s) - max(a.start_s, b.start_s))


@dataclass
class BlockMatch:
    exercise: str
    variant_true: str
    variant_found: str | None
    start_error_s: float | None
    end_error_s: float | None
    counts_right: bool
    detail: str = ""


@dataclass
class RoutineEvaluation:
    frames_scored: int
    frames_right: int
    blocks: list[BlockMatch] = field(default_factory=list)
    extra_blocks: list[str] = field(default_factory=list)  # reported blocks matching no true segment

    @property
    def frame_accuracy(self) -> float:
        return self.frames_right / self.frames_scored if self.frames_scored else 0.0

    @property
    def boundary_errors(self) -> list[float]:
        return [e for b in self.blocks for e in (b.start_error_s, b.end_error_s) if e is not None]

    @property
    def worst_boundary_s(self) -> float | None:
        errs = self.boundary_errors
        return max(errs) if errs else None

    @property
    def median_boundary_s(self) -> float | None:
        errs = self.boundary_errors
        return statistics.median(errs) if errs else None

    @property
    def counts_right(self) -> int:
        return sum(b.counts_right for b in self.blocks)

    def line(self) -> str:
        worst = self.worst_boundary_s
        med = self.median_boundary_s
        return (
            f"frames {100 * self.frame_accuracy:.1f}% right ({self.frames_right}/{self.frames_scored}); "
            f"boundaries median {med if med is not None else float('nan'):.2f} s, worst "
            f"{worst if worst is not None else float('nan'):.2f} s; blocks with exact counts "
            f"{self.counts_right}/{len(self.blocks)}"
            + (f"; extra blocks {self.extra_blocks}" if self.extra_blocks else "")
        )


def evaluate_routine(report: RoutineReport, truth: dict[str, Any]) -> RoutineEvaluation:
    """``report``: a routine's report; ``truth``: the routine's truth JSON."""
    true_segs = [Segment.of_truth(s) for s in truth["segments"]]
    found = [Segment.of_block(b) for b in report.blocks]
    fps = float(truth.get("fps") or report.fps or 30.0)
    duration = float(truth.get("duration_s") or report.duration_s)
    bounds = [t for s in true_segs for t in (s.start_s, s.end_s)]
    scored = right = 0
    for i in range(int(duration * fps)):
        t = i / fps
        if any(abs(t - b) < TRANSITION_S for b in bounds):
            continue
        scored += 1
        right += _label(true_segs, t) == _label(found, t)
    ev = RoutineEvaluation(scored, right)
    used: set[int] = set()
    for ts in true_segs:
        cands = [(i, f) for i, f in enumerate(found) if f.exercise == ts.exercise and _overlap(ts, f) > 0]
        if not cands:
            ev.blocks.append(BlockMatch(ts.exercise, ts.variant, None, None, None, False, "not found"))
            continue
        i, f = max(cands, key=lambda c: _overlap(ts, c[1]))
        used.add(i)
        ev.blocks.append(_match(ts, f))
    ev.extra_blocks = [f"{f.exercise}/{f.variant}" for i, f in enumerate(found) if i not in used]
    return ev


def _match(ts: Segment, f: Segment) -> BlockMatch:
    reps_ok = ts.reps == f.reps
    th, fh = sorted(ts.holds, key=lambda h: h[1]), sorted(f.holds, key=lambda h: h[1])
    holds_ok = len(th) == len(fh) and all(a[0] == b[0] and abs(a[2] - b[2]) <= HOLD_TOLERANCE_S for a, b in zip(th, fh))
    detail = "" if reps_ok and holds_ok else f"reps {f.reps} (truth {ts.reps}); holds {len(fh)} (truth {len(th)})"
    return BlockMatch(
        ts.exercise,
        ts.variant,
        f.variant,
        abs(f.start_s - ts.start_s),
        abs(f.end_s - ts.end_s),
        reps_ok and holds_ok and f.variant == ts.variant,
        detail,
    )


@dataclass
class SwitchEvaluation:
    """Live recognition of a routine: what was on screen, against the truth's segments."""

    in_order: bool  # the exercises shown, in turn, are the truth's segments' (no wrong one shown between)
    delays_s: list[float | None]  # per true segment: from its start to its exercise being shown (None: never)

    def line(self) -> str:
        got = [d for d in self.delays_s if d is not None]
        worst = f"{max(got):.1f} s" if got else "n/a"
        return (
            f"live: exercises shown {'in the right order' if self.in_order else 'NOT in order'}; shown "
            f"{len(got)}/{len(self.delays_s)} blocks, after median "
            f"{statistics.median(got) if got else float('nan'):.1f} s, worst {worst}"
        )


def evaluate_switches(switches: list[tuple[float, str]], truth: dict[str, Any]) -> SwitchEvaluation:
    """``switches``: (time, exercise name) each time the exercise on screen changed."""
    segs = truth["segments"]
    shown = [ex for _, ex in switches]
    in_order = shown == [s["exercise"] for s in segs]
    delays: list[float | None] = []
    for s in segs:
        t = next((t for t, ex in switches if ex == s["exercise"] and s["start_s"] - 1.0 <= t <= s["end_s"]), None)
        delays.append(None if t is None else round(t - s["start_s"], 2))
    return SwitchEvaluation(in_order, delays)
