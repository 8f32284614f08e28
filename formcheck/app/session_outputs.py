"""What a session writes, shared by ``analyze``, ``live`` and a batch: the JSON report, the HTML report, the
frame CSV, the history, and the per-user targets it is counted against.

Everything that can fail is checked before the analysis starts (``prepare``): the options fit together (a
routine has no frame CSV or targets yet), the targets parse, the history opens (created or migrated).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from formcheck.analysis.frame_record import FrameRecord
from formcheck.app.api import Plan
from formcheck.definitions.loader import Catalogue
from formcheck.errors import InterruptedRun, NoPoseError
from formcheck.history.store import History, default_history_path, kept_in_history
from formcheck.report.build import AnyReport
from formcheck.report.exercise_report import Report

NOT_FOR_ROUTINES = "(not for a whole routine yet)"


@dataclass(frozen=True)
class Request:
    """What the person asked for, as the command line gave it."""

    exercise: str | None
    variant: str | None = None
    html: Path | None = None
    csv: Path | None = None
    targets: tuple[str, ...] = ()
    history_path: Path | None = None
    no_history: bool = False
    batch: bool = False
    program: Path | None = None

    @classmethod
    def of_options(cls, o: Mapping[str, Any]) -> Request:
        """The request ``analyze`` and ``live`` make of their shared options."""
        return cls(
            o["exercise"],
            o["variant"],
            o["html_path"],
            o["csv_path"],
            o["targets"],
            o["history_path"],
            o["no_history"],
            program=o["program_path"],
        )


def check_request(req: Request) -> None:
    """Usage errors: options that contradict each other or need an exercise named."""
    if req.no_history and req.history_path is not None:
        raise click.UsageError("--history and --no-history contradict each other")
    if req.program is not None:
        if req.exercise is not None or req.variant is not None:
            raise click.UsageError("--program compares a whole routine with the program: leave out --exercise")
        if req.targets:
            raise click.UsageError("--program sets the targets: leave out --target (or edit the program)")
        if req.batch:
            raise click.UsageError("--program is for one video at a time")
    if req.exercise is not None:
        return
    if req.batch:
        raise click.UsageError("a batch needs --exercise (a routine is recognised one video at a time)")
    if req.csv or req.targets:
        raise click.UsageError(f"--csv and --target need --exercise {NOT_FOR_ROUTINES}")


def open_history(history_path: Path | None, no_history: bool) -> History | None:
    """The history a session goes to (opened now, so a bad path fails before the model loads), or None."""
    return None if no_history else History(history_path or default_history_path())


@dataclass
class SessionOutputs:
    html: Path | None
    csv: Path | None
    history: History | None

    def record(self, plan: Plan) -> FrameRecord | None:
        """A frame record keeping what the asked outputs need (rows for either, the landmarks for HTML)."""
        if plan.exercise is None or (self.csv is None and self.html is None):
            return None
        return FrameRecord(plan.exercise, poses=self.html is not None)

    def finish(
        self,
        report: AnyReport,
        record: FrameRecord | None,
        *,
        json_path: Path,
        video: str | Path | None,
        kind: str,
        started_at: float | None,
    ) -> list[str]:
        """Write a finished session's outputs; returns a line per file written, for the summary."""
        report.write_json(json_path)
        lines = [f"  Report: {json_path}"]
        if isinstance(report, Report):
            lines += self._exercise_files(report, record, video)
        elif self.html is not None:
            from formcheck.report.routine_html import write_routine_html

            write_routine_html(self.html, report)
            lines.append(f"  HTML report: {self.html}")
        lines += self._store(report, kind, started_at)
        return lines

    def _exercise_files(self, report: Report, record: FrameRecord | None, video: str | Path | None) -> list[str]:
        if record is None:
            return []
        trace = record.trace(report.variant)
        lines = []
        if self.csv is not None:
            from formcheck.report.frame_csv import write_frame_csv

            write_frame_csv(trace, self.csv)
            lines.append(f"  Frames: {self.csv}")
        if self.html is not None:
            from formcheck.report.html import write_html

            write_html(self.html, report, trace, video)
            lines.append(f"  HTML report: {self.html}")
        return lines

    def _store(self, report: AnyReport, kind: str, started_at: float | None) -> list[str]:
        if self.history is None:
            return []
        where = ""
        try:
            if not kept_in_history(report, kind):
                return []
            if isinstance(report, Report):
                ids = [self.history.record(report, kind=kind, started_at=started_at)]
            elif report.program is not None:  # a program session, its blocks tied to it
                psid, ids = self.history.record_program_session(
                    report.program,
                    report.blocks,
                    kind=kind,
                    video=report.video,
                    duration_s=report.duration_s,
                    started_at=started_at,
                )
                where = f" (program session {psid})"
            else:  # each block of a routine is a session of its exercise
                ids = [
                    self.history.record(
                        block, kind="routine", started_at=None if started_at is None else started_at + block.start_s
                    )
                    for block in report.blocks
                ]
        finally:
            self.close()
        if not ids and not where:
            return []
        what = f"session {ids[0]}" if len(ids) == 1 else f"sessions {', '.join(map(str, ids))}"
        return [f"  History: {what if ids else 'no block'}{where} in {self.history.path}"]

    def close(self) -> None:
        if self.history is not None:
            self.history.close()


def prepare(catalogue: Catalogue, req: Request) -> tuple[Plan, SessionOutputs]:
    """The plan (the exercise, with the person's targets in it) and the outputs ready to be written."""
    from formcheck.definitions.targets import plan_targets

    check_request(req)
    if req.program is not None:
        from formcheck.definitions.program import load_program

        plan = Plan.of_program(load_program(req.program, catalogue), catalogue)
    elif req.exercise is None:
        plan = Plan(catalogue, None, req.variant)
    else:
        ex = catalogue.resolve(req.exercise, req.variant)  # bad names fail before the model loads
        targets = plan_targets(ex, catalogue.exercises, req.targets, variant=req.variant)
        plan = Plan(catalogue, targets.apply(ex), req.variant, targets.sources)
    return plan, SessionOutputs(req.html, req.csv, open_history(req.history_path, req.no_history))


def video_started_at(video: str | Path, duration_s: float) -> float | None:
    """When a recording was made, as well as a file tells: its modification time (the end of the recording)
    less its duration. None when the file cannot be looked at."""
    try:
        return os.stat(video).st_mtime - duration_s
    except OSError:
        return None


def print_and_exit(
    report: AnyReport, lines: list[str], json_path: Path, *, quiet: bool, cut_short: str, nobody: str | None = None
) -> None:
    """The summary, then the exit a session's end calls for: cut short (the report was written), or, given
    ``nobody`` (the video's name), nobody in any frame (the report was written too)."""
    if not quiet:
        click.echo(report.summary())
        for line in lines:
            click.echo(line)
    if report.partial:
        raise InterruptedRun(f"{cut_short} {json_path}")
    if nobody is not None and report.frames_with_pose == 0:
        dark = " (the video is very dark)" if getattr(report, "too_dark", False) else ""
        raise NoPoseError(f"no person detected in any of the {report.frames} frames of {nobody}{dark} (report written)")
