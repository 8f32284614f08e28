"""A routine's exercise blocks, as pure functions of the engines' findings.

Every counted rep and timed hold is evidence of its variant at its time. Evidence of one variant close in time
forms a candidate block, scored like ``Fit`` (seconds explained less the seconds of faults in them). The
blocks kept are the set that do not overlap and explain the most time (weighted interval scheduling);
everything outside them is rest or a transition. A hold block is widened to the movement into its first hold
and out of its last, found from the joints' speed.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from formcheck.definitions.schema import Exercise, Variant
from formcheck.definitions.vocabulary import Side
from formcheck.engine.findings import TIE_RATIO, VariantResult, explains, overlap_s
from formcheck.engine.variant_engine import SETTLE_DPS

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
        return sides.pop() if len(sides) == 1 else Side.BOTH

    @property
    def label(self) -> str:
        return f"{self.exercise.name}/{self.variant.name}"

    @property
    def title(self) -> str:
        return f"{self.exercise.title}: {self.variant.title}"


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
    rejected = [r for r in res.rejected if start <= r.start_s <= end]
    return VariantResult(res.variant, counts, reps, holds, faults, [], res.fit, rejected)


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
        fault_s = sum(overlap_s((f.start_s, f.end_s), span) for f in part.faults for span in group)
        if explains(explained, len(group), len(part.rejected), MIN_EXPLAINED_S):
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
    return [replace(b, also_fits=_rival(b, cands)) for b in chosen]


def _rival(b: Block, cands: list[Block]) -> str | None:
    """Another exercise's candidate over most of the same time that explains it about as well."""
    rivals = [
        c
        for c in cands
        if c.exercise.name != b.exercise.name
        and overlap_s((c.start_s, c.end_s), (b.start_s, b.end_s)) >= 0.5 * (b.end_s - b.start_s)
        and c.score >= TIE_RATIO * b.score
    ]
    also = max(rivals, key=lambda c: c.score, default=None)
    return also.title if also is not None else None


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
