"""``formcheck analyze``: one recorded video (an exercise, or a whole routine), or a batch of them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from formcheck.app.session_outputs import Request, SessionOutputs, prepare, print_and_exit, video_started_at
from formcheck.definitions.loader import Catalogue
from formcheck.errors import InterruptedRun
from formcheck.io.files import check_video_name, check_writable, default_report_path


def is_batch(videos: tuple[str, ...], jobs: int | None, engine: str) -> bool:
    """Several videos, a folder, a glob, or batch options: a batch (one video otherwise)."""
    single = len(videos) == 1 and not Path(videos[0]).is_dir() and not any(c in videos[0] for c in "*?[")
    return not single or jobs is not None or engine != "local"


def analyze(videos: tuple[str, ...], **o: Any) -> None:
    batch = is_batch(videos, o["jobs"], o["engine"])
    req = Request.of_options(o)
    catalogue = Catalogue.load(o["poses_dir"])  # a malformed poses/ fails before anything else
    if batch:
        if o["out"] or o["json_path"] or o["save_landmarks"]:
            raise click.UsageError("--out, --json and --save-landmarks are for one video; a batch uses --report-dir")
        if o["html_path"] or o["csv_path"]:
            raise click.UsageError("--html and --csv are for one video; a batch's table is --summary")
        plan, outputs = prepare(catalogue, Request(**{**req.__dict__, "batch": True}))
        _batch(videos, plan, outputs, **o)
        return
    video = Path(videos[0])
    json_path = o["json_path"] or default_report_path(video)
    check_writable(json_path, o["out"], o["save_landmarks"], o["html_path"], o["csv_path"])
    check_video_name(o["out"])
    plan, outputs = prepare(catalogue, req)
    _one(video, json_path, plan, outputs, o)


def _one(video: Path, json_path: Path, plan: Any, outputs: SessionOutputs, o: dict[str, Any]) -> None:
    from formcheck.app.api import analyze_video

    record = outputs.record(plan)
    try:
        report = analyze_video(
            video,
            plan=plan,
            model_complexity=o["model_complexity"],
            model_path=o["model_path"],
            annotate_to=o["out"],
            save_landmarks=o["save_landmarks"],
            progress=None,
            record=record,
        )
    except BaseException:
        outputs.close()
        raise
    started = video_started_at(video, report.duration_s)
    lines = outputs.finish(report, record, json_path=json_path, video=video, kind="analyze", started_at=started)
    print_and_exit(
        report,
        lines,
        json_path,
        quiet=o["quiet"],
        cut_short="interrupted: partial report written to",
        nobody=str(video),
    )


def _batch(videos: tuple[str, ...], plan: Any, outputs: SessionOutputs, **o: Any) -> None:
    from formcheck.app.batch import Job, find_videos, run_batch

    paths = find_videos(videos)
    report_dir: Path = o["report_dir"]
    csv_path = o["summary_path"] or report_dir / "formcheck-summary.csv"
    check_writable(report_dir / "probe", csv_path)
    job = Job(plan, o["model_complexity"], str(o["model_path"]) if o["model_path"] else None)
    try:
        rows = run_batch(
            paths,
            job,
            report_dir=report_dir,
            csv_path=csv_path,
            jobs=o["jobs"] or 1,
            engine=o["engine"],
            ray_address=o["ray_address"],
            history=outputs.history,
        )
    finally:
        outputs.close()
    failed = [r for r in rows if r["status"] == "error"]
    if not o["quiet"]:
        for r in rows:
            click.echo(_row_line(r))
        click.echo(f"{len(rows)} video(s), {len(failed)} failed; summary: {csv_path}")
    if len(rows) < len(paths):
        raise InterruptedRun(f"interrupted after {len(rows)} of {len(paths)} videos: summary written to {csv_path}")
    if failed and len(failed) == len(rows):
        click.echo(f"formcheck: error: no video could be analysed (see {csv_path})", err=True)
        sys.exit(1)


def _row_line(r: dict[str, Any]) -> str:
    if r["status"] == "error":
        return f"{r['video']}: ERROR {r['error']}"
    if r["status"] == "not recognised":
        return f"{r['video']}: {r['error']}"
    reps = f"both {r['reps_both']}" if r["reps_both"] != "" else f"left {r['reps_left']}, right {r['reps_right']}"
    return f"{r['video']}: {r['variant']}; reps {reps}; {r['holds']} hold(s); {r['faults']} fault(s)"
