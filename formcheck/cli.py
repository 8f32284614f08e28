"""The ``formcheck`` command: a thin layer over ``formcheck.analyze_video`` and the exercise registry.

Every failure a user can cause ends in one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click

from .errors import FormcheckError, NoPoseError

EXIT_INTERRUPTED = 130


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"formcheck: error: {message}", err=True)
    sys.exit(code)


poses_option = click.option(
    "--poses-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of exercise definitions (*.toml). Default: the bundled poses/ (or $FORMCHECK_POSES).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formcheck", prog_name="formcheck")
def cli() -> None:
    """Check the form of psoas self-release exercises in a video: reps, hold times and form cues."""


@cli.command("exercises")
@poses_option
def exercises_cmd(poses_dir: Path | None) -> None:
    """List the exercises and their variants."""
    from .exercises import load_exercises

    for ex in load_exercises(poses_dir).values():
        aliases = f"  (also: {', '.join(ex.aliases)})" if ex.aliases else ""
        click.echo(f"{ex.name}: {ex.title}{aliases}")
        for v in ex.variants:
            what = []
            if v.reps is not None:
                per = "/leg" if v.per_side_reps else ""
                what.append(f"reps {v.reps_target[0]}-{v.reps_target[1]}{per}" if v.reps_target else "reps")
            if v.hold is not None:
                what.append(f"{v.hold.target_s:g} s hold" + (" each" if v.reps is not None else ""))
            click.echo(f"  {v.name:<24} {v.title:<50} {', '.join(what)}; {v.orientation}, {v.view} view")


@cli.command("analyze")
@click.argument("video", type=click.Path(path_type=Path))
@click.option("--exercise", "-e", required=True, help="hip-flexor-stretch, hamstring-stretch or leg-lifts.")
@click.option("--variant", "-v", default=None, help="A variant name (see `formcheck exercises`). Default: detected.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the JSON report (default: VIDEO-NAME.formcheck.json in the current directory).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write an annotated video.")
@click.option(
    "--model-complexity",
    type=click.IntRange(0, 2),
    default=1,
    show_default=True,
    help="MediaPipe pose model: 1 (full) ships with mediapipe; 0 and 2 need a download.",
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A MediaPipe PoseLandmarker .task model file to use instead of the bundled model.",
)
@click.option(
    "--save-landmarks",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save every frame's landmarks (.npz) to re-analyse later without the model.",
)
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@poses_option
def analyze_cmd(
    video: Path,
    exercise: str,
    variant: str | None,
    json_path: Path | None,
    out: Path | None,
    model_complexity: int,
    model_path: Path | None,
    save_landmarks: Path | None,
    quiet: bool,
    poses_dir: Path | None,
) -> None:
    """Analyse a recorded VIDEO: count reps, time holds and flag form faults."""
    from .pipeline import analyze_video, resolve_exercise

    ex = resolve_exercise(exercise, variant, poses_dir)  # bad names fail before the model loads
    report = analyze_video(
        video,
        ex,
        variant,
        model_complexity=model_complexity,
        model_path=model_path,
        annotate_to=out,
        save_landmarks=save_landmarks,
    )
    json_path = json_path or Path(f"{Path(video).stem}.formcheck.json")
    report.write_json(json_path)
    if not quiet:
        click.echo(report.summary())
        click.echo(f"  Report: {json_path}" + (f"\n  Annotated video: {out}" if out else ""))
    if report.partial:
        _fail(f"interrupted: partial report written to {json_path}", EXIT_INTERRUPTED)
    if report.frames_with_pose == 0:
        raise NoPoseError(f"no person detected in any of the {report.frames} frames of {video} (report written)")


def _sigterm(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # handled like Ctrl-C: the partial report is still written


def main(argv: list[str] | None = None) -> None:
    signal.signal(signal.SIGTERM, _sigterm)
    try:
        cli.main(args=argv, prog_name="formcheck", standalone_mode=False)
    except FormcheckError as exc:
        _fail(str(exc), exc.exit_code)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            click.echo(exc.ctx.get_help())  # a bare `formcheck` or `formcheck analyze` shows help
            sys.exit(0)
        cmd = exc.ctx.command_path if exc.ctx else "formcheck"
        _fail(f"{exc.format_message()} (see: {cmd} --help)", 2)
    except click.exceptions.Abort:
        _fail("interrupted", EXIT_INTERRUPTED)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(1)


if __name__ == "__main__":
    main()
