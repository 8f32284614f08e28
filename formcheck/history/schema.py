"""The history's schema, versioned with ``PRAGMA user_version``: the first version as formcheck 0.1 wrote it
(kept, never edited) and the migrations that bring any file up to date (as sqlite-utils' migrations)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

SCHEMA_VERSION = 3

# The first schema, as formcheck 0.1 wrote it: kept here, never edited, so that any history file can be
# brought up to date by the migrations below.
SCHEMA_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    video TEXT NOT NULL,
    exercise TEXT NOT NULL,
    variant TEXT NOT NULL,
    analysed_at TEXT NOT NULL,          -- ISO 8601, UTC
    duration_s REAL NOT NULL,
    summary TEXT NOT NULL               -- the JSON report
);
CREATE TABLE reps (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL
);
CREATE TABLE holds (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    duration_s REAL NOT NULL,
    completed INTEGER NOT NULL
);
CREATE TABLE faults (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    side TEXT,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    message TEXT NOT NULL
);
"""


def _migrate_1_to_2(db: sqlite3.Connection) -> None:
    """Version 2: when the session was done (not only analysed), live or recorded, whether the exercise was
    recognised, the targets, and the figures ``progress`` reads, as columns (backfilled from the reports)."""
    run_script(
        db,
        """
        ALTER TABLE sessions ADD COLUMN started_at TEXT;
        ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'analyze';
        ALTER TABLE sessions ADD COLUMN recognised INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE sessions ADD COLUMN reps_total INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sessions ADD COLUMN reps_target TEXT;
        ALTER TABLE sessions ADD COLUMN hold_target_s REAL;
        ALTER TABLE sessions ADD COLUMN best_hold_s REAL;
        ALTER TABLE sessions ADD COLUMN rom_hip_deg REAL;
        CREATE INDEX sessions_by_exercise ON sessions (exercise, started_at);
        CREATE INDEX reps_by_session ON reps (session_id);
        CREATE INDEX holds_by_session ON holds (session_id);
        CREATE INDEX faults_by_session ON faults (session_id);
        """,
    )
    rows = db.execute("SELECT id, analysed_at, duration_s, summary FROM sessions").fetchall()
    for sid, analysed_at, duration_s, summary in rows:
        try:
            report = json.loads(summary)
        except ValueError:
            report = {}
        cols = figures_of_json(report)
        # Version 1 did not record when a session was done: its end is taken to be when it was analysed.
        started = iso(parse_iso(analysed_at) - duration_s)
        db.execute(
            "UPDATE sessions SET started_at = ?, recognised = ?, reps_total = ?, reps_target = ?, hold_target_s = ?,"
            " best_hold_s = ?, rom_hip_deg = ? WHERE id = ?",
            (started, *cols.values(), sid),
        )


def _migrate_2_to_3(db: sqlite3.Connection) -> None:
    """Version 3: programs. A program as it was when used (one row per name and file digest: an edited file
    is a new row), each routine done with it (its comparison with the program), and the routine's blocks
    tied to it. Sessions stored before have no program."""
    run_script(
        db,
        """
        CREATE TABLE programs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            file TEXT NOT NULL,             -- where the file was when last used
            digest TEXT NOT NULL,           -- of the file's bytes
            definition TEXT NOT NULL,       -- Program.to_dict, JSON
            UNIQUE (name, digest)
        );
        CREATE TABLE program_sessions (
            id INTEGER PRIMARY KEY,
            program_id INTEGER NOT NULL REFERENCES programs(id),
            started_at TEXT NOT NULL,       -- ISO 8601, UTC
            kind TEXT NOT NULL,             -- analyze or live
            video TEXT NOT NULL,
            complete INTEGER NOT NULL,
            checked TEXT NOT NULL           -- ProgramCheck.to_dict, JSON
        );
        CREATE INDEX program_sessions_by_program ON program_sessions (program_id, started_at);
        ALTER TABLE sessions ADD COLUMN program_session_id INTEGER REFERENCES program_sessions(id);
        CREATE INDEX sessions_by_program_session ON sessions (program_session_id);
        """,
    )


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {  # version reached -> step
    2: _migrate_1_to_2,
    3: _migrate_2_to_3,
}


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Statement by statement: ``executescript`` would commit the transaction the migration runs in."""
    text = "\n".join(line.split("--")[0] for line in script.splitlines())
    for statement in filter(None, (s.strip() for s in text.split(";"))):
        db.execute(statement)


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def figures_of_json(report: Mapping[str, Any]) -> dict[str, Any]:
    """The same columns from a stored report's JSON (migrating a version 1 file)."""
    return figures(
        report.get("undetermined") is None,
        (report.get("reps") or {}).values(),
        report.get("reps_target"),
        report.get("hold_target_s"),
        [h["duration_s"] for h in report.get("holds") or []],
        report.get("range_of_motion") or {},
    )


def figures(
    recognised: bool,
    reps: Iterable[int],
    target: Sequence[int] | None,
    hold_target_s: float | None,
    holds_s: list[float],
    rom: Mapping[str, Any],
) -> dict[str, Any]:
    spans = [r["hip"][1] - r["hip"][0] for r in rom.values() if r and r.get("hip")]
    return {
        "recognised": int(recognised),
        "reps_total": int(sum(reps)),
        "reps_target": json.dumps(list(target)) if target else None,
        "hold_target_s": hold_target_s,
        "best_hold_s": max(holds_s, default=None),
        "rom_hip_deg": max(spans) if spans else None,
    }
