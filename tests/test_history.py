"""The session history: a real SQLite file, two writers at once, the migration from the first schema, and
the history and progress commands."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cli_runner import Result, run_formcheck

from formcheck.app.api import analyze_landmarks
from formcheck.app.session_outputs import SessionOutputs, open_history, print_and_exit
from formcheck.history.store import SCHEMA_V1, SCHEMA_VERSION, History, HistoryError, default_history_path
from formcheck.report.exercise_report import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
DAY = 86400.0


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """Real reports: bent-knee lifts (reps), a knee-to-chest stretch (holds), a squat-like negative."""
    out = {}
    for name, exercise in (
        ("leg-lifts__supine-bent-knee__faults", "leg-lifts"),
        ("leg-lifts__supine-bent-knee__good-both", "leg-lifts"),
        ("leg-lifts__supine-leg-to-chest__good-right", "leg-lifts"),
    ):
        out[name] = analyze_landmarks(SAMPLES / f"{name}.landmarks.npz", exercise)
    return out


def test_the_tests_never_touch_the_real_history(private_user_files: Path):
    assert default_history_path() == private_user_files / "history.sqlite3"


def test_a_session_is_stored_with_its_reps_holds_and_faults(tmp_path: Path, reports):  # type: ignore[no-untyped-def]
    report = reports["leg-lifts__supine-bent-knee__faults"]
    rep = report.to_dict()
    path = tmp_path / "sub" / "h.sqlite3"
    with History(path) as h:
        sid = h.record(report, started_at=time.time() - DAY)
        (row,) = h.sessions()
    assert row.id == sid and row.exercise == "leg-lifts" and row.variant == rep["variant"]
    assert row.reps == rep["reps"] and row.reps_total == sum(rep["reps"].values()) and row.faults == 3
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT count(*) FROM reps WHERE session_id = ?", (sid,)).fetchone()[0] == len(rep["rep_events"])
    assert [r[0] for r in db.execute("SELECT code FROM faults ORDER BY start_s")] == [f["code"] for f in rep["faults"]]
    assert json.loads(db.execute("SELECT summary FROM sessions").fetchone()[0]) == json.loads(json.dumps(rep))


def _writer(path: str, report: Report, n: int, who: int) -> None:
    with History(path) as h:
        for i in range(n):
            h.record(replace(report, video=f"writer{who}-{i}.mp4"), started_at=time.time() - i * DAY)


def test_two_writers_at_once_lose_nothing_and_corrupt_nothing(tmp_path: Path, reports):  # type: ignore[no-untyped-def]
    path = tmp_path / "h.sqlite3"
    rep = reports["leg-lifts__supine-bent-knee__faults"]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), rep, 40, k)) for k in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 80
    assert db.execute("SELECT count(DISTINCT video) FROM sessions").fetchone()[0] == 80
    # every session whole: its rows went in with it, in one transaction
    per = db.execute("SELECT count(*) FROM faults GROUP BY session_id").fetchall()
    assert len(per) == 80 and {n for (n,) in per} == {len(rep.faults)}


def test_a_first_version_history_is_migrated(tmp_path: Path, reports):  # type: ignore[no-untyped-def]
    path = tmp_path / "old.sqlite3"
    with History(path, version=1) as h:
        assert h.version == 1
    # What formcheck wrote with the first schema: no start time, no figures beside the report.
    db = sqlite3.connect(path)
    assert "started_at" not in SCHEMA_V1
    rep = reports["leg-lifts__supine-bent-knee__good-both"].to_dict()
    old = {k: v for k, v in rep.items() if k != "range_of_motion"}  # not in reports of that time
    with db:
        cur = db.execute(
            "INSERT INTO sessions (video, exercise, variant, analysed_at, duration_s, summary)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (rep["video"], rep["exercise"], rep["variant"], "2026-03-01T10:00:30+00:00", 30.0, json.dumps(old)),
        )
        db.executemany(
            "INSERT INTO reps VALUES (?, ?, ?, ?)",
            [(cur.lastrowid, e["side"], e["start_s"], e["end_s"]) for e in rep["rep_events"]],
        )
    db.close()
    with History(path) as h:
        assert h.version == SCHEMA_VERSION
        (row,) = h.sessions("leg-lifts")
        assert row.started_at.astimezone(timezone.utc).isoformat() == "2026-03-01T10:00:00+00:00"
        assert row.reps_total == 6 and row.recognised and row.rom_hip_deg is None and row.kind == "analyze"
        h.record(reports["leg-lifts__supine-bent-knee__faults"], started_at=time.time())
        days = h.daily("leg-lifts")
    assert [d.reps for d in days] == [6, 4] and days[1].rom_hip_deg is not None
    cols = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(sessions)")}
    assert {"started_at", "kind", "recognised", "reps_total", "best_hold_s", "rom_hip_deg"} <= cols


def test_a_file_that_is_not_a_history_is_one_clear_error(tmp_path: Path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n" * 100)
    with pytest.raises(HistoryError, match=r"cannot use history database .*notes\.txt: file is not a database"):
        History(bad)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(HistoryError, match="not a formcheck history"):
        History(other)
    newer = tmp_path / "newer.sqlite3"
    with History(newer) as h:
        h._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(HistoryError, match="newer than this formcheck"):
        History(newer)


def formcheck(*args: str, cwd: Path) -> Result:
    return run_formcheck(*args, cwd=cwd)


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    from formcheck.app.cli import cli

    cli.main(args=list(args), prog_name="formcheck", standalone_mode=False)
    return capsys.readouterr().out


def test_history_and_progress_commands(tmp_path: Path, reports, private_user_files: Path, capsys):  # type: ignore[no-untyped-def]
    path = private_user_files / "history.sqlite3"  # the default the commands use here ($FORMCHECK_HISTORY)
    now = datetime.now().replace(hour=12, minute=0, second=0).timestamp()  # noon: sessions stay on their day
    with History(path) as h:
        h.record(reports["leg-lifts__supine-bent-knee__faults"], started_at=now - 2 * DAY)
        h.record(reports["leg-lifts__supine-bent-knee__good-both"], started_at=now - 2 * DAY + 600)
        h.record(reports["leg-lifts__supine-leg-to-chest__good-right"], started_at=now - DAY)
        h.record(reports["leg-lifts__supine-bent-knee__good-both"], kind="live", started_at=now)
    lines = in_process(capsys, "history", "--exercise", "Leg_Lifts").splitlines()
    assert len(lines) == 5 and "live" in lines[1] and "L 3  R 3" in lines[1] and "supine-leg-to-chest" in lines[2]
    plot = tmp_path / "trend.png"
    table = in_process(capsys, "progress", "-e", "leg-lifts", "--plot", str(plot)).splitlines()
    assert table[0].split()[:3] == ["day", "sessions", "reps"]
    assert [line.split()[1:3] for line in table[1:4]] == [["2", "10"], ["1", "0"], ["1", "6"]]
    assert table[1].split()[3] == "-" and table[2].split()[3] != "-"  # the day of the held stretch has a hold
    import cv2

    img = cv2.imread(str(plot))
    assert img is not None and img.shape[0] > 400 and img.std() > 10
    res = formcheck("progress", "-e", "leg-lifts", "--plot", str(tmp_path / "trend.gif"), cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.startswith("formcheck: error: cannot write plot")


def test_reading_a_history_that_is_not_there_creates_nothing(tmp_path: Path, private_user_files: Path):
    res = formcheck("history", cwd=tmp_path)
    assert res.returncode == 0 and res.stdout.strip() == "No sessions recorded."
    assert not (private_user_files / "history.sqlite3").exists()  # reading creates nothing
    bad = formcheck("history", "--history", str(tmp_path), cwd=tmp_path)
    assert bad.returncode == 2 and "is a directory" in bad.stderr


def test_an_unusable_history_fails_before_the_analysis(tmp_path: Path):
    (tmp_path / "file").write_text("")
    video = SAMPLES / "leg-lifts__side-lying__good-left.mp4"
    res = formcheck("analyze", str(video), "-e", "leg-lifts", "--history", "file/h.sqlite3", cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.count("\n") == 1
    assert res.stderr.startswith("formcheck: error: cannot use history database file/h.sqlite3: ")
    assert not list(tmp_path.glob("*.json"))  # nothing analysed
    both = formcheck("analyze", str(video), "-e", "leg-lifts", "--history", "h.db", "--no-history", cwd=tmp_path)
    assert both.returncode == 2 and "--history and --no-history contradict each other" in both.stderr


@pytest.fixture(scope="module")
def routine_report():  # type: ignore[no-untyped-def]
    routine = SAMPLES / "routines" / "routine__floor-knee-to-chest-leg-lifts-bridges.landmarks.npz"
    return analyze_landmarks(routine, None)


def test_a_routines_blocks_are_sessions_of_their_exercises(tmp_path: Path, routine_report):  # type: ignore[no-untyped-def]
    report = routine_report
    path = tmp_path / "h.sqlite3"
    start = 1_700_000_000.0
    outputs = SessionOutputs(None, None, open_history(path, False))
    lines = outputs.finish(report, None, json_path=tmp_path / "r.json", video=None, kind="analyze", started_at=start)
    assert any(line.startswith("  History: sessions 1, 2, 3 in") for line in lines)
    with History(path) as h:
        rows = h.sessions()
        lifts = h.daily("leg-lifts")
    assert [(r.exercise, r.variant, r.kind) for r in reversed(rows)] == [
        ("hamstring-stretch", "supine-knee-to-chest", "routine"),
        ("leg-lifts", "supine-bent-knee", "routine"),
        ("glute-bridge", "supine-bridge-quick", "routine"),
    ]
    segs = report.to_dict()["segments"]
    for r, seg in zip(reversed(rows), segs):
        assert r.reps == seg["reps"]
        assert abs(r.duration_s - (seg["end_s"] - seg["start_s"])) < 0.01
        # started when the block did, on the recording's clock
        assert abs(r.started_at.timestamp() - (start + seg["start_s"])) < 1.0
    assert len(lifts) == 1 and lifts[0].reps == 6
    # each block keeps the range of motion of its own stretch of the recording, as a session would
    assert all(r.rom_hip_deg is not None and r.rom_hip_deg > 10 for r in rows)
    assert lifts[0].rom_hip_deg == max(r.rom_hip_deg for r in rows if r.exercise == "leg-lifts")


def test_a_routine_analysis_cut_short_is_not_stored(tmp_path: Path, routine_report):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from formcheck.errors import InterruptedRun

    report = replace(routine_report, partial=True)
    path = tmp_path / "h.sqlite3"
    outputs = SessionOutputs(None, None, open_history(path, False))
    lines = outputs.finish(report, None, json_path=tmp_path / "r.json", video=None, kind="analyze", started_at=None)
    with pytest.raises(InterruptedRun, match="cut short"):
        print_and_exit(report, lines, tmp_path / "r.json", quiet=True, cut_short="cut short")
    assert (tmp_path / "r.json").exists()
    with History(path) as h:
        assert h.sessions() == []
