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

TRANSITION_S = 1.5
HOLD_TOLERANCE_S = 1.0
REST = "rest"


def _label(segments: list[dict[str, Any]], t: float) -> str:
    for s in segments:
        if s["start_s"] <= t <= s["end_s"]:
            return str(s["exercise"])
    return REST


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    return max(0.0, min(a["end_s"], b["end_s"]) - max(a["start_s"], b["start_s"]))


def _reps(seg: dict[str, Any]) -> dict[str, int]:
    return {k: int(v) for k, v in seg.get("reps", {}).items() if v}


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


def evaluate_routine(report: dict[str, Any], truth: dict[str, Any]) -> RoutineEvaluation:
    """``report``: a routine report's dict (``RoutineReport.to_dict``); ``truth``: the routine's truth JSON."""
    true_segs: list[dict[str, Any]] = truth["segments"]
    found: list[dict[str, Any]] = report["segments"]
    fps = float(truth.get("fps") or report.get("fps") or 30.0)
    duration = float(truth.get("duration_s") or report["duration_s"])
    bounds = [t for s in true_segs for t in (s["start_s"], s["end_s"])]
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
        cands = [(i, f) for i, f in enumerate(found) if f["exercise"] == ts["exercise"] and _overlap(ts, f) > 0]
        if not cands:
            ev.blocks.append(BlockMatch(ts["exercise"], ts["variant"], None, None, None, False, "not found"))
            continue
        i, f = max(cands, key=lambda c: _overlap(ts, c[1]))
        used.add(i)
        reps_ok = _reps(ts) == _reps(f)
        th, fh = ts.get("holds", []), f.get("holds", [])
        holds_ok = len(th) == len(fh) and all(
            a["side"] == b["side"] and abs(a["duration_s"] - b["duration_s"]) <= HOLD_TOLERANCE_S
            for a, b in zip(sorted(th, key=lambda h: h["start_s"]), sorted(fh, key=lambda h: h["start_s"]))
        )
        detail = (
            "" if reps_ok and holds_ok else f"reps {_reps(f)} (truth {_reps(ts)}); holds {len(fh)} (truth {len(th)})"
        )
        ev.blocks.append(
            BlockMatch(
                ts["exercise"],
                ts["variant"],
                f["variant"],
                abs(f["start_s"] - ts["start_s"]),
                abs(f["end_s"] - ts["end_s"]),
                reps_ok and holds_ok and f["variant"] == ts["variant"],
                detail,
            )
        )
    ev.extra_blocks = [f"{f['exercise']}/{f['variant']}" for i, f in enumerate(found) if i not in used]
    return ev


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
