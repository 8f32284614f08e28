"""The CLI's whole-routine paths: ``analyze`` and ``live`` without ``--exercise``.

A routine's blocks are known only once it is over, so the outputs made for one exercise (HTML report, frame
CSV, targets, history) are not offered for it; an annotated video shows the exercise recognised so far, as
live coaching does. A batch names its exercise. What is refused is refused before the model loads.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import InterruptedRun, NoPoseError
from .outputs import check_video_name, check_writable

if TYPE_CHECKING:
    from .routine import RoutineReport

NOT_FOR_ROUTINES = "(not for a whole routine yet)"


def refuse_options(
    *,
    variant: str | None,
    html: Path | None,
    csv: Path | None,
    targets: tuple[str, ...],
    batch: bool = False,
) -> None:
    """A usage error for an option a routine cannot have."""
    if batch:
        raise click.UsageError("a batch needs --exercise (a routine is recognised one video at a time)")
    if variant:
        raise click.UsageError("--variant needs --exercise")
    if html or csv or targets:
        raise click.UsageError(f"--html, --csv and --target need --exercise {NOT_FOR_ROUTINES}")


def analyze(
    video: Path,
    json_path: Path | None,
    save_landmarks: Path | None,
    out: Path | None,
    *,
    model_complexity: int,
    model_path: Path | None,
    poses_dir: Path | None,
    quiet: bool,
) -> None:
    """``formcheck analyze VIDEO`` without --exercise: one recording of a whole routine, cut into blocks."""
    from .exercises import load_exercises
    from .pipeline import analyze_video
    from .routine import RoutineReport

    load_exercises(poses_dir)  # a malformed poses/ fails before the model loads
    json_path = json_path or Path(f"{video.stem}.formcheck.json")
    check_writable(json_path, save_landmarks, out)
    check_video_name(out)
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
    finish(report, json_path, out, quiet, "interrupted: partial report written to")
    if report.frames_with_pose == 0:
        raise NoPoseError(f"no person detected in any of the {report.frames} frames of {video} (report written)")


def finish(report: RoutineReport, json_path: Path, out: Path | None, quiet: bool, cut_short: str) -> None:
    """Write the report, print its summary, and fail with ``cut_short`` when it was interrupted."""
    report.write_json(json_path)
    if not quiet:
        click.echo(report.summary())
        click.echo(f"  Report: {json_path}" + (f"\n  Annotated video: {out}" if out else ""))
    if report.partial:
        raise InterruptedRun(f"{cut_short} {json_path}")
