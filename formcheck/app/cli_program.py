"""``formcheck program``: check a program file, show it (the ``--program`` of analyze, live and serve)."""

from __future__ import annotations

from pathlib import Path

import click

from formcheck.app.options import poses_option


@click.group("program")
def program_cmd() -> None:
    """Programs a physio prescribes: exercises, sides, sets x reps or holds, days a week, weeks."""


@program_cmd.command("check")
@click.argument("program_file", type=click.Path(path_type=Path))
@poses_option
def check_cmd(program_file: Path, poses_dir: Path | None) -> None:
    """Validate PROGRAM_FILE against the exercise definitions: one line naming the field on a problem."""
    from formcheck.definitions.loader import Catalogue
    from formcheck.definitions.program import load_program

    program = load_program(program_file, Catalogue.load(poses_dir))
    click.echo(f"{program_file}: ok - {program.name}, {len(program.items)} exercise(s)")


@program_cmd.command("show")
@click.argument("program_file", type=click.Path(path_type=Path))
@poses_option
def show_cmd(program_file: Path, poses_dir: Path | None) -> None:
    """Print PROGRAM_FILE as prescribed: each exercise's sets, reps or hold, sides, and the schedule."""
    from formcheck.definitions.loader import Catalogue
    from formcheck.definitions.program import load_program

    click.echo(load_program(program_file, Catalogue.load(poses_dir)).describe())
