"""A folder of recordings at once: each video analysed in its own process (or as a Ray task), one report per
video and a summary table with a row per video. A video that cannot be analysed gets its error in its row;
the others go on.

The work of one video is ``analyze_one``, the same function whichever engine runs it, and it returns the
report as data: the driver writes every file, so reports from a Ray cluster are the same as local ones.
"""

from __future__ import annotations

import csv
import glob
import os
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formcheck.app.api import Plan
from formcheck.definitions.vocabulary import Side
from formcheck.errors import FormcheckError, InputError
from formcheck.io.files import VIDEO_SUFFIXES, default_report_path, write_atomic
from formcheck.report.exercise_report import Report

if TYPE_CHECKING:
    from formcheck.history.store import History

CSV_COLUMNS = (
    "video",
    "status",
    "error",
    "exercise",
    "variant",
    "recognised",
    "reps_left",
    "reps_right",
    "reps_both",
    "holds",
    "longest_hold_s",
    "faults",
    "fault_codes",
    "duration_s",
    "pose_coverage",
    "partial",
    "report",
)


@dataclass(frozen=True)
class Job:
    """What each video is analysed with: the plan (its catalogue, the exercise with the person's targets in
    it, resolved once by the driver) travels to every worker as plain data."""

    plan: Plan
    model_complexity: int = 1
    model_path: str | None = None
    from_landmarks: bool = False  # re-analyse NAME.landmarks.npz beside each video instead of running the model


@dataclass(frozen=True)
class Result:
    """One video's outcome: its report, or why it could not be analysed."""

    video: str
    report: Report | None
    error: str | None = None


def find_videos(patterns: Iterable[str]) -> list[Path]:
    """Files, folders (their videos, not recursing) and glob patterns, in a stable order, without repeats."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        p = Path(pattern)
        if p.is_dir():
            paths = sorted(q for q in p.iterdir() if q.suffix.lower() in VIDEO_SUFFIXES and q.is_file())
        elif any(ch in pattern for ch in "*?["):
            paths = sorted(Path(q) for q in glob.glob(pattern) if Path(q).suffix.lower() in VIDEO_SUFFIXES)
        else:
            paths = [p]  # a file: its errors (missing, not a video) go in its row
        for q in paths:
            found.setdefault(q, None)
    if not found:
        raise InputError(f"no videos found in {' '.join(patterns)}")
    return list(found)


def analyze_one(video: str, job: Job) -> Result:
    """Analyse one video; never raises for the video's own problems (they become the result's ``error``)."""
    from formcheck.app.api import analyze_landmarks, analyze_video

    try:
        if job.from_landmarks:
            report = analyze_landmarks(Path(video).with_suffix(".landmarks.npz"), plan=job.plan)
        else:
            report = analyze_video(
                video, plan=job.plan, model_complexity=job.model_complexity, model_path=job.model_path
            )
    except FormcheckError as exc:
        return Result(video, None, str(exc))
    except Exception as exc:  # one broken file must not stop a clinic's batch
        return Result(video, None, f"{type(exc).__name__}: {exc}")
    assert isinstance(report, Report)  # a batch names its exercise
    return Result(video, report)


def run_local(videos: list[Path], job: Job, jobs: int) -> Iterator[Result]:
    """Results as they complete, ``jobs`` processes at a time (spawned: MediaPipe does not like forks)."""
    if jobs <= 1:
        for v in videos:
            yield analyze_one(str(v), job)
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(analyze_one, str(v), job) for v in videos]
        for fut in as_completed(futures):
            yield fut.result()


def run_ray(videos: list[Path], job: Job, address: str | None) -> Iterator[Result]:
    """One Ray task per video, on the cluster at ``address`` ($RAY_ADDRESS; none: a local instance)."""
    try:
        import ray
    except ImportError:
        raise FormcheckError("--engine ray needs Ray: pip install 'formcheck[ray]'") from None
    address = address or os.environ.get("RAY_ADDRESS") or None
    started = not ray.is_initialized()
    if started:
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
        except Exception as exc:
            raise FormcheckError(
                f"cannot reach the Ray cluster at {address or 'a new local instance'}: {exc}"
            ) from None
    try:
        task = ray.remote(analyze_one)
        pending = [task.remote(str(v), job) for v in videos]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield ray.get(done[0])
    finally:
        if started:
            ray.shutdown()


def summarise(result: Result, path: Path | None) -> dict[str, Any]:
    """One row of the summary table."""
    row: dict[str, Any] = dict.fromkeys(CSV_COLUMNS, "")
    row["video"] = result.video
    rep = result.report
    if rep is None:
        row.update(status="error", error=result.error)
        return row
    holds = rep.holds
    row.update(
        status="ok" if rep.recognised else "not recognised",
        error=rep.undetermined or "",
        exercise=rep.exercise,
        variant=rep.variant,
        recognised=rep.variant_detected,
        reps_left=rep.reps.get(Side.LEFT, 0),
        reps_right=rep.reps.get(Side.RIGHT, 0),
        reps_both=rep.reps.get(Side.BOTH, ""),
        holds=len(holds),
        longest_hold_s=max((h.duration_s for h in holds), default=""),
        faults=len(rep.faults),
        fault_codes=" ".join(sorted({f.code for f in rep.faults})),
        duration_s=round(rep.duration_s, 3),
        pose_coverage=round(rep.pose_coverage, 4),
        partial=rep.partial,
        report=str(path) if path else "",
    )
    return row


def run_batch(
    videos: list[Path],
    job: Job,
    *,
    report_dir: Path,
    csv_path: Path,
    jobs: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    progress: bool | None = None,
    history: History | None = None,
) -> list[dict[str, Any]]:
    """Analyse every video, write its report into ``report_dir`` and the summary table to ``csv_path``, and
    store each session in ``history`` (here, in the driver: one writer however many workers); returns the
    table's rows in the order of ``videos``."""
    from formcheck.app.session_outputs import video_started_at
    from formcheck.history.store import kept_in_history

    results = run_ray(videos, job, ray_address) if engine == "ray" else run_local(videos, job, jobs)
    bar = None
    if progress is None:
        progress = sys.stderr.isatty()
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(videos), desc="videos", unit="video", file=sys.stderr, dynamic_ncols=True)
    rows: dict[str, dict[str, Any]] = {}
    try:
        for result in results:
            path = None
            if result.report is not None:
                path = default_report_path(result.video, report_dir)
                result.report.write_json(path)
                if history is not None and kept_in_history(result.report, "analyze"):
                    started = video_started_at(result.video, result.report.duration_s)
                    history.record(result.report, kind="analyze", started_at=started)
            rows[result.video] = summarise(result, path)
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
        ordered = [rows[str(v)] for v in videos if str(v) in rows]
        write_csv(ordered, csv_path)
    return ordered


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    w.writeheader()
    w.writerows(rows)
    write_atomic(path, buf.getvalue())
