"""What a session writes besides its JSON report, shared by ``analyze`` and ``live``: the HTML report, the
frame CSV, the session history, and the per-user targets it is counted against.

Everything that can fail is checked before the analysis starts (``prepare``): the targets parse, the history
opens (created or migrated), and the CLI has probed the output paths.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from formcheck.errors import FormcheckError

if TYPE_CHECKING:  # imported when used: `formcheck --help` stays fast
    from formcheck.analysis.frame_record import Trace
    from formcheck.definitions.schema import Exercise
    from formcheck.definitions.targets import TargetPlan
    from formcheck.history.store import History
    from formcheck.report.exercise_report import Report


def history_option(f: Any) -> Any:
    return click.option(
        "--history",
        "history_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The session history database (default: $FORMCHECK_HISTORY, else in the user's data directory).",
    )(f)


def session_options(f: Any) -> Any:
    """--html, --csv, --target, --history and --no-history."""
    f = click.option("--no-history", is_flag=True, help="Do not store this session in the history.")(f)
    f = history_option(f)
    f = click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="KEY=VALUE",
        help="Your own target, over the exercise's: reps=12 (or reps=10-15), hold=45 (seconds). Repeatable.",
    )(f)
    f = click.option(
        "--csv",
        "csv_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write every frame's timestamp, visibility, angles and engine state to a CSV file.",
    )(f)
    return click.option(
        "--html",
        "html_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write a self-contained HTML report (plots, summary table, still frames of the faults).",
    )(f)


@dataclass
class SessionOutputs:
    html: Path | None
    csv: Path | None
    history: History | None
    plan: TargetPlan

    def trace(self) -> Trace:
        """A recorder keeping what the asked outputs need: per-frame rows for either, landmarks for HTML."""
        from formcheck.analysis.frame_record import Trace

        return Trace(frames=self.csv is not None, poses=self.html is not None)

    def finish(
        self,
        report: Report,
        trace: Trace,
        *,
        video: str | Path | None,
        kind: str,
        started_at: float | None,
    ) -> list[str]:
        """Write the outputs of a finished session; returns a line per file written, for the summary."""
        lines = []
        if trace.result is not None and self.csv is not None:
            trace.result.write_csv(self.csv)
            lines.append(f"  Frames: {self.csv}")
        if trace.result is not None and self.html is not None:
            from formcheck.report.html import write_html

            write_html(self.html, report, trace.result, video)
            lines.append(f"  HTML report: {self.html}")
        if self.history is not None:
            try:
                sid = self.history.record(report.to_dict(), kind=kind, started_at=started_at)
            finally:
                self.history.close()
            lines.append(f"  History: session {sid} in {self.history.path}")
        return lines

    def close(self) -> None:
        if self.history is not None:
            self.history.close()


def prepare(
    ex: Exercise,
    variant: str | None,
    poses_dir: Path | None,
    *,
    html: Path | None,
    csv: Path | None,
    targets: tuple[str, ...],
    history_path: Path | None,
    no_history: bool,
) -> tuple[Exercise, SessionOutputs]:
    """The exercise with the person's targets in it, and the outputs ready to be written."""
    from formcheck.definitions.loader import load_exercises
    from formcheck.definitions.targets import plan_targets
    from formcheck.history.store import History, default_history_path

    if no_history and history_path is not None:
        raise click.UsageError("--history and --no-history contradict each other")
    plan = plan_targets(ex, load_exercises(poses_dir), targets, variant=variant)
    history = None if no_history else History(history_path or default_history_path())
    return plan.apply(ex), SessionOutputs(html, csv, history, plan)


def video_started_at(video: str | Path, duration_s: float) -> float | None:
    """When a recording was made, as well as a file tells: its modification time (the end of the recording)
    less its duration. None when the file cannot be looked at."""
    try:
        return os.stat(video).st_mtime - duration_s
    except OSError:
        return None


def check_writable(*paths: Path | None) -> None:
    """Fail now, not after minutes of analysis, when an output cannot be written: create (and remove) a file
    beside each one (permission bits alone say nothing to root or on a read-only file system)."""
    import tempfile

    for path in paths:
        if path is None:
            continue
        if path.is_dir():
            raise FormcheckError(f"cannot write {path}: it is a directory")
        parent = path.parent if str(path.parent) else Path(".")
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent  # missing folders are created when the output is written
        if not parent.is_dir():
            raise FormcheckError(f"cannot write {path}: {parent} is not a folder")
        try:
            with tempfile.NamedTemporaryFile(dir=parent, prefix=".formcheck-probe-"):
                pass
            if path.exists():
                with open(path, "ab"):
                    pass
        except OSError as exc:
            raise FormcheckError(f"cannot write {path}: {exc.strerror or exc}") from None


VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi", ".mkv")


def check_video_name(path: Path | None) -> None:
    """The annotated video's container comes from its name: one OpenCV cannot write fails now, not later."""
    if path is not None and path.suffix.lower() not in VIDEO_SUFFIXES:
        raise FormcheckError(f"cannot write annotated video {path}: name it {' or '.join(VIDEO_SUFFIXES)}")
