"""The ``formcheck`` command's shared options, one decorator each (as sqlite-utils' ``output_options``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def _path(**kw: Any) -> click.Path:
    return click.Path(path_type=Path, **kw)


poses_option = click.option(
    "--poses-dir",
    type=_path(file_okay=False),
    default=None,
    help="Directory of exercise definitions (*.toml). Default: the bundled poses/ (or $FORMCHECK_POSES).",
)


def exercise_options(f: Any) -> Any:
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
        type=_path(dir_okay=False),
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
    f = click.option("--out", type=_path(dir_okay=False), default=None, help="Write an annotated video.")(f)
    return click.option(
        "--json",
        "json_path",
        type=_path(dir_okay=False),
        default=None,
        help="Where to write the JSON report (default: NAME.formcheck.json in the current directory).",
    )(f)


program_option = click.option(
    "--program",
    "program_path",
    type=_path(dir_okay=False),
    default=None,
    help="A program file (TOML, see `formcheck program check`): the routine is compared with it, set by set, "
    "and counted against its reps and holds.",
)


def history_option(f: Any) -> Any:
    return click.option(
        "--history",
        "history_path",
        type=_path(dir_okay=False),
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
        type=_path(dir_okay=False),
        default=None,
        help="Write every frame's timestamp, visibility, angles and engine state to a CSV file.",
    )(f)
    return click.option(
        "--html",
        "html_path",
        type=_path(dir_okay=False),
        default=None,
        help="Write a self-contained HTML report (plots, summary table, still frames of the faults).",
    )(f)
