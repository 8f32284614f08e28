"""``formcheck program``: check a program file, show it (the ``--program`` of analyze, live and serve), and
export a clinician's report on it from the history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from formcheck.app.options import history_option, poses_option
from formcheck.errors import UsageProblem


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


@program_cmd.command("list")
@history_option
def list_cmd(history_path: Path | None) -> None:
    """List the programs the history has sessions of: name, file, sessions, last done."""
    from formcheck.history.progress import open_history

    with open_history(history_path) as store:
        programs = store.programs() if store else []
    if not programs:
        click.echo("No program in the history yet: analyze, live or serve with --program FILE adds one.")
        return
    click.echo(f"{'program':30s} {'sessions':>8s}  {'last done':16s}  file")
    for p in programs:
        last = p.last_started.strftime("%Y-%m-%d %H:%M") if p.last_started else "-"
        versions = f" ({p.versions} versions)" if p.versions > 1 else ""
        click.echo(f"{p.name[:30]:30s} {p.sessions:8d}  {last:16s}  {p.file}{versions}")


@program_cmd.command("export")
@click.argument("program_file", type=click.Path(path_type=Path))
@click.option("--from", "first", default=None, metavar="YYYY-MM-DD", help="First day of the range (default: week 1).")
@click.option("--to", "last", default=None, metavar="YYYY-MM-DD", help="Last day of the range (default: today).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The HTML report to write (one self-contained file).",
)
@click.option(
    "--pdf",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also print it to this PDF (needs Chromium).",
)
@history_option
@poses_option
def export_cmd(
    program_file: Path,
    first: str | None,
    last: str | None,
    out: Path,
    pdf: Path | None,
    history_path: Path | None,
    poses_dir: Path | None,
) -> None:
    """A clinician's report on PROGRAM_FILE over a date range, from the history: the program as prescribed,
    adherence per week, and per exercise its reps and holds, range-of-motion trend and faults seen most."""
    from formcheck.definitions.loader import Catalogue
    from formcheck.definitions.program import load_program
    from formcheck.history.clinician import export_data
    from formcheck.history.progress import open_history
    from formcheck.io.files import check_writable
    from formcheck.report.program_export import print_pdf, write_export

    program = load_program(program_file, Catalogue.load(poses_dir))
    start, end = _day("--from", first), _day("--to", last)
    if start is not None and end is not None and start > end:
        raise UsageProblem(f"--from {start.isoformat()} is after --to {end.isoformat()}")
    check_writable(out, pdf)
    with open_history(history_path) as store:
        data = export_data(store, program, start, end, dt.date.today())
    write_export(out, data)
    click.echo(f"Clinician report: {out} ({data.sessions} session(s), {data.first} to {data.last})")
    if pdf is not None:
        print_pdf(out, pdf)
        click.echo(f"PDF: {pdf}")


def _day(option: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"{option} {text!r} is not a date: give YYYY-MM-DD") from None
