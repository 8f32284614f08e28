"""The clinician export: one self-contained HTML page (or a PDF of it) on a program over a date range - the
program as prescribed, adherence per week, and per exercise its reps and holds, the range-of-motion trend and
the faults seen most.

Like the session report, everything is inside the file (styles, charts as base64 PNG; no script, nothing
fetched), so it opens offline and can be mailed. The PDF is that page printed by headless Chromium. The figures
come from the history (``history/adherence.py`` and ``history/clinician.py``); this module only shows them.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from formcheck.definitions.program import Program
from formcheck.errors import FormcheckError
from formcheck.io.files import write_atomic
from formcheck.version import __version__

NOT_YET, THIS_WEEK = "not yet", "this week"
DONE_COLOUR, PRESCRIBED_COLOUR, SETS_COLOUR = "#1f77b4", "#c7c7c7", "#2ca02c"
LEG_COLOURS = {"left": "#1f77b4", "right": "#ff7f0e"}
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PDF_TIMEOUT_S = 120

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
h1 { font-size: 23px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; }
h3 { font-size: 16px; margin: 20px 0 4px; } .meta { color: #555; }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 4px 10px; border-bottom: 1px solid #e4e4e4;
  text-align: left; vertical-align: top; } th { background: #f4f4f4; } tr.total td { font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .later { color: #999; }
img.plot { width: 100%; max-width: 900px; display: block; }
@media print { h2, h3 { break-after: avoid; } img.plot, table { break-inside: avoid; } }
"""


class ExportError(FormcheckError):
    """The export cannot be made (nothing for the program in the range, no Chromium for the PDF)."""


@dataclass(frozen=True)
class Figures:
    """Done against prescribed over some days: a week, the weeks so far, or one exercise over them."""

    days: int = 0
    days_prescribed: int = 0
    days_complete: int = 0  # days every exercise (or this one) had all its sets complete
    sessions: int = 0
    sets: int = 0
    sets_prescribed: int = 0
    reps: int = 0
    reps_prescribed: int = 0
    holds: int = 0  # holds reaching the prescribed time
    holds_prescribed: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Week:
    number: int
    first_day: dt.date
    last_day: dt.date
    status: str  # "" (past), THIS_WEEK or NOT_YET
    figures: Figures


@dataclass(frozen=True)
class Adherence:
    program: Program
    start: dt.date | None  # week 1's first day (None: nothing done yet and no start given)
    weeks: tuple[Week, ...]
    total: Figures  # over the weeks begun
    items: tuple[Figures, ...]  # per program item, over the weeks begun
    outside: int = 0  # sessions before week 1 or after the last week
    other_versions: int = 0  # sessions done with another version of the file

    def notes(self) -> list[str]:
        out = []
        if self.outside:
            out.append(f"{self.outside} session(s) fall outside the program's {self.program.weeks} week(s)")
        if self.other_versions:
            out.append(
                f"{self.other_versions} session(s) were done with another version of {self.program.path} "
                "(counted with what they were checked against then)"
            )
        return out


@dataclass(frozen=True)
class BlockFigures:
    """One block (a set or sets of one exercise in a session), as the trend shows it."""

    when: dt.datetime
    hip_rom: dict[str, float | None]  # per leg: the span of hip angles (degrees)
    knee_rom: dict[str, float | None]
    reps: int
    holds_s: tuple[float, ...]
    faults: int


@dataclass(frozen=True)
class ExerciseTrend:
    title: str
    dose: str
    figures: Figures  # over the weeks shown
    blocks: tuple[BlockFigures, ...]
    faults: tuple[tuple[str, str, int], ...]  # (code, message, times), most seen first

    @property
    def holds_s(self) -> list[float]:
        return [h for b in self.blocks for h in b.holds_s]


@dataclass(frozen=True)
class ExportData:
    adherence: Adherence
    first: dt.date
    last: dt.date
    today: dt.date
    sessions: int  # program sessions in the range
    exercises: tuple[ExerciseTrend, ...]
    faults: tuple[tuple[str, str, int], ...] = field(default=())  # over every exercise, most seen first


def write_export(path: str | Path, data: ExportData) -> int:
    """Write the page to ``path`` (atomically); returns its size in bytes."""
    text = render_export(data)
    write_atomic(Path(path), text)
    return len(text.encode())


def render_export(data: ExportData) -> str:
    e = html.escape
    a, p = data.adherence, data.adherence.program
    title = f"{p.name}: {data.first.isoformat()} to {data.last.isoformat()}"
    out = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)} - formcheck</title>'
        f"<style>{CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">{data.sessions} session(s) done with the program in the range. Made by formcheck '
        f"{e(__version__)} on {data.today.isoformat()} from the session history; program file {e(p.path)} "
        f"(digest {e(p.digest)}).</p>",
        "<h2>The program as prescribed</h2>",
        _prescription(p, a.start),
        "<h2>Adherence per week</h2>",
        _adherence_table(a),
        _img(_png(adherence_figure(a)), "Sessions done against prescribed per week, and sets complete"),
        "<h2>Per exercise</h2>",
    ]
    for ex in data.exercises:
        out += _exercise(ex)
    out += ["<h2>Faults seen most</h2>", _faults_table(data.faults)]
    notes = a.notes()
    if notes:
        out += ["<h2>Notes</h2><ul>", *(f"<li>{e(n)}</li>" for n in notes), "</ul>"]
    out.append("</body></html>")
    return "\n".join(out)


def _prescription(p: Program, start: dt.date | None) -> str:
    e = html.escape
    rows = "".join(f"<tr><td>{i}</td><td>{e(it.title)}</td><td>{e(it.dose)}</td></tr>" for i, it in enumerate(p, 1))
    when = f", week 1 from {start.isoformat()}" if start else ""
    notes = f"<p>Notes: {e(p.notes)}</p>" if p.notes else ""
    return (
        f"<table><tr><th></th><th>exercise</th><th>sets</th></tr>{rows}</table>"
        f"<p>{p.days_per_week} day(s) a week for {p.weeks} week(s){when}.</p>{notes}"
    )


def _adherence_table(a: Adherence) -> str:
    head = "<tr><th>week</th><th>dates</th><th>days</th><th>complete days</th><th>sets complete</th>"
    head += "<th>reps</th><th>holds reached</th></tr>"
    rows = []
    for w in a.weeks:
        dates = f"{w.first_day:%Y-%m-%d} to {w.last_day:%Y-%m-%d}"
        if w.status == NOT_YET:
            rows.append(f'<tr class="later"><td>{w.number}</td><td>{dates}</td><td colspan="5">not yet</td></tr>')
        else:
            now = " (this week)" if w.status == THIS_WEEK else ""
            rows.append(f"<tr><td>{w.number}{now}</td><td>{dates}</td>{_cells(w.figures)}</tr>")
    if any(w.status != NOT_YET for w in a.weeks):
        rows.append(f'<tr class="total"><td>total</td><td>weeks begun</td>{_cells(a.total)}</tr>')
    return f'<table id="adherence">{head}{"".join(rows)}</table>'


def _cells(f: Figures) -> str:
    return (
        f'<td class="num">{f.days} of {f.days_prescribed}</td><td class="num">{f.days_complete}</td>'
        f'<td class="num">{_of(f.sets, f.sets_prescribed)}</td><td class="num">{_of(f.reps, f.reps_prescribed)}</td>'
        f'<td class="num">{_of(f.holds, f.holds_prescribed)}</td>'
    )


def _of(done: int, prescribed: int) -> str:
    return "-" if prescribed == 0 else f"{done} of {prescribed} ({100 * done / prescribed:.0f}%)"


def _exercise(ex: ExerciseTrend) -> list[str]:
    e, f = html.escape, ex.figures
    holds = ex.holds_s
    best = f"{max(holds):.1f} s" if holds else "-"
    mean = f"{sum(holds) / len(holds):.1f} s" if holds else "-"
    out = [
        f"<h3>{e(ex.title)} ({e(ex.dose)})</h3>",
        "<table><tr><th>days done</th><th>sets complete</th><th>reps</th><th>holds reached</th>"
        "<th>best hold</th><th>mean hold</th></tr>"
        f'<tr><td class="num">{f.days}</td><td class="num">{_of(f.sets, f.sets_prescribed)}</td>'
        f'<td class="num">{_of(f.reps, f.reps_prescribed)}</td><td class="num">{_of(f.holds, f.holds_prescribed)}</td>'
        f'<td class="num">{best}</td><td class="num">{mean}</td></tr></table>',
    ]
    if not ex.blocks:
        return [*out, "<p>Not done in the range.</p>"]
    out.append(_img(_png(_rom_figure(ex)), f"Range of motion of {ex.title}, session by session"))
    reps, holds = f.reps_prescribed > 0, f.holds_prescribed > 0  # the columns the exercise has
    head = "".join(f"<th>{j} range {leg[0].upper()}</th>" for j in ("hip", "knee") for leg in LEG_COLOURS)
    head += ("<th>reps</th>" if reps else "") + ("<th>best hold</th>" if holds else "") + "<th>faults</th>"
    rows = "".join(
        f"<tr><td>{b.when:%Y-%m-%d %H:%M}</td>"
        + "".join(f'<td class="num">{_deg(r.get(leg))}</td>' for r in (b.hip_rom, b.knee_rom) for leg in LEG_COLOURS)
        + (f'<td class="num">{b.reps}</td>' if reps else "")
        + (f'<td class="num">{_hold(b.holds_s)}</td>' if holds else "")
        + f'<td class="num">{b.faults}</td></tr>'
        for b in ex.blocks
    )
    out.append(f"<table><tr><th>session</th>{head}</tr>{rows}</table>")
    if ex.faults:
        out += ["<p>Faults seen most:</p>", _faults_table(ex.faults)]
    return out


def _faults_table(faults: Sequence[tuple[str, str, int]]) -> str:
    if not faults:
        return "<p>No form fault seen in the range.</p>"
    e = html.escape
    rows = "".join(f'<tr><td>{e(c)}</td><td>{e(m)}</td><td class="num">{n}</td></tr>' for c, m, n in faults)
    return f"<table><tr><th>fault</th><th>cue</th><th>times</th></tr>{rows}</table>"


def _deg(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}°"


def _hold(holds: Sequence[float]) -> str:
    return f"{max(holds):.1f} s" if holds else "-"


def _img(png: bytes, alt: str) -> str:
    return f'<img class="plot" alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def adherence_figure(a: Adherence) -> Any:
    """Two panels per week: days with a session against the days prescribed, and the share of sets complete
    (weeks not begun drawn as their prescription only). A matplotlib ``Figure``."""
    from matplotlib.ticker import MaxNLocator

    fig = _figure(8.0, 5.5)
    ax_days, ax_sets = fig.subplots(2, 1, sharex=True)
    x = [w.number for w in a.weeks]
    begun = [w.status != NOT_YET for w in a.weeks]
    ax_days.bar([n - 0.2 for n in x], [w.figures.days_prescribed for w in a.weeks], 0.4, color=PRESCRIBED_COLOUR)
    ax_days.bar([n + 0.2 for n in x], [w.figures.days for w in a.weeks], 0.4, color=DONE_COLOUR)
    ax_days.legend(["prescribed", "done"], loc="upper left", fontsize=8)
    ax_days.set_ylabel("days with a session")
    ax_days.yaxis.set_major_locator(MaxNLocator(integer=True))
    pct = [100 * w.figures.sets / w.figures.sets_prescribed if w.figures.sets_prescribed else 0.0 for w in a.weeks]
    ax_sets.bar(x, [p if b else 0.0 for p, b in zip(pct, begun)], 0.6, color=SETS_COLOUR)
    for n, b in zip(x, begun):
        if not b:
            ax_sets.text(n, 4, NOT_YET, ha="center", fontsize=8, color="#777")
    ax_sets.set_ylim(0, 105)
    ax_sets.set_ylabel("sets complete (%)")
    ax_sets.set_xlabel("week")
    ax_sets.set_xticks(x)
    for ax in (ax_days, ax_sets):
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"{a.program.name} - adherence")
    return fig


def _rom_figure(ex: ExerciseTrend) -> Any:
    fig = _figure(8.0, 3.0)
    ax = fig.subplots()
    x = [b.when for b in ex.blocks]
    for leg, colour in LEG_COLOURS.items():
        hip = [_nan(b.hip_rom.get(leg)) for b in ex.blocks]
        knee = [_nan(b.knee_rom.get(leg)) for b in ex.blocks]
        ax.plot(x, hip, "o-", color=colour, label=f"hip, {leg}")
        ax.plot(x, knee, "s--", color=colour, alpha=0.6, label=f"knee, {leg}")
    ax.set_ylabel("range of motion (deg)")
    ax.set_ylim(bottom=0)  # read against zero, not magnified
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8, ncol=4)
    fig.autofmt_xdate()
    return fig


def _nan(x: float | None) -> float:
    return float("nan") if x is None else x


def print_pdf(page: Path, pdf: Path) -> None:
    """Print the HTML ``page`` to ``pdf`` with headless Chromium (an ``ExportError`` without one)."""
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        raise ExportError(
            f"cannot write {pdf}: the PDF is printed by Chromium, which was not found "
            f"(apt-get install chromium); the HTML report {page} was written"
        )
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory() as profile:  # a profile of its own: several exports may run at once
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",  # root in CI
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            page.resolve().as_uri(),
        ]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=PDF_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExportError(f"cannot write {pdf}: Chromium failed ({exc})") from None
    if not tmp.exists() or tmp.read_bytes()[:5] != b"%PDF-":
        tmp.unlink(missing_ok=True)
        last = (res.stderr.strip().splitlines() or ["no output"])[-1]
        raise ExportError(f"cannot write {pdf}: Chromium printed no PDF ({last})")
    tmp.replace(pdf)
