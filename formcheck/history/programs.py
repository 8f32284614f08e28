"""The history's programs: the routines done with a program (program sessions) and their blocks, as stored."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProgramSessionRow:
    """A routine done with a program: when, and its comparison with the program (``ProgramCheck.to_dict``)."""

    id: int
    digest: str  # of the program file it was done with
    started_at: datetime  # local time
    kind: str
    video: str
    complete: bool
    check: dict[str, Any]


@dataclass(frozen=True)
class BlockRow:
    """A block of a program session, as stored: its report (``BlockReport.to_dict``) and its faults."""

    id: int
    program_session_id: int
    started_at: datetime  # local time
    exercise: str
    variant: str
    report: dict[str, Any]
    faults: tuple[tuple[str, str], ...]  # (code, message)


@dataclass(frozen=True)
class ProgramListing:
    """A program the history has sessions of (all versions of its file together)."""

    name: str
    file: str  # where its file was when last used
    versions: int  # different files (by content) it was done with
    sessions: int
    last_started: datetime | None  # local time; None: stored, but no session yet


class ProgramQueries:
    """The reading side of programs in the history (a part of ``History``)."""

    _db: sqlite3.Connection

    def program_sessions(self, name: str) -> list[ProgramSessionRow]:
        """The routines done with the program called ``name`` (any version of its file), oldest first."""
        rows = self._db.execute(
            "SELECT ps.id, p.digest, ps.started_at, ps.kind, ps.video, ps.complete, ps.checked"
            " FROM program_sessions ps JOIN programs p ON p.id = ps.program_id"
            " WHERE p.name = ? ORDER BY ps.started_at, ps.id",
            (name,),
        )
        return [
            ProgramSessionRow(sid, digest, local_time(started), kind, video, bool(done), json.loads(checked))
            for sid, digest, started, kind, video, done, checked in rows
        ]

    def programs(self) -> list[ProgramListing]:
        """Every program in the history, by name, the most recently done first."""
        rows = self._db.execute(
            "SELECT p.name, (SELECT file FROM programs q WHERE q.name = p.name ORDER BY q.id DESC LIMIT 1),"
            " COUNT(DISTINCT p.id), COUNT(ps.id), MAX(ps.started_at)"
            " FROM programs p LEFT JOIN program_sessions ps ON ps.program_id = p.id"
            " GROUP BY p.name ORDER BY MAX(ps.started_at) DESC, p.name"
        )
        return [
            ProgramListing(name, file, versions, sessions, local_time(last) if last else None)
            for name, file, versions, sessions, last in rows
        ]

    def program_blocks(self, program_session_ids: Sequence[int]) -> list[BlockRow]:
        """The block sessions of those program sessions, with their stored report and faults, oldest first."""
        marks = ",".join("?" * len(program_session_ids))
        faults: dict[int, list[tuple[str, str]]] = {}
        for sid, code, message in self._db.execute(
            "SELECT f.session_id, f.code, f.message FROM faults f JOIN sessions s ON s.id = f.session_id"
            f" WHERE s.program_session_id IN ({marks}) ORDER BY f.start_s",
            list(program_session_ids),
        ):
            faults.setdefault(sid, []).append((code, message))
        rows = self._db.execute(
            "SELECT id, program_session_id, started_at, exercise, variant, summary FROM sessions"
            f" WHERE program_session_id IN ({marks}) ORDER BY started_at, id",
            list(program_session_ids),
        )
        return [
            BlockRow(sid, psid, local_time(started), ex, var, json.loads(summary), tuple(faults.get(sid, ())))
            for sid, psid, started, ex, var, summary in rows
        ]


def local_time(text: str) -> datetime:
    """A stored UTC timestamp as local time."""
    return datetime.fromisoformat(text).astimezone()
