"""What the clinician export reads from the history: a program's sessions in a date range, its adherence over
the weeks the range touches, and per prescribed exercise its blocks (range of motion, reps, holds) and faults.

The range selects sessions by their local day, both ends included. Adherence is shown for whole program weeks:
every week the range overlaps, with all of its sessions (a week is prescribed whole).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from formcheck.definitions.program import Program
from formcheck.history.adherence import adherence, week_one
from formcheck.history.programs import BlockRow
from formcheck.history.store import History
from formcheck.report.program_export import BlockFigures, ExerciseTrend, ExportData, ExportError


def export_data(
    store: History | None, program: Program, first: dt.date | None, last: dt.date | None, today: dt.date
) -> ExportData:
    """The export's figures from ``first`` (default: week 1's first day) to ``last`` (default: ``today``);
    ``ExportError`` when the history has nothing for the program in the range."""
    rows = store.program_sessions(program.name) if store is not None else []
    if not rows:
        where = f" in {store.path}" if store is not None else " (there is no history yet)"
        raise ExportError(f"no session done with the program {program.name!r}{where}")
    first = first or week_one(program, rows) or today
    last = last or today
    in_range = [r for r in rows if first <= r.started_at.date() <= last]
    if not in_range:
        span = f"{rows[0].started_at:%Y-%m-%d} to {rows[-1].started_at:%Y-%m-%d}"
        raise ExportError(
            f"no session done with the program {program.name!r} from {first.isoformat()} to {last.isoformat()} "
            f"(its sessions run from {span})"
        )
    a = adherence(program, rows, today, between=(first, last))
    blocks = store.program_blocks([r.id for r in in_range]) if store is not None else []
    exercises = []
    for item, figures in zip(program.items, a.items):
        mine = [b for b in blocks if item.matches(b.exercise, b.variant)]
        trend = tuple(_figures(b) for b in mine)
        exercises.append(ExerciseTrend(item.title, item.dose, figures, trend, most_seen(b.faults for b in mine)))
    faults = most_seen(b.faults for b in blocks if program.item_for(b.exercise, b.variant) is not None)
    return ExportData(a, first, last, today, len(in_range), tuple(exercises), faults)


def most_seen(faults: Iterable[Iterable[tuple[str, str]]]) -> tuple[tuple[str, str, int], ...]:
    """(code, message, times), the most seen first (then by code)."""
    counts = Counter(f for block in faults for f in block)
    return tuple((c, m, n) for (c, m), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _figures(b: BlockRow) -> BlockFigures:
    r = b.report
    rom: Mapping[str, Any] = r.get("range_of_motion") or {}
    return BlockFigures(
        b.started_at,
        {leg: _span(rom.get(leg), "hip") for leg in ("left", "right")},
        {leg: _span(rom.get(leg), "knee") for leg in ("left", "right")},
        sum((r.get("reps") or {}).values()),
        tuple(h["duration_s"] for h in r.get("holds") or []),
        len(b.faults),
    )


def _span(leg: Mapping[str, Any] | None, joint: str) -> float | None:
    """The width of a leg's range of motion at a joint (None: that leg was not seen long enough)."""
    if not leg or not leg.get(joint):
        return None
    low, high = leg[joint]
    return float(high - low)
