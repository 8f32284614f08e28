"""Adherence to a program, week by week: days with a session against the days a week prescribed, sets complete,
reps done and holds reaching their time against the prescription, from the program sessions in the history.

Pure functions of the program and the stored sessions (their dates and their comparison with the program), so
that they can be checked on simulated days. The rules:

- The sessions are those done with a program of the same **name**, whatever version of its file: a physio who
  raises the reps in week 3 edits the file, and it is still the same program. Each session's figures are the
  ones it was checked against when it was done; what is prescribed is the current file's.
- Week 1 starts on the program's ``start``, else on the day of the first session done with it; week N covers
  the 7 days from ``start + 7 (N - 1)``. Sessions before week 1 or after the last week are left out (counted).
- Per day, an exercise's sets, reps and holds are summed over the day's sessions (a program split into a morning
  and an evening session counts whole) and capped at one day's prescription; per week at ``days_per_week``
  days' worth. A day counts as complete when every exercise has all its sets complete that day.
- A week not begun yet is ``not yet``; the week under way is ``this week``; the total is over the weeks begun.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from formcheck.definitions.program import Item, Program
from formcheck.errors import FormcheckError
from formcheck.report.program_export import (
    NOT_YET,
    THIS_WEEK,
    Adherence,
    Figures,
    Week,
    adherence_figure,
)


class DoneSession(Protocol):
    """What adherence reads of a program session (a ``ProgramSessionRow``)."""

    @property
    def started_at(self) -> dt.datetime: ...  # local time

    @property
    def digest(self) -> str: ...

    @property
    def check(self) -> Mapping[str, Any]: ...  # ProgramCheck.to_dict


def week_one(program: Program, sessions: Sequence[DoneSession]) -> dt.date | None:
    """The first day of week 1: the program's start, else the day of its first session (None: none yet)."""
    if program.start is not None:
        return program.start
    return min((s.started_at.date() for s in sessions), default=None)


def per_day(item: Item) -> Figures:
    """One day's prescription of one exercise (the days fields left at zero)."""
    legs = len(item.sides.legs)
    holds = (item.reps or 1) * item.sets * legs if item.hold_s is not None else 0
    reps = (item.reps or 0) * item.sets * legs
    return Figures(sets_prescribed=item.sets, reps_prescribed=reps, holds_prescribed=holds)


def _stored(item: Item, check: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The item's entry in a stored comparison (matched by exercise and variant)."""
    want = item.to_dict()
    for entry in check.get("items") or []:
        if entry.get("exercise") == want["exercise"] and entry.get("variant") == want["variant"]:
            return entry
    return None


def item_day(item: Item, checks: Sequence[Mapping[str, Any]]) -> Figures:
    """One exercise on one day: its figures summed over the day's sessions, capped at the day's prescription."""
    p = per_day(item)
    entries = [e for e in (_stored(item, c) for c in checks) if e is not None]
    sets = min(p.sets_prescribed, sum(int(e.get("sets_complete", 0)) for e in entries))
    return Figures(
        days=int(bool(entries)),
        days_complete=int(sets >= p.sets_prescribed),
        sets=sets,
        sets_prescribed=p.sets_prescribed,
        reps=min(p.reps_prescribed, sum(int(e.get("reps_done", 0)) for e in entries)),
        reps_prescribed=p.reps_prescribed,
        holds=min(p.holds_prescribed, sum(int(e.get("holds_reached", 0)) for e in entries)),
        holds_prescribed=p.holds_prescribed,
    )


def item_week(item: Item, days: Sequence[Sequence[Mapping[str, Any]]], days_per_week: int) -> Figures:
    """One exercise over a week's days (each a list of that day's checks), capped at ``days_per_week`` days."""
    p = per_day(item)
    done = sum((item_day(item, d) for d in days), Figures())
    return Figures(
        days=done.days,
        days_complete=done.days_complete,
        sets=min(done.sets, p.sets_prescribed * days_per_week),
        sets_prescribed=p.sets_prescribed * days_per_week,
        reps=min(done.reps, p.reps_prescribed * days_per_week),
        reps_prescribed=p.reps_prescribed * days_per_week,
        holds=min(done.holds, p.holds_prescribed * days_per_week),
        holds_prescribed=p.holds_prescribed * days_per_week,
    )


def _by_day(sessions: Sequence[DoneSession]) -> dict[dt.date, list[DoneSession]]:
    by_day: dict[dt.date, list[DoneSession]] = {}
    for s in sessions:
        by_day.setdefault(s.started_at.date(), []).append(s)
    return by_day


def _week(
    program: Program, n: int, start: dt.date, by_day: Mapping[dt.date, list[DoneSession]], today: dt.date
) -> tuple[Week, list[Figures]]:
    """Week ``n``: its figures, and each exercise's figures that week."""
    first = start + dt.timedelta(days=7 * (n - 1))
    last = first + dt.timedelta(days=6)
    status = NOT_YET if first > today else THIS_WEEK if last >= today else ""
    checks = [[s.check for s in by_day[d]] for d in sorted(by_day) if first <= d <= last]
    items = [item_week(it, checks, program.days_per_week) for it in program.items]
    complete_days = sum(all(item_day(it, c).days_complete for it in program.items) for c in checks)
    # the sets, reps and holds of every exercise; the days are the week's own
    figures = replace(
        sum(items, Figures()),
        days=len(checks),
        days_prescribed=program.days_per_week,
        days_complete=complete_days,
        sessions=sum(len(c) for c in checks),
    )
    return Week(n, first, last, status, figures), items


def _overlaps(week_first: dt.date, between: tuple[dt.date, dt.date] | None) -> bool:
    if between is None:
        return True
    return not (week_first + dt.timedelta(days=6) < between[0] or week_first > between[1])


def adherence(
    program: Program,
    sessions: Sequence[DoneSession],
    today: dt.date,
    *,
    between: tuple[dt.date, dt.date] | None = None,
) -> Adherence:
    """The program's weeks (those overlapping ``between``, if given) with their figures, and the totals over
    the weeks begun (overall and per exercise)."""
    start = week_one(program, sessions)
    if start is None:
        return Adherence(program, None, (), Figures(), tuple(Figures() for _ in program.items))
    end = start + dt.timedelta(days=7 * program.weeks - 1)
    by_day = _by_day(sessions)
    outside = sum(len(v) for d, v in by_day.items() if not start <= d <= end)
    weeks, item_totals = [], [Figures() for _ in program.items]
    for n in range(1, program.weeks + 1):
        if not _overlaps(start + dt.timedelta(days=7 * (n - 1)), between):
            continue
        week, items = _week(program, n, start, by_day, today)
        weeks.append(week)
        if week.status != NOT_YET:
            item_totals = [t + f for t, f in zip(item_totals, items)]
    total = sum((w.figures for w in weeks if w.status != NOT_YET), Figures())
    other = sum(s.digest != program.digest for s in sessions)
    return Adherence(program, start, tuple(weeks), total, tuple(item_totals), outside, other)


def adherence_text(a: Adherence) -> str:
    """``formcheck progress --program``: the schedule, a line per week, the total."""
    p = a.program
    head = f"{p.name}: {p.days_per_week} day(s) a week for {p.weeks} week(s)"
    if a.start is None:
        return f"{head}\nNo session done with this program yet (week 1 starts with the first one)."
    since = "the program's start" if p.start is not None else "the first session done with it"
    lines = [f"{head}; week 1 from {a.start.isoformat()} ({since})", _row("week", "dates", *COLUMNS)]
    for w in a.weeks:
        dates = f"{w.first_day:%Y-%m-%d}..{w.last_day:%m-%d}"
        if w.status == NOT_YET:
            lines.append(_row(str(w.number), dates, NOT_YET))
            continue
        label = f"{w.number}" + (" (now)" if w.status == THIS_WEEK else "")
        lines.append(_row(label, dates, *_cells(w.figures)))
    begun = [w.number for w in a.weeks if w.status != NOT_YET]
    if begun:
        span = f"weeks 1-{begun[-1]}" if len(begun) > 1 else "week 1"
        lines.append(_row("total", span, *_cells(a.total)))
    lines += [f"Note: {n}" for n in a.notes()]
    return "\n".join(lines)


COLUMNS = ("days", "complete days", "sets complete", "reps", "holds reached")


def _cells(f: Figures) -> tuple[str, ...]:
    return (
        f"{f.days} of {f.days_prescribed}",
        f"{f.days_complete}",
        _of(f.sets, f.sets_prescribed),
        _of(f.reps, f.reps_prescribed),
        _of(f.holds, f.holds_prescribed),
    )


def _of(done: int, prescribed: int) -> str:
    return "-" if prescribed == 0 else f"{done}/{prescribed} {100 * done / prescribed:3.0f}%"


def _row(week: str, dates: str, *cells: str) -> str:
    widths = (9, 13, 15, 15, 15)
    return f"{week:<9} {dates:<18} " + " ".join(f"{c:<{w}}" for c, w in zip(cells, widths)).rstrip()


def program_progress(program: Program, history_path: Path | None, today: dt.date | None = None) -> Adherence:
    """``formcheck progress --program``: the program's adherence from the history (nothing done: no weeks)."""
    from formcheck.history.progress import open_history

    with open_history(history_path) as store:
        rows = store.program_sessions(program.name) if store else []
    return adherence(program, rows, today or dt.date.today())


def plot_adherence(a: Adherence, path: str | Path) -> None:
    """Sessions done against prescribed per week, and the share of sets complete (PNG, SVG or PDF by name)."""
    if a.start is None:
        raise FormcheckError(f"nothing to plot: no session done with the program {a.program.name!r} in the history")
    fig = adherence_figure(a)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")  # written whole or not at all, as the reports
    fig.savefig(tmp, format=path.suffix.lstrip(".").lower())
    tmp.replace(path)
