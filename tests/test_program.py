"""Programs: the file's validation, and a routine compared with a program set by set and side by side (a
rendered routine's saved landmarks: complete, one set missing, one side short)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run_formcheck

from formcheck.analysis.program_check import check_program, live_line
from formcheck.app.api import Plan, analyze_landmarks
from formcheck.definitions.loader import Catalogue
from formcheck.definitions.program import ProgramFileError, load_program
from formcheck.engine.findings import HoldEvent, RepEvent
from formcheck.report.routine_report import RoutineReport

ROUTINES = Path(__file__).resolve().parents[1] / "sample_videos" / "routines"
KNEELING = ROUTINES / "routine__kneeling-both-sides-toe-reach-leg-lifts.landmarks.npz"
CATALOGUE = Catalogue.load(None)

PROGRAM = """\
name = "Kneeling, toe reach and lifts"
days_per_week = 5
weeks = 4

[[exercises]]
exercise = "hip flexor stretch"
variant = "half-kneeling"
sets = 1
hold_s = 15

[[exercises]]
exercise = "hamstring-stretch"
variant = "standing-toe-reach"
sides = "both"
sets = 1
hold_s = 15

[[exercises]]
exercise = "leg-lifts"
variant = "supine-bent-knee"
sets = {lift_sets}
reps = {lift_reps}
"""


def write(tmp_path: Path, text: str, name: str = "program.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def program(tmp_path: Path, lift_sets: int = 1, lift_reps: int = 2):  # type: ignore[no-untyped-def]
    return load_program(write(tmp_path, PROGRAM.format(lift_sets=lift_sets, lift_reps=lift_reps)), CATALOGUE)


# --- the file ---------------------------------------------------------------------------------------------------


def test_a_program_file_is_read_with_its_names_resolved(tmp_path: Path):
    p = program(tmp_path, 2, 12)
    assert [it.exercise.name for it in p] == ["hip-flexor-stretch", "hamstring-stretch", "leg-lifts"]
    assert p.items[2].dose == "2 x 12 each side" and p.items[1].dose == "1 x 15 s"
    # the program's figures become the targets the engines count against
    cat = p.catalogue(CATALOGUE)
    assert cat.exercises["leg-lifts"].variant("supine-bent-knee").reps_target == (12, 12)
    assert cat.exercises["hip-flexor-stretch"].variant("half-kneeling").hold.target_s == 15.0
    assert CATALOGUE.exercises["hip-flexor-stretch"].variant("half-kneeling").hold.target_s == 30.0  # unchanged
    assert p.target_sources()["leg-lifts/supine-bent-knee"] == {"reps": f"program {tmp_path / 'program.toml'}"}


GOOD = PROGRAM.format(lift_sets=2, lift_reps=12)


@pytest.mark.parametrize(
    "change, where, says",
    [
        (("sets = 2", "sets = 0"), "exercises.2.sets", "greater than or equal to 1"),
        (("reps = 12", "reps = 12.5"), "exercises.2.reps", "valid integer"),
        (("reps = 12", 'reps = "a dozen"'), "exercises.2.reps", "valid integer"),
        (('variant = "supine-bent-knee"', 'variant = "upside-down"'), "exercises.2.variant", "unknown variant"),
        (('exercise = "leg-lifts"', 'exercise = "squats"'), "exercises.2.exercise", "unknown exercise"),
        (("days_per_week = 5", "days_per_week = 8"), "days_per_week", "less than or equal to 7"),
        (("weeks = 4", "weeks = 4\ncolour = 1"), "colour", "Extra inputs"),
        (("reps = 12", "hold_s = 12"), "exercises.2.hold_s", "has no hold"),
        (("reps = 12", "seconds = 12"), "exercises.2.seconds", "Extra inputs"),
        (('sides = "both"', 'sides = "each"'), "exercises.1.sides", "both legs together"),
        (('sides = "both"', 'sides = "up"'), "exercises.1.sides", "'each', 'left', 'right' or 'both'"),
        (
            ('hold_s = 15\n\n[[exercises]]\nexercise = "hamstring', 'reps = 3\n\n[[exercises]]\nexercise = "hamstring'),
            "exercises.0.reps",
            "is a hold",
        ),
        (('name = "Kneeling, toe reach and lifts"', 'name = ""'), "name", "at least 1 character"),
        (('variant = "standing-toe-reach"', 'variant = "half-kneeling"'), "exercises.1.variant", "unknown variant"),
    ],
)
def test_a_bad_program_is_one_line_naming_file_and_field(tmp_path: Path, change, where, says):  # type: ignore[no-untyped-def]
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ProgramFileError) as err:
        load_program(path, CATALOGUE)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(f"{path}: {where}: ") and says in msg, msg


def test_a_program_prescribing_one_thing_twice_or_nothing_is_refused(tmp_path: Path):
    twice = GOOD + '\n[[exercises]]\nexercise = "leg lifts"\nsets = 1\nreps = 5\n'
    with pytest.raises(ProgramFileError, match=r"exercises\.3: .*prescribed twice \(exercises\.2"):
        load_program(write(tmp_path, twice), CATALOGUE)
    with pytest.raises(ProgramFileError, match=r"exercises: .*at least 1 item"):
        load_program(write(tmp_path, 'name = "x"\ndays_per_week = 1\nweeks = 1\nexercises = []\n'), CATALOGUE)
    with pytest.raises(ProgramFileError, match="not valid TOML"):
        load_program(write(tmp_path, "name = "), CATALOGUE)
    with pytest.raises(ProgramFileError, match="program file not found"):
        load_program(tmp_path / "missing.toml", CATALOGUE)


def test_the_program_commands_check_and_show(tmp_path: Path):
    path = write(tmp_path, GOOD)
    r = run_formcheck("program", "check", str(path))
    assert r.returncode == 0 and "ok" in r.stdout and "3 exercise(s)" in r.stdout
    r = run_formcheck("program", "show", str(path))
    assert r.returncode == 0 and "2 x 12 each side" in r.stdout and "5 day(s) a week for 4 week(s)" in r.stdout
    bad = write(tmp_path, GOOD.replace("sets = 2", "sets = -1"), "bad.toml")
    r = run_formcheck("program", "check", str(bad))
    assert (
        r.returncode == 1
        and r.stderr.count("\n") == 1
        and "exercises.2.sets" in r.stderr
        and "Traceback" not in r.stderr
    )
    r = run_formcheck("analyze", "x.mp4", "--program", str(path), "--exercise", "leg-lifts")
    assert r.returncode == 2 and "leave out --exercise" in r.stderr
    r = run_formcheck("analyze", "x.mp4", "--program", str(path), "--target", "reps=3")
    assert r.returncode == 2 and "--target" in r.stderr


# --- a routine against a program ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> RoutineReport:
    p = program(tmp_path_factory.mktemp("p"), 1, 2)
    report = analyze_landmarks(KNEELING, plan=Plan.of_program(p, CATALOGUE))
    assert isinstance(report, RoutineReport)
    return report


def test_a_routine_done_as_prescribed_is_complete(done: RoutineReport):
    check = done.program
    assert check is not None and check.complete, check.summary_lines()
    lifts = check.items[2]
    # the program's sets are the report's own blocks and counts
    block = next(b for b in done.blocks if b.exercise == "leg-lifts")
    assert {s: lifts.sets[0].sides[s].reps for s in ("left", "right")} == {"left": block.reps["left"], "right": 2}
    assert lifts.reps_done == lifts.reps_prescribed == 4
    hip = check.items[0]
    assert hip.holds_reached == hip.holds_prescribed == 2
    section = done.to_dict()["program"]
    assert section["complete"] is True and section["items"][2]["sets_complete"] == 1
    assert json.loads(json.dumps(section)) == section
    assert block.target_sources == {"reps": f"program {check.program.path}"}
    assert any("Program: Kneeling, toe reach and lifts - complete" in line for line in done.summary().splitlines())
    from formcheck.report.routine_html import render_routine_html

    page = render_routine_html(done)
    assert "<h2>Program: Kneeling, toe reach and lifts (complete)</h2>" in page
    assert page.count('<td class="ok">set 1 of 1') == 3 and 'class="short"' not in page


def test_a_set_not_done_is_reported_missing(tmp_path: Path):
    p = program(tmp_path, 2, 2)
    report = analyze_landmarks(KNEELING, plan=Plan.of_program(p, CATALOGUE))
    assert isinstance(report, RoutineReport) and report.program is not None
    lifts = report.program.items[2]
    assert not report.program.complete and lifts.sets_complete == 1
    assert lifts.lines() == ["set 1 of 2, left: 2 of 2; right: 2 of 2", "set 2 of 2: not done"]
    assert report.program.items[0].complete and report.program.items[1].complete


def test_one_side_short_is_reported_on_that_side(tmp_path: Path, done: RoutineReport):
    # The recording cut between the left leg's two lifts (found from the full run's own reps).
    block = next(b for b in done.blocks if b.exercise == "leg-lifts")
    left = sorted((e for e in block.rep_events if e.side == "left"), key=lambda e: e.start_s)
    right = [e for e in block.rep_events if e.side == "right"]
    assert len(left) == 2 and all(r.end_s < left[0].start_s for r in right)  # right first, then left
    cut = (left[0].end_s + left[1].start_s) / 2
    data = dict(np.load(KNEELING))
    keep = data["t"] < cut
    short = tmp_path / "short.landmarks.npz"
    np.savez_compressed(short, **{k: (v if v.ndim == 0 else v[keep]) for k, v in data.items()})
    p = program(tmp_path, 1, 2)
    report = analyze_landmarks(short, plan=Plan.of_program(p, CATALOGUE))
    assert isinstance(report, RoutineReport) and report.program is not None
    lifts = report.program.items[2]
    assert not lifts.complete and lifts.reps_done == 3
    assert lifts.lines() == ["set 1 of 1, left: 1 of 2; right: 2 of 2"]


# --- the set rule, on blocks made by hand ---------------------------------------------------------------------


class Done:
    def __init__(self, exercise: str, variant: str, reps=(), holds=()):  # type: ignore[no-untyped-def]
        self.exercise, self.variant = exercise, variant
        self.rep_events = [RepEvent(side, t, t + 2.0) for side, t in reps]
        self.holds = [HoldEvent(side, t, t + d, d, True) for side, t, d in holds]


def test_coming_back_to_a_side_starts_the_next_set(tmp_path: Path):
    p = program(tmp_path, 2, 2)
    reps = [("left", 0), ("left", 3), ("right", 6), ("right", 9), ("left", 12), ("right", 15)]
    one_block = Done("leg-lifts", "supine-bent-knee", reps)
    check = check_program(p, [one_block]).items[2]
    assert check.lines() == ["set 1 of 2, left: 2 of 2; right: 2 of 2", "set 2 of 2, left: 1 of 2; right: 1 of 2"]
    holds = [("right", 0, 15.2), ("left", 20, 15.0), ("right", 40, 12.0)]
    hip = check_program(p, [Done("hip-flexor-stretch", "half-kneeling", holds=holds)]).items[0]
    assert hip.lines() == [
        "set 1 of 1, left: 15 s of 15 s (reached); right: 15 s of 15 s (reached)",
        "set 2 of 1, left: 0 s of 15 s; right: 12 s of 15 s (extra set)",
    ]
    assert hip.complete and hip.holds_reached == 2
    # another variant, or an exercise the program does not have, is not counted against it
    other = check_program(p, [Done("leg-lifts", "side-lying", reps), Done("glute-bridge", "supine-bridge")])
    assert other.items[2].sets == () and other.unprescribed == ("leg-lifts/side-lying", "glute-bridge/supine-bridge")
    assert live_line(p, [one_block], "leg-lifts", "supine-bent-knee") == "set 2 of 2, left: 1 of 2; right: 1 of 2"
    assert live_line(p, [], "leg-lifts", "supine-bent-knee") == "set 1 of 2: start, left"
    assert live_line(p, [], "glute-bridge", "supine-bridge") is None


def test_live_the_panel_says_where_the_person_is_in_the_program(tmp_path: Path):
    """Coaching a routine with a program: the line under the counts follows the sets as they are done, and its
    last word for each exercise is the report's."""
    from formcheck.analysis.loop import FrameState, Sink, run
    from formcheck.pose.recording import ReplayBackend, ReplaySource

    p = program(tmp_path, 2, 2)
    lines: list[tuple[float, str, str | None]] = []

    class Lines(Sink):
        def add(self, state: FrameState) -> None:
            if not lines or lines[-1][2] != state.program_line:
                lines.append((state.t, state.exercise.name, state.program_line))

    analysis = Plan.of_program(p, CATALOGUE).analysis(live_recognition=True)
    replay = ReplayBackend(KNEELING)
    run(ReplaySource(replay), replay, analysis, [Lines()])
    report = analyze_landmarks(KNEELING, plan=Plan.of_program(p, CATALOGUE))
    assert isinstance(report, RoutineReport) and report.program is not None
    lifts = [line for _, ex, line in lines if ex == "leg-lifts" and line]
    assert lifts[-1] == report.program.items[2].lines()[0] == "set 1 of 2, left: 2 of 2; right: 2 of 2"
    assert "set 1 of 2, left: 1 of 2; right: 2 of 2" in lifts  # counted up as the left leg lifted
    hip = [line for _, ex, line in lines if ex == "hip-flexor-stretch" and line]
    assert hip[-1] == report.program.items[0].lines()[0]
    assert any("right: 8 s of 15 s" in line for line in hip)  # a hold under way counts up
    assert all(line is None for _, ex, line in lines if ex == "glute-bridge")  # not in the program
