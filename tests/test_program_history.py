"""Programs in the history: sessions tied to their program, adherence per week over simulated days (real routine
reports from saved landmarks, stored on chosen dates), the migration from a version 2 history, ``formcheck
progress --program`` and the clinician export (HTML, and a PDF and a screenshot by headless Chromium)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
from cli_runner import run_formcheck

from formcheck.app.api import Plan, analyze_landmarks
from formcheck.app.session_outputs import SessionOutputs
from formcheck.definitions.loader import Catalogue
from formcheck.definitions.program import Program, load_program
from formcheck.history.adherence import adherence, adherence_text
from formcheck.history.store import History
from formcheck.report import program_export
from formcheck.report.routine_report import RoutineReport

ROOT = Path(__file__).resolve().parents[1]
ROUTINES = ROOT / "sample_videos" / "routines"
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)
START = dt.date(2026, 3, 2)  # a Monday

PROGRAM = """
name = "Standing routine"
days_per_week = 3
weeks = 3
start = 2026-03-02

[[exercises]]
exercise = "leg-lifts"
variant = "standing-straight-leg"
sides = "right"
sets = 1
reps = 2
hold_s = 10

[[exercises]]
exercise = "hamstring-stretch"
variant = "standing-toe-reach"
sides = "both"
sets = 1
hold_s = 15

[[exercises]]
exercise = "hip-flexor-stretch"
variant = "half-kneeling"
sides = "left"
sets = 1
hold_s = 15
"""

# (day after START, hour, which routine): one before week 1, week 1 on three days (the last incomplete), week 2
# twice on one day and once more, week 3 nothing.
SCHEDULE = [(-3, 12, "good"), (0, 12, "good"), (2, 12, "good"), (4, 12, "short"), (8, 9, "short"), (8, 18, "good")]
SCHEDULE += [(11, 12, "short")]


@pytest.fixture(scope="module")
def program_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("program") / "standing.toml"
    path.write_text(PROGRAM)
    return path


@pytest.fixture(scope="module")
def program(program_file: Path) -> Program:
    return load_program(program_file, Catalogue.load())


@pytest.fixture(scope="module")
def routines(program: Program) -> dict[str, RoutineReport]:
    """Real routines against the program: the standing one does all of it (with knee_bent faults in its leg
    lifts); the kneeling one does the stretches but not the standing leg lift."""
    plan = Plan.of_program(program, Catalogue.load())
    out = {}
    for key, name in (
        ("good", "standing-leg-lifts-toe-reach-kneeling"),
        ("short", "kneeling-both-sides-toe-reach-leg-lifts"),
    ):
        report = analyze_landmarks(ROUTINES / f"routine__{name}.landmarks.npz", plan=plan)
        assert isinstance(report, RoutineReport) and report.program is not None
        out[key] = report
    return out


def store_schedule(path: Path, routines: dict[str, RoutineReport]) -> list[list[str]]:
    """The schedule stored through the session outputs, as ``analyze --program`` does; the lines they print."""
    lines = []
    for day, hour, key in SCHEDULE:
        at = dt.datetime.combine(START + dt.timedelta(days=day), dt.time(hour)).timestamp()
        outputs = SessionOutputs(None, None, History(path))
        json_path = path.with_name(f"r{len(lines)}.json")
        lines.append(
            outputs.finish(routines[key], None, json_path=json_path, video=None, kind="analyze", started_at=at)
        )
    return lines


def figures(report: RoutineReport) -> list[tuple[int, int, int]]:
    """Per item (in program order): sets complete, reps done, holds reached, as the session's check says."""
    assert report.program is not None
    return [(c.sets_complete, c.reps_done, c.holds_reached) for c in report.program.items]


def expected_weeks(routines: dict[str, RoutineReport], program: Program) -> dict[int, dict[str, int]]:
    """Each week's figures worked out from the schedule and the two sessions' checks: per day and item the
    sessions' figures summed and capped at a day's prescription, summed over the week's days."""
    per_day = [(it.sets, (it.reps or 0) * it.sets, (it.reps or 1) * it.sets) for it in program.items]  # one side
    weeks: dict[int, dict[str, int]] = {
        n: dict.fromkeys(("days", "complete", "sets", "reps", "holds"), 0) for n in (1, 2, 3)
    }
    days: dict[int, list[str]] = {}
    for day, _, key in SCHEDULE:
        if day >= 0:
            days.setdefault(day, []).append(key)
    for day, keys in days.items():
        w = weeks[day // 7 + 1]
        done = [tuple(map(sum, zip(*(figures(routines[k])[i] for k in keys)))) for i in range(len(per_day))]
        capped = [tuple(min(d, p) for d, p in zip(di, pi)) for di, pi in zip(done, per_day)]
        w["days"] += 1
        w["complete"] += all(c[0] >= p[0] for c, p in zip(capped, per_day))
        for j, name in enumerate(("sets", "reps", "holds")):
            w[name] += sum(c[j] for c in capped)
    return weeks


def test_the_two_routines_are_what_the_schedule_assumes(routines):  # type: ignore[no-untyped-def]
    good, short = routines["good"].program, routines["short"].program
    assert good.complete and not short.complete
    assert figures(routines["good"]) == [(1, 2, 2), (1, 0, 1), (1, 0, 1)]
    assert figures(routines["short"]) == [(0, 0, 0), (1, 0, 1), (1, 0, 1)]  # no standing leg lift
    assert any(f.code == "knee_bent" for b in routines["good"].blocks for f in b.faults)


def test_sessions_are_tied_to_their_program(tmp_path: Path, routines, program: Program):  # type: ignore[no-untyped-def]
    path = tmp_path / "h.sqlite3"
    lines = store_schedule(path, routines)
    assert lines[0][-1].startswith("  History: sessions 1, 2, 3 (program session 1) in ")
    db = sqlite3.connect(path)
    assert db.execute("SELECT name, digest, file FROM programs").fetchall() == [
        (program.name, program.digest, program.path)
    ]
    (definition,) = db.execute("SELECT definition FROM programs").fetchone()
    assert json.loads(definition) == json.loads(json.dumps(program.to_dict()))
    rows = db.execute("SELECT id, complete, checked, kind FROM program_sessions ORDER BY id").fetchall()
    assert [bool(r[1]) for r in rows] == [key == "good" for _, _, key in SCHEDULE]
    assert json.loads(rows[3][2]) == json.loads(json.dumps(routines["short"].program.to_dict()))
    assert {r[3] for r in rows} == {"analyze"}
    # every block a session of its exercise, tied to its program session and starting when the block did
    blocks = db.execute("SELECT program_session_id, exercise, started_at FROM sessions ORDER BY id").fetchall()
    assert len(blocks) == 3 * len(SCHEDULE) and [b[0] for b in blocks] == [i for i in range(1, 8) for _ in range(3)]
    first = dt.datetime.fromisoformat(blocks[0][2]).timestamp()
    at = dt.datetime.combine(START - dt.timedelta(days=3), dt.time(12)).timestamp()
    assert abs(first - (at + routines["good"].blocks[0].start_s)) < 1.0
    with History(path) as h:
        assert len(h.sessions("leg-lifts")) == 7  # still sessions of their exercises for `history` and `progress`


def test_adherence_per_week_over_simulated_days(tmp_path: Path, routines, program: Program):  # type: ignore[no-untyped-def]
    path = tmp_path / "h.sqlite3"
    store_schedule(path, routines)
    with History(path) as h:
        rows = h.program_sessions(program.name)
    assert len(rows) == len(SCHEDULE)
    expected = expected_weeks(routines, program)
    # the figures the schedule gives, worked out by hand: week 1 is 2 whole days and one short of its leg lift
    assert expected[1] == {"days": 3, "complete": 2, "sets": 8, "reps": 4, "holds": 10}
    assert expected[2] == {"days": 2, "complete": 1, "sets": 5, "reps": 2, "holds": 6}
    a = adherence(program, rows, START + dt.timedelta(days=30))
    assert a.start == START and a.outside == 1 and a.other_versions == 0
    for w in a.weeks:
        e, f = expected[w.number], w.figures
        assert (f.days, f.days_complete, f.sets, f.reps, f.holds) == tuple(e.values()), w.number
        assert (f.days_prescribed, f.sets_prescribed, f.reps_prescribed, f.holds_prescribed) == (3, 9, 6, 12)
        assert w.status == "" and w.first_day == START + dt.timedelta(days=7 * (w.number - 1))
    assert a.weeks[1].figures.sessions == 3  # two on one day
    assert (a.total.days, a.total.sets, a.total.sets_prescribed, a.total.holds) == (5, 13, 27, 16)
    assert [(f.sets, f.sets_prescribed) for f in a.items] == [(3, 9), (5, 9), (5, 9)]
    # the same sessions seen from the middle of week 2: week 3 is not yet and out of the total
    mid = adherence(program, rows, START + dt.timedelta(days=9))
    assert [w.status for w in mid.weeks] == ["", "this week", "not yet"]
    assert (mid.total.days_prescribed, mid.total.sets, mid.total.sets_prescribed) == (6, 13, 18)
    text = adherence_text(mid).splitlines()
    assert text[0] == "Standing routine: 3 day(s) a week for 3 week(s); week 1 from 2026-03-02 (the program's start)"
    assert text[2].split()[:6] == ["1", "2026-03-02..03-08", "3", "of", "3", "2"] and "8/9" in text[2]
    assert "not yet" in text[4] and text[5].startswith("total") and "13/18" in text[5]
    assert text[-1] == "Note: 1 session(s) fall outside the program's 3 week(s)"


def test_week_one_is_the_first_session_without_a_start(tmp_path: Path, routines, program: Program):  # type: ignore[no-untyped-def]
    path = tmp_path / "h.sqlite3"
    store_schedule(path, routines)
    with History(path) as h:
        rows = h.program_sessions(program.name)
    from dataclasses import replace

    unstarted = replace(program, start=None, digest="edited")
    a = adherence(unstarted, rows, START + dt.timedelta(days=30))
    assert a.start == START - dt.timedelta(days=3) and a.outside == 0 and a.other_versions == len(SCHEDULE)
    # weeks from day -3: days -3, 0 and 2; 4 and 8 (twice); 11
    assert [w.figures.days for w in a.weeks] == [3, 2, 1] and a.weeks[1].figures.sessions == 3
    assert "another version" in a.notes()[0]
    assert adherence(unstarted, [], START).weeks == ()


def test_a_version_2_history_is_migrated(tmp_path: Path, routines, program: Program):  # type: ignore[no-untyped-def]
    path = tmp_path / "v2.sqlite3"
    with History(path, version=2) as h:
        assert h.version == 2
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "programs" not in tables
    block = routines["good"].blocks[0]
    with db:  # a session as formcheck wrote it at version 2
        db.execute(
            "INSERT INTO sessions (video, exercise, variant, analysed_at, duration_s, summary, started_at, kind,"
            " recognised, reps_total) VALUES (?, ?, ?, ?, ?, ?, ?, 'routine', 1, ?)",
            (block.video, block.exercise, block.variant, "2026-02-01T10:00:30+00:00", block.duration_s,
             json.dumps(block.to_dict()), "2026-02-01T10:00:00+00:00", sum(block.reps.values())),
        )  # fmt: skip
    db.close()
    with History(path) as h:
        assert h.version == 3
        (old,) = h.sessions()
        assert old.exercise == block.exercise and old.kind == "routine"
        psid, ids = h.record_program_session(
            routines["good"].program, routines["good"].blocks, kind="live", video="cam", duration_s=80.0
        )
        rows = h.program_sessions(program.name)
    assert psid == 1 and ids == [2, 3, 4] and [r.kind for r in rows] == ["live"] and rows[0].complete
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT program_session_id FROM sessions ORDER BY id").fetchall() == [(None,), (1,), (1,), (1,)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_progress_program_command(tmp_path: Path, routines, program_file: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "h.sqlite3"
    store_schedule(path, routines)
    plot = tmp_path / "adherence.png"
    res = run_formcheck("progress", "--program", str(program_file), "--history", str(path), "--plot", str(plot))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[1].split()[:3] == ["week", "dates", "days"]
    assert [line.split()[0] for line in lines[2:6]] == ["1", "2", "3", "total"]
    assert "8/9" in lines[2] and "5/9" in lines[3] and "0 of 3" in lines[4] and "13/27" in lines[5]
    assert lines[-1] == f"Plot: {plot}"
    import cv2

    img = cv2.imread(str(plot))
    done = np.abs(img.astype(int) - [180, 119, 31]).sum(axis=2) < 40  # the days done bars (BGR)
    sets = np.abs(img.astype(int) - [44, 160, 44]).sum(axis=2) < 40  # the sets complete bars
    assert done.sum() > 5000 and sets.sum() > 5000
    # usage: one of --exercise and --program; nothing done yet: said, not an error
    both = run_formcheck("progress", "--program", str(program_file), "-e", "leg-lifts")
    assert both.returncode == 2 and both.stderr.count("\n") == 1 and "one of the two" in both.stderr
    started = run_formcheck("progress", "--program", str(program_file), "--history", str(tmp_path / "none.db"))
    assert started.returncode == 0 and "0 of 3" in started.stdout.splitlines()[2]  # started, nothing done
    assert not (tmp_path / "none.db").exists()  # reading creates nothing
    unstarted = tmp_path / "unstarted.toml"
    unstarted.write_text(PROGRAM.replace("start = 2026-03-02\n", ""))
    empty = run_formcheck("progress", "--program", str(unstarted))
    assert empty.returncode == 0 and "No session done with this program yet" in empty.stdout
    noplot = run_formcheck("progress", "--program", str(unstarted), "--plot", str(tmp_path / "a.png"))
    assert noplot.returncode == 1 and noplot.stderr.startswith("formcheck: error: nothing to plot")


@pytest.fixture()
def history(tmp_path: Path, routines) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "h.sqlite3"
    store_schedule(path, routines)
    return path


def export(program_file: Path, history: Path, *args: str) -> tuple[int, str, str]:
    res = run_formcheck("program", "export", str(program_file), "--history", str(history), *args)
    return res.returncode, res.stdout, res.stderr


def test_the_clinician_export(tmp_path: Path, history: Path, program_file: Path):
    page = tmp_path / "report.html"
    code, out, err = export(program_file, history, "--from", "2026-03-01", "--to", "2026-03-15", "--out", str(page))
    assert code == 0, err
    assert out.strip() == f"Clinician report: {page} (6 session(s), 2026-03-01 to 2026-03-15)"
    text = page.read_text()
    assert "<script" not in text and "http" not in text.replace("http-equiv", "")  # offline, nothing fetched
    assert text.count("data:image/png;base64,") == 4  # adherence, and a range-of-motion trend per exercise
    assert "1 x 2 with 10 s holds, right" in text and "3 day(s) a week for 3 week(s), week 1 from 2026-03-02" in text
    table = re.search(r'<table id="adherence">(.*?)</table>', text).group(1)  # type: ignore[union-attr]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr.*?</tr>", table)[1:]]
    assert cells == [
        ["1", "2026-03-02 to 2026-03-08", "3 of 3", "2", "8 of 9 (89%)", "4 of 6 (67%)", "10 of 12 (83%)"],
        ["2", "2026-03-09 to 2026-03-15", "2 of 3", "1", "5 of 9 (56%)", "2 of 6 (33%)", "6 of 12 (50%)"],
        ["total", "weeks begun", "5 of 6", "3", "13 of 18 (72%)", "6 of 12 (50%)", "16 of 24 (67%)"],
    ]
    # the faults seen most: the standing leg lifts' bent knee, twice in each of the three good sessions in range
    faults = re.findall(r"<tr><td>knee_bent</td><td>(.*?)</td><td[^>]*>(\d+)</td></tr>", text)
    assert faults and {n for _, n in faults} == {"6"} and "knee" in faults[0][0].lower()
    # per exercise: a row per session with its range of motion
    lifts = text.split("<h3>")[1]
    assert lifts.startswith("Leg lifts: Standing straight-leg lift") and lifts.count("<tr><td>2026-03-") == 3
    assert re.search(r"<td>2026-03-02 12:\d\d</td><td class=\"num\">\d+°", lifts)
    # the note on the session before week 1
    assert "1 session(s) fall outside the program" in text


def test_export_errors_are_one_line(tmp_path: Path, history: Path, program_file: Path, monkeypatch):  # type: ignore[no-untyped-def]
    out = str(tmp_path / "r.html")
    cases = [
        ((str(tmp_path / "nope.toml"),), 1, "program file not found"),
        (("--from", "2026-02-30"), 2, "--from '2026-02-30' is not a date: give YYYY-MM-DD"),
        (("--from", "2026-03-10", "--to", "2026-03-01"), 2, "--from 2026-03-10 is after --to 2026-03-01"),
        (("--from", "2025-01-01", "--to", "2025-01-31"), 1, "no session done with the program 'Standing routine'"),
    ]
    for args, code, message in cases:
        if args[0].endswith(".toml"):
            res = run_formcheck("program", "export", args[0], "--out", out, "--history", str(history))
        else:
            res = run_formcheck("program", "export", str(program_file), *args, "--out", out, "--history", str(history))
        assert res.returncode == code and res.stderr.count("\n") == 1 and message in res.stderr, (args, res.stderr)
        assert not Path(out).exists()
    empty = run_formcheck("program", "export", str(program_file), "--out", out)  # the default history: none
    assert empty.returncode == 1 and "no session done with the program" in empty.stderr
    # no Chromium: the PDF is refused in one line naming it, the HTML is written
    monkeypatch.setattr(program_export, "BROWSERS", ("no-such-chromium-here",))
    res = run_formcheck(
        "program",
        "export",
        str(program_file),
        "--history",
        str(history),
        "--out",
        out,
        "--pdf",
        str(tmp_path / "r.pdf"),
    )
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "Chromium, which was not found" in res.stderr
    assert Path(out).exists() and not (tmp_path / "r.pdf").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_export_in_headless_chromium(tmp_path: Path, history: Path, program_file: Path):
    page, pdf, shot = tmp_path / "report.html", tmp_path / "report.pdf", tmp_path / "shot.png"
    code, out, err = export(program_file, history, "--to", "2026-03-22", "--out", str(page), "--pdf", str(pdf))
    assert code == 0, err
    assert out.splitlines()[-1] == f"PDF: {pdf}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2  # the page does not fit on one sheet
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1400",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", page.as_uri()],
        check=True, capture_output=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    import cv2

    img = cv2.imread(str(shot))
    # The adherence chart under the table: the sets-complete bars of weeks 1 and 2 (89% and 56%), in proportion
    # to each other, and week 3 (nothing done) without one.
    green = np.abs(img.astype(int) - [44, 160, 44]).sum(axis=2) < 40
    cols = np.flatnonzero(green.sum(axis=0) > 20)
    groups = np.split(cols, np.flatnonzero(np.diff(cols) > 5) + 1)
    assert len(groups) == 2, [(g[0], g[-1]) for g in groups]
    heights = [green[:, g].sum(axis=0).max() for g in groups]
    assert abs(heights[1] / heights[0] - (5 / 9) / (8 / 9)) < 0.05
    blue = np.abs(img.astype(int) - [180, 119, 31]).sum(axis=2) < 40  # days done: 3, 2, 0 of 3
    assert blue.sum() > 5000


def test_program_list_names_the_programs_done(tmp_path: Path, history: Path, program_file: Path):
    res = run_formcheck("program", "list", "--history", str(history))
    assert res.returncode == 0, res.stderr
    header, *rows = res.stdout.splitlines()
    assert header.split()[:2] == ["program", "sessions"] and len(rows) == 1
    with History(history) as store:
        stored = len(store.program_sessions(load_program(program_file, Catalogue.load()).name))
    assert rows[0].split()[-1] == str(program_file) and f" {stored} " in rows[0] and stored > 0
    none = run_formcheck("program", "list", "--history", str(tmp_path / "none.db"))
    assert none.returncode == 0 and "No program in the history yet" in none.stdout
    assert not (tmp_path / "none.db").exists()
