"""The ``formcheck`` command: a thin layer over the API (``api.py``), the history and the exercise catalogue.

Every failure a user can cause ends in one line on stderr and a non-zero exit code, never a traceback. The
catalogue is loaded once per command and handed on.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click

from formcheck.app.options import (
    exercise_options,
    history_option,
    model_options,
    output_options,
    poses_option,
    program_option,
    session_options,
)
from formcheck.errors import FormcheckError


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"formcheck: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formcheck", prog_name="formcheck")
def cli() -> None:
    """Check the form of psoas self-release exercises in a video: reps, hold times and form cues."""


@cli.command("exercises")
@poses_option
def exercises_cmd(poses_dir: Path | None) -> None:
    """List the exercises and their variants."""
    from formcheck.definitions.loader import Catalogue

    for ex in Catalogue.load(poses_dir):
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
@click.argument("videos", nargs=-1, required=True)
@exercise_options
@output_options
@model_options
@click.option(
    "--save-landmarks",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save every frame's landmarks (.npz) to re-analyse later without the model.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Videos analysed at once (a batch). Default: 1."
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run a batch in local processes or as Ray tasks (pip install 'formcheck[ray]').",
)
@click.option("--ray-address", default=None, help="The Ray cluster (default: $RAY_ADDRESS, else a local instance).")
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where a batch writes its reports (NAME.formcheck.json each).",
)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A batch's summary table, a row per video (default: REPORT-DIR/formcheck-summary.csv).",
)
@session_options
@program_option
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@poses_option
def analyze_cmd(videos: tuple[str, ...], **opts: Any) -> None:
    """Analyse recorded VIDEOS: count reps, time holds and flag form faults.

    One video gives its report and summary (and, if asked, an HTML report and a frame CSV). Without
    --exercise it is taken as a whole routine, cut into exercise blocks. Several videos, a folder or a glob
    (quoted) make a batch: one report per video in --report-dir and a summary table (--summary), --jobs at a
    time or on Ray (--engine ray). Every session is stored in the history unless --no-history.
    """
    from formcheck.app import cli_analyze

    cli_analyze.analyze(videos, **opts)


@cli.command("live")
@exercise_options
@click.option("--camera", type=int, default=0, show_default=True, help="Camera index to read.")
@click.option(
    "--source",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Play a video file as if it were the camera (real time, frames dropped when behind).",
)
@click.option("--mirror/--no-mirror", default=True, show_default=True, help="Show the picture mirrored (selfie view).")
@click.option("--voice", is_flag=True, help="Speak counts, hold times and cues (espeak-ng).")
@click.option("--no-window", is_flag=True, help="Do not open a window (the report and --out are still written).")
@output_options
@model_options
@session_options
@program_option
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@poses_option
def live_cmd(**opts: Any) -> None:
    """Coach yourself live in front of a webcam: overlay, counts, hold timer, spoken cues.

    Without --exercise, a whole routine: the exercise is recognised as it is done (the screen says when it
    changes) and the report gives a block per exercise.

    Keys: q or Esc quit, space pause (hold clocks pause too), r reset, s switch side.
    """
    from formcheck.app import cli_live

    cli_live.live(**opts)


@cli.command("history")
@click.option("--exercise", "-e", default=None, help="Only this exercise's sessions.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="The newest this many.")
@history_option
@poses_option
def history_cmd(exercise: str | None, limit: int, history_path: Path | None, poses_dir: Path | None) -> None:
    """List the sessions stored in the history, newest first."""
    from formcheck.definitions.loader import Catalogue
    from formcheck.history.progress import sessions_text

    name = Catalogue.load(poses_dir).find(exercise).name if exercise else None
    click.echo(sessions_text(name, limit, history_path))


@cli.command("progress")
@click.option("--exercise", "-e", default=None, help="The exercise to follow (see `formcheck exercises`).")
@click.option("--variant", "-v", default=None, help="Only this variant's sessions.")
@click.option(
    "--program",
    "program_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Instead of one exercise: adherence to this program file, week by week.",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the trend (or the adherence) to this image (.png, .svg or .pdf).",
)
@history_option
@poses_option
def progress_cmd(
    exercise: str | None,
    variant: str | None,
    program_path: Path | None,
    plot: Path | None,
    history_path: Path | None,
    poses_dir: Path | None,
) -> None:
    """Show the trend per day of one exercise (reps, hold time, hip range of motion), or with --program the
    adherence to a program per week (days with a session, sets complete, reps, holds reaching their time)."""
    from formcheck.definitions.loader import Catalogue
    from formcheck.history.progress import PLOT_SUFFIXES, plot_days, trend
    from formcheck.io.files import check_writable

    if (exercise is None) == (program_path is None):
        raise click.UsageError("give --exercise (its trend) or --program (adherence to it), one of the two")
    if program_path is not None and variant is not None:
        raise click.UsageError("--variant is for --exercise (a program names its variants)")
    if plot is not None:
        if plot.suffix.lower() not in PLOT_SUFFIXES:
            raise FormcheckError(f"cannot write plot {plot}: name it {' or '.join(PLOT_SUFFIXES)}")
        check_writable(plot)
    catalogue = Catalogue.load(poses_dir)
    if program_path is not None:
        from formcheck.definitions.program import load_program
        from formcheck.history.adherence import adherence_text, plot_adherence, program_progress

        adherence = program_progress(load_program(program_path, catalogue), history_path)
        click.echo(adherence_text(adherence))
        if plot is not None:
            plot_adherence(adherence, plot)
            click.echo(f"Plot: {plot}")
        return
    assert exercise is not None
    ex = catalogue.resolve(exercise, variant)
    title, table, days = trend(ex, variant, history_path)
    click.echo(table)
    if plot is not None:
        plot_days(days, plot, title)
        click.echo(f"Plot: {plot}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where sessions, uploads and the history go (default: formcheck's user data directory).",
)
@click.option(
    "--max-upload-mb",
    default=500.0,
    show_default=True,
    type=click.FloatRange(1, 100_000),
    help="Largest video accepted.",
)
@program_option
@poses_option
def serve_cmd(
    host: str, port: int, data_dir: Path | None, max_upload_mb: float, program_path: Path | None, poses_dir: Path | None
) -> None:
    """Run the local web app: live coaching with the browser's camera, recorded videos, history and progress."""
    from formcheck.app.cli_serve import serve

    serve(host, port, data_dir, max_upload_mb, poses_dir, program_path)


from formcheck.app.cli_program import program_cmd  # noqa: E402  (a group of its own module)

cli.add_command(program_cmd)


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
        _fail("interrupted", 130)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        sys.exit(1)


if __name__ == "__main__":
    main()
