"""A folder of recordings: one report per video, a summary row each, errors in their rows; locally and on Ray."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.app.api import Plan
from formcheck.app.batch import Job, find_videos, run_batch
from formcheck.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
CLIPS = (
    "leg-lifts__side-lying__good-left",
    "leg-lifts__supine-bent-knee__faults",
    "leg-lifts__standing-straight-leg__good-right",
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Sample clips with their saved landmarks, and a file that is not a video."""
    d = tmp_path / "clinic"
    d.mkdir()
    for name in CLIPS:
        for suffix in (".mp4", ".landmarks.npz"):
            shutil.copy(ROOT / "sample_videos" / f"{name}{suffix}", d / f"{name}{suffix}")
    (d / "broken.mp4").write_text("not a video")
    (d / "notes.txt").write_text("not looked at")
    return d


def test_videos_are_found_in_folders_globs_and_names(folder: Path):
    in_folder = find_videos([str(folder)])
    assert [p.name for p in in_folder] == sorted(f"{n}.mp4" for n in (*CLIPS, "broken"))
    assert find_videos([str(folder / "leg-lifts__s*.mp4")]) == [
        p for p in in_folder if p.name.startswith("leg-lifts__s")
    ]
    assert find_videos([str(folder / "x.mp4"), str(folder / "x.mp4")]) == [folder / "x.mp4"]  # its error: its row
    with pytest.raises(InputError, match="no videos found"):
        find_videos([str(folder / "*.mkv")])


def rows_of(csv_path: Path) -> list[dict[str, str]]:
    with open(csv_path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_batch_writes_a_report_per_video_and_a_row_each_even_for_a_broken_file(folder: Path, tmp_path: Path):
    out = tmp_path / "reports"
    rows = run_batch(
        find_videos([str(folder)]),
        Job(Plan.of("leg-lifts"), from_landmarks=True),
        report_dir=out,
        csv_path=out / "summary.csv",
        jobs=2,
        progress=False,
    )
    assert len(rows) == 4
    table = {Path(r["video"]).stem: r for r in rows_of(out / "summary.csv")}
    assert table["broken"]["status"] == "error" and "cannot read landmarks" in table["broken"]["error"]
    side = table["leg-lifts__side-lying__good-left"]
    assert side["status"] == "ok" and side["variant"] == "side-lying" and side["reps_left"] == "4"
    faults = table["leg-lifts__supine-bent-knee__faults"]
    assert faults["fault_codes"] == "knee_angle lowering_too_fast other_leg_lifts" and faults["reps_right"] == "4"
    report = json.loads(Path(side["report"]).read_text())
    assert report["reps"] == {"left": 4, "right": 0}


def test_batch_on_ray_gives_the_same_reports_as_locally(folder: Path, tmp_path: Path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'formcheck[ray]')")
    videos = find_videos([str(folder / "leg-lifts__*.mp4")])
    job = Job(Plan.of("leg-lifts"), from_landmarks=True)
    local, remote = tmp_path / "local", tmp_path / "ray"
    run_batch(videos, job, report_dir=local, csv_path=local / "s.csv", jobs=1, progress=False)
    run_batch(videos, job, report_dir=remote, csv_path=remote / "s.csv", engine="ray", progress=False)
    for v in videos:
        name = f"{v.stem}.formcheck.json"
        assert json.loads((remote / name).read_text()) == json.loads((local / name).read_text())
    assert [r["video"] for r in rows_of(remote / "s.csv")] == [r["video"] for r in rows_of(local / "s.csv")]


def test_one_video_options_are_refused_for_a_batch(folder: Path, tmp_path: Path):
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", str(folder), "-e", "leg-lifts", "--out", "x.mp4"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert res.returncode == 2
    assert "--out, --json and --save-landmarks are for one video" in res.stderr


def test_a_batch_refuses_per_frame_outputs(folder: Path, tmp_path: Path):
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", str(folder), "-e", "leg-lifts", "--csv", "f.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert res.returncode == 2
    assert "--html and --csv are for one video; a batch's table is --summary" in res.stderr


def test_the_driver_stores_each_analysed_video_in_the_history(folder: Path, tmp_path: Path):
    from formcheck.history.store import History

    with History(tmp_path / "h.sqlite3") as history:
        run_batch(
            find_videos([str(folder)]),
            Job(Plan.of("leg-lifts"), from_landmarks=True),
            report_dir=tmp_path,
            csv_path=tmp_path / "s.csv",
            jobs=2,
            progress=False,
            history=history,
        )
        rows = history.sessions()
    assert sorted(Path(r.video).stem for r in rows) == sorted(CLIPS)  # not the broken file
    assert {r.kind for r in rows} == {"analyze"}
