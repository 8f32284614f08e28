"""The HTML report of a whole routine: one self-contained file (as ``html.py``), a timeline of the
exercise blocks and, per block, its reps, holds and form faults with their cues.

No per-frame angle plots here: those are drawn for one exercise's targets (``--exercise``); a routine's
report says what was done when, and how each block went.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

from formcheck.analysis.program_check import ProgramCheck
from formcheck.definitions.vocabulary import Side
from formcheck.io.files import write_atomic
from formcheck.report.html import CSS, FAULT_COLOUR, HOLD_COLOUR, _figure, _fmt_s, _img, _png
from formcheck.report.routine_report import BlockReport, RoutineReport
from formcheck.version import __version__

BLOCK_COLOURS = ("#1f77b4", "#9467bd", "#8c564b", "#17becf", "#bcbd22", "#e377c2")  # one per exercise
BLOCK_ALPHA = 0.35  # light bars, so the rep ticks and hold spans drawn over them stand out


def write_routine_html(path: str | Path, report: RoutineReport, *, title: str = "") -> int:
    """Write the report to ``path`` (atomically); returns its size in bytes."""
    text = render_routine_html(report, title=title)
    write_atomic(Path(path), text)
    return len(text.encode())


def render_routine_html(report: RoutineReport, *, title: str = "") -> str:
    e = html.escape
    name = title or f"Routine: {len(report.blocks)} exercise block(s)"
    seen = 100 * report.frames_with_pose / report.frames if report.frames else 0.0
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(name)} - formcheck</title><style>{CSS}</style></head><body>",
        f"<h1>{e(name)}</h1>",
        f'<p class="meta">{e(report.video)} &middot; {report.duration_s:.1f} s, {report.frames} frames, person seen in '
        f"{seen:.0f}% &middot; analysed {e(time.strftime('%Y-%m-%d %H:%M'))} by formcheck "
        f"{e(__version__)}{' &middot; <b>PARTIAL</b>' if report.partial else ''}</p>",
    ]
    if report.program is not None:
        parts += _program_section(report.program)
    if not report.blocks:
        parts.append('<p class="warn">No exercise was recognised: no rep or hold of any definition was seen.</p>')
    else:
        parts += ["<h2>Timeline</h2>", _img(_timeline_png(report), "the exercise blocks over time")]
        parts.append(
            '<p class="meta">Bars: the exercise blocks (between them: rest and transitions). Ticks: reps; green '
            "spans: holds; orange: form faults.</p>"
        )
        parts += ["<h2>Blocks</h2>", _blocks_table(report.blocks)]
        for i, b in enumerate(report.blocks, 1):
            parts += [f"<h2>{i}. {e(b.exercise_title)}: {e(b.variant_title)}</h2>", _block_section(b)]
    if report.notes:
        parts += ["<h2>Notes</h2><ul>", *(f"<li>{e(n)}</li>" for n in report.notes), "</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts)


def _reps_text(b: BlockReport) -> str:
    reps = b.reps
    if not b.counts_reps:
        return "-"
    goal = f" / {b.reps_target[0]}" if b.reps_target else ""
    if Side.BOTH in reps:
        return f"{reps['both']}{goal}"
    return f"left {reps['left']}{goal}, right {reps['right']}{goal}"


def _blocks_table(blocks: list[BlockReport]) -> str:
    rows = []
    for i, b in enumerate(blocks, 1):
        holds = b.holds
        faults = sorted({f.code for f in b.faults})
        rows.append(
            f"<tr><td>{i}</td><td>{html.escape(b.exercise_title)}<br><small>{html.escape(b.variant_title)}</small>"
            f"</td><td>{b.side or '-'}</td><td>{b.start_s:.1f}-{b.end_s:.1f} s</td><td>{_reps_text(b)}</td>"
            f"<td>{len(holds)}{f', best {max(h.duration_s for h in holds):.1f} s' if holds else ''}</td>"
            f"<td>{html.escape(', '.join(faults)) if faults else '<span class=ok>none</span>'}</td></tr>"
        )
    return (
        "<table><tr><th>#</th><th>exercise</th><th>side</th><th>when</th><th>reps / target</th><th>holds</th>"
        "<th>faults</th></tr>" + "".join(rows) + "</table>"
    )


def _block_section(b: BlockReport) -> str:
    e = html.escape
    out = []
    if b.also_fits:
        out.append(f'<p class="warn">The movement fits {e(b.also_fits)} about as well.</p>')
    target = b.hold_target_s
    if b.holds:
        items = [
            f"<li>{h.side}: {h.start_s:.1f}-{h.end_s:.1f} s, <b>{h.duration_s:.1f} s</b> "
            + (
                "<span class=ok>(reached the target)</span>"
                if h.completed
                else f"<span class=short>(target {_fmt_s(target)})</span>"
            )
            + "</li>"
            for h in b.holds
        ]
        out += ["<p>Holds:</p><ul>", *items, "</ul>"]
    if b.faults:
        items = [
            f"<li><b>{e(f.message)}</b> ({e(f.code)}, {f.side or 'both'}, {f.start_s:.1f}-{f.end_s:.1f} s)</li>"
            for f in b.faults
        ]
        out += ["<p>Form:</p><ul>", *items, "</ul>"]
    else:
        out.append("<p class=ok>No form fault seen.</p>")
    return "\n".join(out)


def _timeline_png(report: RoutineReport) -> bytes:
    names = list(dict.fromkeys(b.exercise_title for b in report.blocks))
    fig = _figure(10.0, 0.55 * len(names) + 1.3)
    ax = fig.subplots()
    y_of = {n: len(names) - 1 - i for i, n in enumerate(names)}
    for b in report.blocks:
        y = y_of[b.exercise_title]
        colour = BLOCK_COLOURS[names.index(b.exercise_title) % len(BLOCK_COLOURS)]
        ax.barh(y, b.end_s - b.start_s, left=b.start_s, height=0.6, color=colour, alpha=BLOCK_ALPHA)
        for r in b.rep_events:
            ax.plot([r.end_s, r.end_s], [y - 0.3, y + 0.3], color=colour, lw=1.5)
        for h in b.holds:
            ax.barh(y - 0.22, h.end_s - h.start_s, left=h.start_s, height=0.12, color=HOLD_COLOUR)
        for f in b.faults:
            ax.barh(y + 0.22, max(f.end_s - f.start_s, 0.3), left=f.start_s, height=0.12, color=FAULT_COLOUR)
    ax.set_yticks(list(y_of.values()), list(y_of), fontsize=9)
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlim(0, max(report.duration_s, max(b.end_s for b in report.blocks)) * 1.02)
    ax.set_xlabel("time (s)")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _program_section(check: ProgramCheck) -> list[str]:
    """The routine against its program: per prescribed exercise, each set as done, side by side."""
    e = html.escape
    state = "complete" if check.complete else "not complete"
    rows = []
    for c in check.items:
        lines = c.lines()
        for i, line in enumerate(lines):
            head = (
                f'<td rowspan="{len(lines)}">{e(c.item.title)}<br><small>{e(c.item.dose)}</small></td>'
                if i == 0
                else ""
            )
            ok = i < len(c.sets) and c.sets[i].complete(c.item)
            rows.append(f'<tr>{head}<td class="{"ok" if ok else "short"}">{e(line)}</td></tr>')
    out = [
        f"<h2>Program: {e(check.program.name)} ({state})</h2>",
        f'<p class="meta">{e(check.program.path)}: {check.program.days_per_week} day(s) a week for '
        f"{check.program.weeks} week(s). The sets are the blocks below; coming back to a side starts the next set.</p>",
        "<table><tr><th>Prescribed</th><th>Done</th></tr>",
        *rows,
        "</table>",
    ]
    if check.unprescribed:
        out.append(f'<p class="meta">Not in the program: {e(", ".join(check.unprescribed))}</p>')
    return out
