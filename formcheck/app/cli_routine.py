"""The CLI's whole-routine paths: ``analyze`` and ``live`` without ``--exercise``.

A routine's blocks are known only once it is over, so the outputs made for one exercise's targets (frame
CSV, targets) are not offered for it; an annotated video shows the exercise recognised so far, as live
coaching does, the HTML report gives a timeline and a section per block (``routinehtml``), and each block is
stored in the history as a session of its exercise. A batch names its
exercise. What is refused is refused before the model loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from formcheck.app.session_outputs import check_video_name, check_writable
from formcheck.errors import InterruptedRun, NoPoseError

if TYPE_CHECKING:
    from formcheck.analysis.routine import RoutineReport
    from formcheck.history.store import History

NOT_FOR_ROUTINES = "(not for a whole routine yet)"


def refuse_options(
    *,
    variant: str | None,
    csv: Path | None,
    targets: tuple[str, ...],
    batch: bool = False,
) -> None:
    """A usage error for an option a routine cannot have."""
    if batch:
        raise click.UsageError("a batch needs --exercise (a routine is recognised one video at a time)")
    if variant:
        raise click.UsageError("--variant needs --exercise")
    if csv or targets:
        raise click.UsageError(f"--csv and --target need --exercise {NOT_FOR_ROUTINES}")


def analyze(
    video: Path,
    json_path: Path | None,
    save_landmarks: Path | None,
    out: Path | None,
    html: Path | None,
    *,
    model_complexity: int,
    model_path: Path | None,
    poses_dir: Path | None,
    quiet: bool,
    history_path: Path | None,
    no_history: bool,
) -> None:
    """``formcheck analyze VIDEO`` without --exercise: one recording of a whole routine, cut into blocks."""
    from formcheck.analysis.routine import RoutineReport
    from formcheck.app.api import analyze_video
    from formcheck.app.session_outputs import video_started_at
    from formcheck.definitions.loader import load_exercises

    load_exercises(poses_dir)  # a malformed poses/ fails before the model loads
    json_path = json_path or Path(f"{video.stem}.formcheck.json")
    check_writable(json_path, save_landmarks, out, html)
    check_video_name(out)
    history = open_history(history_path, no_history)
    report = analyze_video(
        video,
        None,
        poses_dir=poses_dir,
        model_complexity=model_complexity,
        model_path=model_path,
        annotate_to=out,
        save_landmarks=save_landmarks,
        progress=None,
    )
    assert isinstance(report, RoutineReport)
    started = video_started_at(video, report.duration_s)
    finish(
        report,
        json_path,
        out,
        quiet,
        "interrupted: partial report written to",
        html=html,
        history=history,
        kind="analyze",
        started_at=started,
    )
    if report.frames_with_pose == 0:
        raise NoPoseError(f"no person detected in any of the {report.frames} frames of {video} (report written)")


def open_history(history_path: Path | None, no_history: bool) -> History | None:
    """The history the blocks go to (opened, so a bad path fails before the model loads), or None."""
    from formcheck.history.store import History, default_history_path

    if no_history and history_path is not None:
        raise click.UsageError("--history and --no-history contradict each other")
    return None if no_history else History(history_path or default_history_path())


def finish(
    report: RoutineReport,
    json_path: Path,
    out: Path | None,
    quiet: bool,
    cut_short: str,
    *,
    history: History | None,
    kind: str,
    started_at: float | None,
    html: Path | None = None,
) -> None:
    """Write the report, store each block in the history (not a recording cut short by ``analyze``: it is
    not a session done), print the summary, and fail with ``cut_short`` when it was interrupted."""
    report.write_json(json_path)
    lines = []
    if html is not None:
        from formcheck.report.routine_html import write_routine_html

        write_routine_html(html, report)
        lines.append(f"  HTML report: {html}")
    if history is not None:
        try:
            if not (report.partial and kind == "analyze"):
                ids = [
                    history.record(
                        block,
                        kind="routine",
                        started_at=None if started_at is None else started_at + block["routine_block"]["start_s"],
                    )
                    for block in report.block_reports()
                ]
                if ids:
                    lines.append(f"  History: sessions {', '.join(map(str, ids))} in {history.path}")
        finally:
            history.close()
    if not quiet:
        click.echo(report.summary())
        click.echo(f"  Report: {json_path}" + (f"\n  Annotated video: {out}" if out else ""))
        for line in lines:
            click.echo(line)
    if report.partial:
        raise InterruptedRun(f"{cut_short} {json_path}")
