"""``formcheck history`` and ``formcheck progress``: the stored sessions as a list, and as a trend per day
(reps, hold time, range of motion) in a table and a plot."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from formcheck.definitions.schema import Exercise
from formcheck.definitions.vocabulary import Side
from formcheck.errors import FormcheckError
from formcheck.history.store import DayRow, History, SessionRow, default_history_path

PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def open_history(path: Path | None) -> Any:
    """The history to read, or a null context when there is none yet (reading creates nothing)."""
    path = path or default_history_path()
    return History(path) if path.exists() else contextlib.nullcontext()


def sessions_text(exercise: str | None, limit: int, history_path: Path | None) -> str:
    """``formcheck history``: ``exercise`` a name from the catalogue (None: every exercise)."""
    with open_history(history_path) as store:
        return sessions_table(store.sessions(exercise, limit) if store else [])


def trend(ex: Exercise, variant: str | None, history_path: Path | None) -> tuple[str, str, list[DayRow]]:
    """``formcheck progress``: the plot's title, the table and the days (an error if there are none to plot)."""
    v = ex.variant(variant) if variant else None
    with open_history(history_path) as store:
        days = store.daily(ex.name, v.name if v else None) if store else []
    title = f"{ex.title}{f': {v.title}' if v else ''} - progress"
    return title, days_table(days), days


def sessions_table(rows: Sequence[SessionRow]) -> str:
    """One line per session, newest first."""
    if not rows:
        return "No sessions recorded."
    head = f"{'id':>5}  {'started':<16}  {'kind':<7}  {'exercise / variant':<40}  {'length':>6}  "
    head += f"{'reps':<13}  {'best hold':>9}  {'faults':>6}  {'hip ROM':>7}  video"
    lines = [head]
    for r in rows:
        if not r.recognised:
            reps = "not recognised"
        elif Side.BOTH in r.reps:
            reps = f"{r.reps['both']}"
        else:
            reps = f"L {r.reps.get('left', 0)}  R {r.reps.get('right', 0)}"
        lines.append(
            f"{r.id:>5}  {r.started_at:%Y-%m-%d %H:%M}  {r.kind:<7}  {f'{r.exercise} / {r.variant}':<40}  "
            f"{r.duration_s:>5.0f}s  {reps:<13}  {_s(r.best_hold_s):>9}  {r.faults:>6}  {_deg(r.rom_hip_deg):>7}  "
            f"{Path(r.video).name}"
        )
    return "\n".join(lines)


def days_table(days: Sequence[DayRow]) -> str:
    """The trend, a line per day."""
    if not days:
        return "No recognised sessions of this exercise yet."
    lines = [f"{'day':<10}  {'sessions':>8}  {'reps':>5}  {'best hold':>9}  {'mean hold':>9}  {'hip ROM':>7}"]
    for d in days:
        lines.append(
            f"{d.day:<10}  {d.sessions:>8}  {d.reps:>5}  {_s(d.best_hold_s):>9}  {_s(d.mean_hold_s):>9}  "
            f"{_deg(d.rom_hip_deg):>7}"
        )
    return "\n".join(lines)


def plot_days(days: Sequence[DayRow], path: str | Path, title: str) -> None:
    """Reps, hold time and hip range of motion per day, one panel each (PNG, SVG or PDF by the name)."""
    if not days:
        raise FormcheckError("nothing to plot: no recognised sessions of this exercise in the history")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    x = [date.fromisoformat(d.day) for d in days]
    fig = Figure(figsize=(8.0, 7.0), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax_reps, ax_hold, ax_rom = fig.subplots(3, 1, sharex=True)
    ax_reps.bar(x, [d.reps for d in days], color="#1f77b4", width=0.6)
    ax_reps.set_ylabel("reps")
    ax_hold.plot(x, [_nan(d.best_hold_s) for d in days], "o-", color="#2ca02c", label="best")
    ax_hold.plot(x, [_nan(d.mean_hold_s) for d in days], "s--", color="#98df8a", label="mean")
    ax_hold.set_ylabel("hold (s)")
    ax_hold.legend(loc="upper left", fontsize=8)
    ax_rom.plot(x, [_nan(d.rom_hip_deg) for d in days], "o-", color="#d62728")
    ax_rom.set_ylabel("hip range (deg)")
    for ax in (ax_reps, ax_hold, ax_rom):
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)  # a trend read against zero, not magnified
    locator = AutoDateLocator()
    ax_rom.xaxis.set_major_locator(locator)
    ax_rom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    fig.suptitle(title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")  # written whole or not at all, as the reports
    fig.savefig(tmp, format=path.suffix.lstrip(".").lower())
    tmp.replace(path)


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f} s"


def _deg(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}°"


def _nan(x: float | None) -> float:
    return float("nan") if x is None else x
