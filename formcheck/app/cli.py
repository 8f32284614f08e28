"""The ``formcheck`` command: a thin layer over ``formcheck.analyze_video`` and the exercise registry.

Every failure a user can cause ends in one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click

from formcheck.app.session_outputs import (
    SessionOutputs,
    check_video_name,
    check_writable,
    history_option,
    session_options,
)
from formcheck.errors import FormcheckError, NoPoseError

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


def routine_exercise_options(f: Any) -> Any:
    """--exercise and --variant, the exercise optional: without it a recording is a routine, recognised."""
    f = click.option(
        "--variant", "-v", default=None, help="A variant name (see `formcheck exercises`). Default: recognised."
    )(f)
    return click.option(
        "--exercise",
        "-e",
        default=None,
        help="An exercise (see `formcheck exercises`). Default: recognise every exercise of a whole routine, "
        "block by block.",
    )(f)


def model_options(f: Any) -> Any:
    f = click.option(
        "--model",
        "model_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="A MediaPipe PoseLandmarker .task model file to use instead of the bundled model.",
    )(f)
    return click.option(
        "--model-complexity",
        type=click.IntRange(0, 2),
        default=1,
        show_default=True,
        help="MediaPipe pose model: 1 (full) ships with mediapipe; 0 and 2 need a download.",
    )(f)


def output_options(f: Any) -> Any:
    f = click.option(
        "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write an annotated video."
    )(f)
    return click.option(
        "--json",
        "json_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Where to write the JSON report (default: NAME.formcheck.json in the current directory).",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formcheck", prog_name="formcheck")
def cli() -> None:
    """Check the form of psoas self-release exercises in a video: reps, hold times and form cues."""


@cli.command("exercises")
@poses_option
def exercises_cmd(poses_dir: Path | None) -> None:
    """List the exercises and their variants."""
    from formcheck.definitions.loader import load_exercises

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
@click.argument("videos", nargs=-1, required=True)
@routine_exercise_options
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
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@poses_option
def analyze_cmd(
    videos: tuple[str, ...],
    exercise: str | None,
    variant: str | None,
    json_path: Path | None,
    out: Path | None,
    model_complexity: int,
    model_path: Path | None,
    save_landmarks: Path | None,
    jobs: int | None,
    engine: str,
    ray_address: str | None,
    report_dir: Path,
    summary_path: Path | None,
    html_path: Path | None,
    csv_path: Path | None,
    targets: tuple[str, ...],
    history_path: Path | None,
    no_history: bool,
    quiet: bool,
    poses_dir: Path | None,
) -> None:
    """Analyse recorded VIDEOS: count reps, time holds and flag form faults.

    One video gives its report and summary (and, if asked, an HTML report and a frame CSV). Several, a folder
    or a glob (quoted) make a batch: one report per video in --report-dir and a summary table (--summary),
    --jobs at a time or on Ray (--engine ray). Every session is stored in the history unless --no-history.
    """
    from formcheck.app import session_outputs as outputs
    from formcheck.app.api import analyze_video, resolve_exercise

    single = len(videos) == 1 and not Path(videos[0]).is_dir() and not any(c in videos[0] for c in "*?[")
    batch = not single or jobs is not None or engine != "local"
    if exercise is None:
        from formcheck.app import cli_routine

        cli_routine.refuse_options(variant=variant, csv=csv_path, targets=targets, batch=batch)
        cli_routine.analyze(
            Path(videos[0]),
            json_path,
            save_landmarks,
            out,
            html_path,
            model_complexity=model_complexity,
            model_path=model_path,
            poses_dir=poses_dir,
            quiet=quiet,
            history_path=history_path,
            no_history=no_history,
        )
        return
    ex = resolve_exercise(exercise, variant, poses_dir)  # bad names fail before the model loads
    if batch and (out or json_path or save_landmarks):
        raise click.UsageError("--out, --json and --save-landmarks are for one video; a batch uses --report-dir")
    if batch and (html_path or csv_path):
        raise click.UsageError("--html and --csv are for one video; a batch's table is --summary")
    if not batch:
        json_path = json_path or Path(f"{Path(videos[0]).stem}.formcheck.json")
        check_writable(json_path, out, save_landmarks, html_path, csv_path)
        check_video_name(out)
    ex, extra = outputs.prepare(
        ex,
        variant,
        poses_dir,
        html=html_path,
        csv=csv_path,
        targets=targets,
        history_path=history_path,
        no_history=no_history,
    )
    if batch:
        _batch(
            videos,
            ex.name,
            variant,
            model_complexity,
            model_path,
            poses_dir,
            jobs or 1,
            engine,
            ray_address,
            report_dir,
            summary_path,
            quiet,
            extra,
        )
        return
    video = Path(videos[0])
    assert json_path is not None
    trace = extra.trace()
    report = analyze_video(
        video,
        ex,
        variant,
        model_complexity=model_complexity,
        model_path=model_path,
        annotate_to=out,
        save_landmarks=save_landmarks,
        progress=None,
        trace=trace,
    )
    report.target_sources = extra.plan.sources_for(report.variant)
    report.write_json(json_path)
    if report.partial:
        extra.close()  # an analysis cut short is not a session done: kept out of the history
        extra.history = None
    done = extra.finish(
        report, trace, video=video, kind="analyze", started_at=outputs.video_started_at(video, report.duration_s)
    )
    if not quiet:
        click.echo(report.summary())
        click.echo(f"  Report: {json_path}" + (f"\n  Annotated video: {out}" if out else ""))
        for line in done:
            click.echo(line)
    if report.partial:
        _fail(f"interrupted: partial report written to {json_path}", EXIT_INTERRUPTED)
    if report.frames_with_pose == 0:
        dark = " (the video is very dark)" if any(n.startswith("the video is very dark") for n in report.notes) else ""
        raise NoPoseError(f"no person detected in any of the {report.frames} frames of {video}{dark} (report written)")


def _batch(
    videos: tuple[str, ...],
    exercise: str,
    variant: str | None,
    model_complexity: int,
    model_path: Path | None,
    poses_dir: Path | None,
    jobs: int,
    engine: str,
    ray_address: str | None,
    report_dir: Path,
    csv_path: Path | None,
    quiet: bool,
    extra: SessionOutputs,
) -> None:
    from formcheck.app.batch import Job, find_videos, run_batch

    paths = find_videos(videos)
    csv_path = csv_path or report_dir / "formcheck-summary.csv"
    check_writable(report_dir / "probe", csv_path)
    job = Job(
        exercise,
        variant,
        model_complexity,
        str(model_path) if model_path else None,
        str(poses_dir) if poses_dir else None,
        targets=extra.plan,
    )
    try:
        rows = run_batch(
            paths,
            job,
            report_dir=report_dir,
            csv_path=csv_path,
            jobs=jobs,
            engine=engine,
            ray_address=ray_address,
            history=extra.history,
        )
    finally:
        extra.close()
    failed = [r for r in rows if r["status"] == "error"]
    if not quiet:
        for r in rows:
            if r["status"] == "error":
                click.echo(f"{r['video']}: ERROR {r['error']}")
            elif r["status"] == "not recognised":
                click.echo(f"{r['video']}: {r['error']}")
            else:
                reps = (
                    f"both {r['reps_both']}"
                    if r["reps_both"] != ""
                    else f"left {r['reps_left']}, right {r['reps_right']}"
                )
                click.echo(f"{r['video']}: {r['variant']}; reps {reps}; {r['holds']} hold(s); {r['faults']} fault(s)")
        click.echo(f"{len(rows)} video(s), {len(failed)} failed; summary: {csv_path}")
    if len(rows) < len(paths):
        _fail(f"interrupted after {len(rows)} of {len(paths)} videos: summary written to {csv_path}", EXIT_INTERRUPTED)
    if failed and len(failed) == len(rows):
        _fail(f"no video could be analysed (see {csv_path})")


@cli.command("live")
@routine_exercise_options
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
@click.option("--quiet", "-q", is_flag=True, help="Do not print the summary.")
@poses_option
def live_cmd(
    exercise: str | None,
    variant: str | None,
    camera: int,
    source: Path | None,
    mirror: bool,
    voice: bool,
    no_window: bool,
    json_path: Path | None,
    out: Path | None,
    model_complexity: int,
    model_path: Path | None,
    html_path: Path | None,
    csv_path: Path | None,
    targets: tuple[str, ...],
    history_path: Path | None,
    no_history: bool,
    quiet: bool,
    poses_dir: Path | None,
) -> None:
    """Coach yourself live in front of a webcam: overlay, counts, hold timer, spoken cues.

    Without --exercise, a whole routine: the exercise is recognised as it is done (the screen says when it
    changes) and the report gives a block per exercise.

    Keys: q or Esc quit, space pause (hold clocks pause too), r reset, s switch side.
    """
    import time as _time

    from formcheck.app import cli_routine
    from formcheck.app import session_outputs as outputs
    from formcheck.app.api import resolve_exercise
    from formcheck.definitions.loader import load_exercises
    from formcheck.io.sources import CameraSource, PacedFileSource
    from formcheck.live.coach import OpenCVWindow, run_live
    from formcheck.live.voice import Voice, find_engine
    from formcheck.report.exercise_report import Report

    if exercise is None:
        cli_routine.refuse_options(variant=variant, csv=csv_path, targets=targets)
    everything = load_exercises(poses_dir).values()
    ex = None if exercise is None else resolve_exercise(exercise, variant, poses_dir)
    json_path = json_path or Path(f"live-{_time.strftime('%Y%m%d-%H%M%S')}.formcheck.json")
    check_writable(json_path, out, html_path, csv_path)
    check_video_name(out)
    extra, history = None, None
    if ex is None:
        history = cli_routine.open_history(history_path, no_history)
    else:
        ex, extra = outputs.prepare(
            ex,
            variant,
            poses_dir,
            html=html_path,
            csv=csv_path,
            targets=targets,
            history_path=history_path,
            no_history=no_history,
        )
    trace = extra.trace() if extra is not None else None
    started_at = _time.time()
    speaker = None
    if voice:
        engine = find_engine()
        if engine is None:
            click.echo("formcheck: warning: no speech engine found (install espeak-ng): cues on screen only", err=True)
        speaker = Voice(engine)
    src = PacedFileSource(source) if source is not None else CameraSource(camera)
    display = None if no_window else OpenCVWindow()
    try:
        report, _stats = run_live(
            ex,
            src,
            variant=variant,
            others=everything,
            model_complexity=model_complexity,
            model_path=model_path,
            display=display,
            mirror=mirror,
            voice=speaker,
            annotate_to=out,
            trace=trace,
        )
    finally:
        src.close()
        if display is not None:
            display.close()
        if speaker is not None:
            speaker.close(wait_s=2.0)
    if extra is None:
        from formcheck.analysis.routine import RoutineReport

        assert isinstance(report, RoutineReport)
        cli_routine.finish(
            report,
            json_path,
            out,
            quiet,
            "session cut short: report written to",
            html=html_path,
            history=history,
            kind="live",
            started_at=started_at,
        )
        return
    assert isinstance(report, Report)
    report.target_sources = extra.plan.sources_for(report.variant)
    report.write_json(json_path)
    done = extra.finish(report, trace, video=source, kind="live", started_at=started_at)
    if not quiet:
        click.echo(report.summary())
        click.echo(f"  Report: {json_path}" + (f"\n  Annotated video: {out}" if out else ""))
        for line in done:
            click.echo(line)
    if report.partial:
        _fail(f"session cut short: report written to {json_path}", EXIT_INTERRUPTED)


@cli.command("history")
@click.option("--exercise", "-e", default=None, help="Only this exercise's sessions.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="The newest this many.")
@history_option
@poses_option
def history_cmd(exercise: str | None, limit: int, history_path: Path | None, poses_dir: Path | None) -> None:
    """List the sessions stored in the history, newest first."""
    from formcheck.history.progress import sessions_text

    click.echo(sessions_text(exercise, limit, history_path, poses_dir))


@cli.command("progress")
@click.option("--exercise", "-e", required=True, help="The exercise to follow (see `formcheck exercises`).")
@click.option("--variant", "-v", default=None, help="Only this variant's sessions.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw the trend to this image (.png, .svg or .pdf).",
)
@history_option
@poses_option
def progress_cmd(
    exercise: str, variant: str | None, plot: Path | None, history_path: Path | None, poses_dir: Path | None
) -> None:
    """Show the trend per day of one exercise: reps, hold time and hip range of motion."""
    from formcheck.history.progress import PLOT_SUFFIXES, plot_days, trend

    if plot is not None:
        if plot.suffix.lower() not in PLOT_SUFFIXES:
            raise FormcheckError(f"cannot write plot {plot}: name it {' or '.join(PLOT_SUFFIXES)}")
        check_writable(plot)
    title, table, days = trend(exercise, variant, history_path, poses_dir)
    click.echo(table)
    if plot is not None:
        plot_days(days, plot, title)
        click.echo(f"Plot: {plot}")


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
