"""The HTML report: self-contained, rendered by a real browser (headless Chromium), plots present and not empty;
the frame CSV re-read and checked against the JSON report; --html/--csv through the CLI."""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.analysis.frame_record import FrameRecord
from formcheck.analysis.sinks import OnFrame
from formcheck.app.api import Plan, analyze_landmarks, analyze_video
from formcheck.pose.recording import ReplayBackend
from formcheck.report.frame_csv import write_frame_csv
from formcheck.report.html import BLANK, JOINT_COLOURS, read_frames_at, render_html, write_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
# Reps with a hold at the top of each, and three faults: every part of the report has something to show.
CLIP = SAMPLES / "leg-lifts__standing-straight-leg__faults.mp4"
HOLD_CLIP = SAMPLES / "hamstring-stretch__supine-knee-to-chest__good-both.mp4"
LIVE_CLIP = SAMPLES / "leg-lifts__side-lying__faults-right.mp4"  # short: live plays it in real time (x8)
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)


def replayed(clip: Path, exercise: str, **kw):  # type: ignore[no-untyped-def]
    """The clip's video decoded as analyze does, with the pose model replayed from its saved landmarks."""
    plan = Plan.of(exercise)
    record = FrameRecord(plan.exercise, poses=True)
    report = analyze_video(
        clip, plan=plan, backend=ReplayBackend(clip.with_suffix(".landmarks.npz")), record=record, **kw
    )
    return report, record.trace(report.variant)


@pytest.fixture(scope="module")
def analysed():  # type: ignore[no-untyped-def]
    return replayed(CLIP, "leg-lifts")


def embedded_images(page: str) -> list[np.ndarray]:
    out = []
    for b64 in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page):
        img = cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8), cv2.IMREAD_COLOR)
        assert img is not None
        out.append(img)
    return out


def colour_pixels(img: np.ndarray, hex_rgb: str, tol: int = 40) -> int:
    """Pixels within ``tol`` of a colour (BGR image, "#rrggbb")."""
    rgb = np.array([int(hex_rgb[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(img.astype(int) - rgb[::-1]).sum(axis=2) < tol).sum())


def test_the_report_is_one_self_contained_file_with_every_part(analysed, tmp_path: Path):
    report, trace = analysed
    size = write_html(tmp_path / "r.html", report, trace, CLIP)
    page = (tmp_path / "r.html").read_text()
    assert size == len(page.encode()) and size < 2_000_000
    # Nothing to fetch: no scripts, no links or sources outside the file.
    assert "<script" not in page and not re.search(r'(src|href)="(?!data:)', page)
    images = embedded_images(page)
    assert len(images) == 2 + len(report.faults)  # angles, holds, a still per fault
    angles, holds = images[0], images[1]
    for img in images:
        assert img.shape[0] > 100 and img.std() > 10  # not blank
    # The curves are there in their colours, and the holds' bars in theirs.
    assert colour_pixels(angles, JOINT_COLOURS["hip"]) > 1000 and colour_pixels(angles, JOINT_COLOURS["knee"]) > 1000
    assert colour_pixels(holds, "#2ca02c") + colour_pixels(holds, "#ff7f0e") > 2000
    for f in report.faults:
        assert f.message in page
    assert "reps / target" in page and f"{report.reps['left']} / 10-15" in page
    assert "Targets: reps 10-15 per leg" in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_the_report_renders_in_headless_chromium(analysed, tmp_path: Path):
    report, trace = analysed
    page = tmp_path / "report.html"
    write_html(page, report, trace, CLIP)
    shot = tmp_path / "shot.png"
    res = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",  # root in CI
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1100,2600",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert shot.exists(), res.stderr
    img = cv2.imread(str(shot))
    assert img.shape[:2] == (2600, 1100)
    # The holds' bars (green: reached the target), and above them the angle plot: its curves' colours fill
    # two panels below the title and the table.
    bars = np.argwhere(np.abs(img.astype(int) - [44, 160, 44]).sum(axis=2) < 40)
    assert len(bars) > 2000
    above = img[: bars[:, 0].min()]
    hip = np.argwhere(np.abs(above.astype(int) - [180, 119, 31]).sum(axis=2) < 40)
    knee = np.argwhere(np.abs(above.astype(int) - [40, 39, 214]).sum(axis=2) < 40)
    assert len(hip) > 1000 and len(knee) > 1000
    top, bottom = hip[:, 0].min(), hip[:, 0].max()
    assert 150 < top < bottom and bottom - top > 200  # two panels' worth of curve
    region = img[top:bottom, 50:1050]
    assert region.std() > 20 and len(np.unique(region.reshape(-1, 3), axis=0)) > 50
    # Below the bars, the still frames of the faults: pictures, not white page.
    lower = img[bars[:, 0].max() + 50 :]
    assert ((765 - lower.astype(int).sum(axis=2)) > 150).sum() > 150_000  # two stills' worth at least


def test_a_still_is_the_frame_at_its_timestamp():
    seen: dict[float, np.ndarray] = {}

    def keep(state):  # type: ignore[no-untyped-def]
        frame = state.frame
        if frame.index in (0, 101, 402):
            seen[frame.t] = frame.image.copy()
        if frame.index == 402:
            raise KeyboardInterrupt  # the rest of the clip is not needed (the analysis stops as on Ctrl-C)

    analyze_video(CLIP, "leg-lifts", backend=ReplayBackend(CLIP.with_suffix(".landmarks.npz")), sinks=[OnFrame(keep)])
    found = read_frames_at(CLIP, list(seen))
    assert set(found) == set(seen)
    for t, image in seen.items():
        assert np.array_equal(found[t], image), t


def test_replayed_landmarks_are_drawn_on_a_blank_canvas():
    plan = Plan.of("leg-lifts")
    record = FrameRecord(plan.exercise, poses=True)
    report = analyze_landmarks(CLIP.with_suffix(".landmarks.npz"), plan=plan, record=record)
    page = render_html(report, record.trace(report.variant), None)
    stills = embedded_images(page)[2:]
    assert len(stills) == len(report.faults) > 0
    for still in stills:
        background = (np.abs(still.astype(int) - BLANK).sum(axis=2) < 3).mean()
        assert 0.7 < background < 0.99  # mostly the canvas, with a skeleton on it
    assert "skeleton only: no video frame" in page


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("clip", "exercise"), [(CLIP, "leg-lifts"), (HOLD_CLIP, "hamstring-stretch")])
def test_the_frame_csv_agrees_with_the_json_report(clip: Path, exercise: str, tmp_path: Path):
    plan = Plan.of(exercise)
    recorder = FrameRecord(plan.exercise)
    report = analyze_landmarks(clip.with_suffix(".landmarks.npz"), plan=plan, record=recorder)
    write_frame_csv(recorder.trace(report.variant), tmp_path / "frames.csv")
    report.write_json(tmp_path / "r.json")
    rows, rep = read_csv(tmp_path / "frames.csv"), json.loads((tmp_path / "r.json").read_text())
    assert len(rows) == rep["frames"]
    t = np.array([float(r["t"]) for r in rows])
    assert np.all(np.diff(t) > 0)
    assert sum(int(r["pose_seen"]) for r in rows) == rep["frames_with_pose"]
    # Reps: each side's count steps up by one exactly at the frame its rep ended, and ends at the report's.
    for side, n in rep["reps"].items():
        counts = np.array([int(r[f"reps_{side}"] or 0) for r in rows])
        steps = t[1:][np.diff(counts) == 1]
        ends = [e["end_s"] for e in rep["rep_events"] if e["side"] == side]
        assert counts[-1] == n == len(ends)
        assert np.allclose(steps, ends, atol=1e-3)
    for e in rep["rep_events"]:  # a rep is under way through it
        inside = [r for r, x in zip(rows, t) if e["start_s"] + 0.2 <= x < e["end_s"] - 1e-3]
        assert inside and all(r["rep_up"] == "1" for r in inside), [
            (r["t"], r["rep_up"]) for r in inside if r["rep_up"] != "1"
        ]
    # Holds: each timed hold lies within one run of frames with the hold clock going, and that clock
    # reached at least its duration (its ends are trimmed to where the person was still).
    held = np.array([r["hold_s"] != "" for r in rows])
    clock = np.array([float(r["hold_s"] or "nan") for r in rows])
    edges = np.flatnonzero(np.diff(np.r_[0, held.astype(int), 0]))
    runs = list(zip(edges[::2], edges[1::2]))
    assert rep["holds"] and len(runs) >= len(rep["holds"])
    for h in rep["holds"]:
        a, b = next((a, b) for a, b in runs if t[a] - 0.35 <= h["start_s"] and h["end_s"] <= t[b - 1] + 1e-3)
        assert 0 <= np.nanmax(clock[a:b]) - h["duration_s"] <= 2.5
        assert {r["phase"] for r in rows[a:b]} <= {"holding", "release"}
    # The angles are the engine's: the range of motion in the report is within the CSV's.
    for side, rom in rep["range_of_motion"].items():
        if rom:
            hips = np.array([float(r[f"{side}_hip"]) for r in rows if r[f"{side}_hip"]])
            assert hips.min() - 1 <= rom["hip"][0] <= rom["hip"][1] <= hips.max() + 1


def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI in this process with the pose model replayed from each clip's saved landmarks."""
    import formcheck.app.api
    import formcheck.io.sources

    real = formcheck.app.api.analyze_video

    def analyze(video, *a, **kw):  # type: ignore[no-untyped-def]
        return real(video, *a, backend=ReplayBackend(Path(video).with_suffix(".landmarks.npz")), **kw)

    monkeypatch.setattr(formcheck.app.api, "analyze_video", analyze)
    monkeypatch.setattr(
        formcheck.io.sources, "PacedFileSource", partial(formcheck.io.sources.PacedFileSource, speed=8.0)
    )
    replay = LIVE_CLIP.with_suffix(".landmarks.npz")
    monkeypatch.setattr("formcheck.live.coach.make_backend", lambda *a: ReplayBackend(replay))


def run_cli(*args: str) -> None:
    from formcheck.app.cli import cli

    cli.main(args=list(args), prog_name="formcheck", standalone_mode=False)


def test_analyze_writes_html_csv_and_the_targets_it_used(monkeypatch, tmp_path: Path, capsys):
    fast_cli(monkeypatch)
    out = tmp_path / "out"
    run_cli(
        "analyze",
        str(CLIP),
        "-e",
        "leg-lifts",
        "--json",
        str(out / "r.json"),
        "--html",
        str(out / "r.html"),
        "--csv",
        str(out / "f.csv"),
        "--target",
        "reps=4",
        "--target",
        "hold=8",
    )
    text = capsys.readouterr().out
    assert "Targets: reps 4 per leg (--target), hold 8 s (--target)" in text
    assert f"HTML report: {out / 'r.html'}" in text and f"Frames: {out / 'f.csv'}" in text
    rep = json.loads((out / "r.json").read_text())
    assert rep["reps_target"] == [4, 4] and rep["hold_target_s"] == 8.0
    assert rep["target_sources"] == {"reps": "--target", "hold": "--target"}
    assert [h["completed"] for h in rep["holds"]] == [h["duration_s"] >= 8.0 for h in rep["holds"]]
    assert len(read_csv(out / "f.csv")) == rep["frames"]
    assert "hold 8 s (--target)" in (out / "r.html").read_text()


def test_live_writes_html_and_csv_too(monkeypatch, tmp_path: Path):
    fast_cli(monkeypatch)
    run_cli(
        "live",
        "-e",
        "leg-lifts",
        "--source",
        str(LIVE_CLIP),
        "--no-window",
        "--quiet",
        "--json",
        str(tmp_path / "r.json"),
        "--html",
        str(tmp_path / "r.html"),
        "--csv",
        str(tmp_path / "f.csv"),
    )
    rep = json.loads((tmp_path / "r.json").read_text())
    assert len(read_csv(tmp_path / "f.csv")) == rep["frames"] > 100
    assert len(embedded_images((tmp_path / "r.html").read_text())) >= 2


@pytest.mark.parametrize("option", ["--html", "--csv"])
def test_an_unwritable_html_or_csv_fails_before_the_analysis(tmp_path: Path, option: str):
    (tmp_path / "file").write_text("")
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", str(CLIP), "-e", "leg-lifts", option, "file/x.out"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert res.returncode == 1
    assert res.stderr.strip() == "formcheck: error: cannot write file/x.out: file is not a folder"
    assert not list(tmp_path.glob("*.json"))


def test_every_analysis_goes_into_the_history_unless_opted_out(monkeypatch, tmp_path: Path, capsys):
    from formcheck.history.store import History, default_history_path

    fast_cli(monkeypatch)
    run_cli("analyze", str(LIVE_CLIP), "-e", "leg-lifts", "--json", str(tmp_path / "a.json"))
    run_cli("analyze", str(LIVE_CLIP), "-e", "leg-lifts", "--json", str(tmp_path / "b.json"), "--no-history")
    assert "History: session 1 in" in capsys.readouterr().out
    with History(default_history_path()) as h:
        (row,) = h.sessions()
    rep = json.loads((tmp_path / "a.json").read_text())
    assert row.variant == rep["variant"] and row.reps == rep["reps"] and row.kind == "analyze"
    # dated by the recording: its file's time less its length
    assert abs(row.started_at.timestamp() - (LIVE_CLIP.stat().st_mtime - rep["duration_s"])) < 1.5


def test_a_routine_gets_its_html_report_a_section_per_block(monkeypatch, tmp_path: Path, capsys):
    from formcheck.report.routine_html import BLOCK_ALPHA, BLOCK_COLOURS

    fast_cli(monkeypatch)
    routine = SAMPLES / "routines" / "routine__standing-leg-lifts-toe-reach-kneeling.mp4"
    run_cli("analyze", str(routine), "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"))
    assert f"HTML report: {tmp_path / 'r.html'}" in capsys.readouterr().out
    segs = json.loads((tmp_path / "r.json").read_text())["segments"]
    page = (tmp_path / "r.html").read_text()
    assert "<script" not in page and not re.search(r'(src|href)="(?!data:)', page)
    for i, s in enumerate(segs, 1):
        assert f"<h2>{i}. {s['exercise_title']}: {s['variant_title']}</h2>" in page
        assert f"{s['start_s']:.1f}-{s['end_s']:.1f} s" in page
    assert page.count("<tr><td>") == len(segs)
    # the timeline: a bar in each exercise's colour, the holds in green under them
    (timeline,) = embedded_images(page)
    for colour in BLOCK_COLOURS[: len({s["exercise"] for s in segs})]:
        rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        light = "#" + "".join(f"{round(BLOCK_ALPHA * c + (1 - BLOCK_ALPHA) * 255):02x}" for c in rgb)  # on white
        assert colour_pixels(timeline, light) > 2000
    assert colour_pixels(timeline, "#2ca02c") > 200
