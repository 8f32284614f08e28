"""Session history: every analysed session in one SQLite file, for ``formcheck history`` and ``progress``.

One row per session (its summary and the whole JSON report) and one per rep, hold and fault; a routine done
with a program is also a program session (its comparison with the program), its blocks' sessions tied to it. Several
formcheck processes may write at once (a batch, a live session beside an analysis): the file is in WAL mode,
each session is written in one ``BEGIN IMMEDIATE`` transaction, and a writer waits for another's lock (busy
timeout) instead of failing. The schema is versioned with ``PRAGMA user_version``: a new file is created at
version 1 and migrated like any old one, so the migrations run every time a history starts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from formcheck.definitions.program import Program
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent
from formcheck.errors import FormcheckError
from formcheck.history.programs import ProgramQueries, local_time
from formcheck.history.schema import MIGRATIONS, SCHEMA_V1, SCHEMA_VERSION, figures, iso, run_script

HISTORY_ENV = "FORMCHECK_HISTORY"
BUSY_TIMEOUT_S = 30.0  # a writer waits this long for another one's transaction


class Recordable(Protocol):
    """What the history stores of a session: an exercise's ``Report`` or a routine's ``BlockReport``."""

    exercise: str
    variant: str
    video: str
    reps: Mapping[str, int]
    rep_events: Sequence[RepEvent]
    holds: Sequence[HoldEvent]
    faults: Sequence[FaultEvent]
    reps_target: tuple[int, int] | None
    hold_target_s: float | None
    range_of_motion: Mapping[str, Any]
    partial: bool

    @property
    def duration_s(self) -> float: ...

    @property
    def undetermined(self) -> str | None: ...

    def to_dict(self) -> dict[str, Any]: ...


class CheckedProgram(Protocol):
    """A routine's comparison with its program (``ProgramCheck``), as the history stores it."""

    @property
    def program(self) -> Program: ...

    @property
    def complete(self) -> bool: ...

    def to_dict(self) -> dict[str, Any]: ...


def kept_in_history(report: Recordable | Any, kind: str) -> bool:
    """A session is stored unless it is an analysis cut short (a recording analysed in part is not a session
    done; a live session cut short was done, as far as it went)."""
    return not (report.partial and kind == "analyze")


class HistoryError(FormcheckError):
    """The history database cannot be used (unwritable, not a database, from a newer formcheck)."""


def default_history_path() -> Path:
    """$FORMCHECK_HISTORY, else history.sqlite3 in the user's data directory."""
    env = os.environ.get(HISTORY_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("formcheck", appauthor=False) / "history.sqlite3"


@dataclass(frozen=True)
class SessionRow:
    id: int
    started_at: datetime  # local time
    kind: str
    video: str
    exercise: str
    variant: str
    duration_s: float
    recognised: bool
    reps: dict[str, int]
    reps_total: int
    best_hold_s: float | None
    faults: int
    rom_hip_deg: float | None


@dataclass(frozen=True)
class DayRow:
    day: str  # YYYY-MM-DD, local
    sessions: int
    reps: int
    best_hold_s: float | None
    mean_hold_s: float | None
    rom_hip_deg: float | None  # the widest hip range of motion of the day


class History(ProgramQueries):
    """An open history file; use as a context manager."""

    def __init__(self, path: str | Path, *, version: int = SCHEMA_VERSION) -> None:
        self.path = Path(path)
        try:
            if self.path.is_dir():
                raise HistoryError(f"cannot use history database {self.path}: it is a directory")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"cannot use history database {self.path}: {_why(exc)}") from None
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._wal()
            self._migrate(version)
        except sqlite3.Error as exc:
            self._db.close()
            raise HistoryError(f"cannot use history database {self.path}: {_why(exc)}") from None

    def _wal(self) -> None:
        # Switching to WAL takes a moment's exclusive lock: two processes opening a new file at once retry.
        for attempt in range(50):
            try:
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot switch to WAL mode (journal mode is {mode})")
        self._db.execute("PRAGMA synchronous = NORMAL")  # safe in WAL: a crash loses no committed session

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")  # the write lock now, not half-way through
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, target: int) -> None:
        if self.version == target:
            return
        with self._transaction() as db:
            current = self.version  # again under the lock: another process may have migrated meanwhile
            if current > SCHEMA_VERSION:
                raise HistoryError(
                    f"history database {self.path} is schema version {current}, newer than this formcheck "
                    f"understands ({SCHEMA_VERSION}): upgrade formcheck, or use another file with --history"
                )
            if current == 0:
                if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise HistoryError(f"{self.path} is an SQLite database, but not a formcheck history")
                run_script(db, SCHEMA_V1)
                current = 1
            while current < target:
                MIGRATIONS[current + 1](db)
                current += 1
            db.execute(f"PRAGMA user_version = {current}")

    def record(self, report: Recordable, *, kind: str = "analyze", started_at: float | None = None) -> int:
        """Store one session (an exercise's report, or a routine's block); ``started_at``: when it was done
        (epoch seconds; default: now less its duration). Returns its id."""
        try:
            with self._transaction() as db:
                return _insert(db, report, kind, started_at)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot write to history database {self.path}: {_why(exc)}") from None

    def record_program_session(
        self,
        check: CheckedProgram,
        blocks: Sequence[Recordable],
        *,
        kind: str,
        video: str,
        duration_s: float,
        started_at: float | None = None,
    ) -> tuple[int, list[int]]:
        """Store a routine done with a program: the program (as it was), the routine's comparison with it, and
        its blocks as sessions of their exercises tied to it, in one transaction. Returns the program
        session's id and the blocks'."""
        start = started_at if started_at is not None else time.time() - duration_s
        program = check.program
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO programs (name, file, digest, definition) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (name, digest) DO UPDATE SET file = excluded.file",
                    (program.name, program.path, program.digest, json.dumps(program.to_dict())),
                )
                (pid,) = db.execute(
                    "SELECT id FROM programs WHERE name = ? AND digest = ?", (program.name, program.digest)
                ).fetchone()
                cur = db.execute(
                    "INSERT INTO program_sessions (program_id, started_at, kind, video, complete, checked)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (pid, iso(start), kind, video, int(check.complete), json.dumps(check.to_dict())),
                )
                psid = int(cur.lastrowid or 0)
                ids = [_insert(db, b, "routine", start + getattr(b, "start_s", 0.0), psid) for b in blocks]
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot write to history database {self.path}: {_why(exc)}") from None
        return psid, ids

    def sessions(self, exercise: str | None = None, limit: int | None = None) -> list[SessionRow]:
        """Sessions, newest first."""
        sql = (
            "SELECT s.id, s.started_at, s.kind, s.video, s.exercise, s.variant, s.duration_s, s.recognised,"
            " s.summary, s.reps_total, s.best_hold_s, s.rom_hip_deg,"
            " (SELECT count(*) FROM faults f WHERE f.session_id = s.id) FROM sessions s"
        )
        args: list[Any] = []
        if exercise is not None:
            sql += " WHERE s.exercise = ?"
            args.append(exercise)
        sql += " ORDER BY s.started_at DESC, s.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        out = []
        for row in self._db.execute(sql, args):
            sid, started, kind, video, ex, var, dur, recog, summary, total, best, rom, nfaults = row
            try:
                reps = dict(json.loads(summary).get("reps", {}))
            except ValueError:
                reps = {}
            out.append(
                SessionRow(
                    sid, local_time(started), kind, video, ex, var, dur, bool(recog), reps, total, best, nfaults, rom
                )
            )
        return out

    def daily(self, exercise: str, variant: str | None = None) -> list[DayRow]:
        """The trend: per day (local time), the recognised sessions' reps, holds and range of motion."""
        sql = (
            "SELECT s.id, s.started_at, s.reps_total, s.rom_hip_deg FROM sessions s"
            " WHERE s.exercise = ? AND s.recognised = 1"
        )
        args: list[Any] = [exercise]
        if variant is not None:
            sql += " AND s.variant = ?"
            args.append(variant)
        days: dict[str, dict[str, Any]] = {}
        holds: dict[int, list[float]] = {}
        for sid, dur in self._db.execute(
            "SELECT h.session_id, h.duration_s FROM holds h JOIN sessions s ON s.id = h.session_id"
            " WHERE s.exercise = ?",
            (exercise,),
        ):
            holds.setdefault(sid, []).append(dur)
        for sid, started, reps, rom in self._db.execute(sql + " ORDER BY s.started_at", args):
            d = days.setdefault(local_time(started).date().isoformat(), {"n": 0, "reps": 0, "holds": [], "rom": []})
            d["n"] += 1
            d["reps"] += reps
            d["holds"] += holds.get(sid, [])
            if rom is not None:
                d["rom"].append(rom)
        return [
            DayRow(
                day,
                d["n"],
                d["reps"],
                max(d["holds"]) if d["holds"] else None,
                sum(d["holds"]) / len(d["holds"]) if d["holds"] else None,
                max(d["rom"]) if d["rom"] else None,
            )
            for day, d in days.items()
        ]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _insert(
    db: sqlite3.Connection, report: Recordable, kind: str, started_at: float | None, program_session: int | None = None
) -> int:
    """One session's rows, inside the caller's transaction."""
    now = time.time()
    start = started_at if started_at is not None else now - report.duration_s
    cur = db.execute(
        "INSERT INTO sessions (video, exercise, variant, analysed_at, duration_s, summary, started_at, kind,"
        " recognised, reps_total, reps_target, hold_target_s, best_hold_s, rom_hip_deg, program_session_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            report.video,
            report.exercise,
            report.variant,
            iso(now),
            report.duration_s,
            json.dumps(report.to_dict()),
            iso(start),
            kind,
            *_columns(report).values(),
            program_session,
        ),
    )
    sid = int(cur.lastrowid or 0)
    db.executemany(
        "INSERT INTO reps VALUES (?, ?, ?, ?)", [(sid, r.side, r.start_s, r.end_s) for r in report.rep_events]
    )
    db.executemany(
        "INSERT INTO holds VALUES (?, ?, ?, ?, ?, ?)",
        [(sid, h.side, h.start_s, h.end_s, h.duration_s, int(h.completed)) for h in report.holds],
    )
    db.executemany(
        "INSERT INTO faults VALUES (?, ?, ?, ?, ?, ?)",
        [(sid, f.code, f.side, f.start_s, f.end_s, f.message) for f in report.faults],
    )
    return sid


def _columns(report: Recordable) -> dict[str, Any]:
    """The columns kept beside a report, from the report."""
    return figures(
        report.undetermined is None,
        report.reps.values(),
        report.reps_target,
        report.hold_target_s,
        [h.duration_s for h in report.holds],
        report.range_of_motion,
    )


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
