"""The web app's sessions on disk and its recorded-video jobs: an upload checked by its content and size,
analysed in a worker thread through the same ``analyze_video`` and session outputs as ``formcheck analyze``.

Everything is written under the app's data directory: ``sessions/<id>/`` holds a session's files under
fixed names (the upload's own name is never used as a path), and the history is the data directory's.
"""

from __future__ import annotations

import re
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from formcheck.analysis.loop import FrameState
from formcheck.analysis.sinks import OnFrame
from formcheck.app.session_outputs import Request, prepare, video_started_at
from formcheck.definitions.loader import Catalogue
from formcheck.errors import FormcheckError
from formcheck.report.build import AnyReport
from formcheck.report.routine_report import RoutineReport

SESSION_ID = re.compile(r"^[0-9a-f]{16}$")
# What a session directory may hold, by the name it is served under (nothing else is ever served).
FILES = {
    "report.json": "application/json",
    "report.html": "text/html; charset=utf-8",
    "frames.csv": "text/csv; charset=utf-8",
    "annotated.mp4": "video/mp4",
}
HISTORY_NAME = "history.sqlite3"


class UploadRejected(ValueError):
    """An upload that is not a video formcheck can read, or too big; the message says which."""


def display_name(name: str | None) -> str | None:
    """An uploaded file's own name as the report shows it: its last path component, printable characters only,
    at most 120 of them. It is only ever shown, never used as a path."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if c.isprintable()).strip()[:120]
    return None if base in ("", ".", "..") else base


def renamed(report: AnyReport, name: str) -> AnyReport:
    """The report with ``video`` the name the person knows the file by (a routine's blocks too)."""
    if isinstance(report, RoutineReport):
        return replace(report, video=name, blocks=[replace(b, video=name) for b in report.blocks])
    return replace(report, video=name)


def new_session_id() -> str:
    return secrets.token_hex(8)


def session_dir(data_dir: Path, session_id: str) -> Path:
    """The directory of a session id the server made (anything else is refused before the disk is touched)."""
    if not SESSION_ID.match(session_id):
        raise KeyError(session_id)
    return data_dir / "sessions" / session_id


def history_path(data_dir: Path) -> Path:
    return data_dir / HISTORY_NAME


@dataclass
class Job:
    """One uploaded video being analysed."""

    id: str
    exercise: str | None
    variant: str | None
    name: str | None = None  # the uploaded file's own name (display_name), for the report's "video"
    program: Path | None = None  # a routine done as this program file (``serve --program``)
    state: str = "queued"  # queued, running, done, error
    frames_done: int = 0
    frames_total: int = 0
    error: str | None = None
    summary: str | None = None
    files: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        share = self.frames_done / self.frames_total if self.frames_total else None
        return {
            "id": self.id,
            "state": self.state,
            "exercise": self.exercise,
            "variant": self.variant,
            "program": self.program is not None,
            "progress": None if share is None else round(min(share, 1.0), 3),
            "error": self.error,
            "summary": self.summary,
            "files": self.files,
        }


class Jobs:
    """Uploaded videos analysed one at a time, in a worker thread (the model takes both cores' worth)."""

    def __init__(self, data_dir: Path, catalogue: Catalogue, analyse: Callable[..., AnyReport] | None = None) -> None:
        self.data_dir, self.catalogue = data_dir, catalogue
        self._analyse = analyse
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._one_at_a_time = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, video: Path, job: Job) -> Job:
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(video, job), name=f"formcheck-job-{job.id}", daemon=True).start()
        return job

    def check(self, exercise: str | None, variant: str | None, program: Path | None = None) -> None:
        """Bad names (or a program file gone bad) fail at once, not after the upload has been analysed."""
        prepare(self.catalogue, Request(exercise, variant, no_history=True, program=program))

    def _run(self, video: Path, job: Job) -> None:
        with self._one_at_a_time:
            job.state = "running"
            try:
                report = self._analyse_one(video, job)
                job.summary = report.summary()
                job.state = "done"
            except FormcheckError as exc:
                job.state, job.error = "error", str(exc)
            except Exception as exc:  # a bug: the job says so, the server keeps serving
                traceback.print_exc()
                job.state, job.error = "error", f"internal error: {exc}"

    def _analyse_one(self, video: Path, job: Job) -> AnyReport:
        from formcheck.app.api import analyze_video

        out = video.parent
        named = job.exercise is not None
        req = Request(
            job.exercise,
            job.variant,
            html=out / "report.html",
            csv=out / "frames.csv" if named else None,
            history_path=history_path(self.data_dir),
            program=job.program,
        )
        plan, outputs = prepare(self.catalogue, req)  # in this thread: the history is this thread's
        job.frames_total = _frame_count(video)

        def step(_state: FrameState) -> None:
            job.frames_done += 1

        record = outputs.record(plan)
        try:
            report = (self._analyse or analyze_video)(
                video, plan=plan, annotate_to=out / "annotated.mp4", record=record, sinks=(OnFrame(step),)
            )
        except BaseException:
            outputs.close()
            raise
        if job.name:
            report = renamed(report, job.name)
        started = video_started_at(video, report.duration_s)
        outputs.finish(report, record, json_path=out / "report.json", video=video, kind="analyze", started_at=started)
        job.files = [name for name in FILES if (out / name).exists()]
        return report


def _frame_count(video: Path) -> int:
    """The container's frame count, for the progress bar (0: unknown; the analysis reads the frames)."""
    import cv2

    cap = cv2.VideoCapture(str(video))
    try:
        return max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0))
    finally:
        cap.release()
