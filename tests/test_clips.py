"""End to end: the real MediaPipe model on every sample clip, judged against the clip's ground truth.

Each clip's JSON sidecar (written by the renderer from the animation script, never by a detector) gives
the true reps per side, holds and injected faults. The variant is not given: it must be recognised.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from bench.evaluate import Truth, evaluate
from formcheck.pipeline import analyze_video

ROOT = Path(__file__).resolve().parents[1]
TRUTHS = sorted((ROOT / "sample_videos").glob("*.json"))
# Rendered after the analysis was written and measured once as it stood (see sample_videos/README.md).
HELDOUT = sorted((ROOT / "sample_videos" / "heldout").glob("*.json"))
HOLD_TOLERANCE_S = 1.0
KNOWN_MISSES = {
    "hamstring-stretch__split-stance-wall__good-left-noisy": (
        "MediaPipe draws both legs between front and back for ~2 s mid-hold (back leg nearest the camera), "
        "longer than the 1 s grace, so the 14 s hold is reported as 6.7 s"
    ),
}


def _params(paths: list[Path]) -> list:  # type: ignore[type-arg]
    return [
        pytest.param(p, id=p.stem, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[p.stem]))
        if p.stem in KNOWN_MISSES
        else pytest.param(p, id=p.stem)
        for p in paths
    ]


pytestmark = pytest.mark.slow


def test_sample_set_is_complete():
    truths = [Truth.load(p) for p in TRUTHS]
    assert truths, "no sample clips in sample_videos/"
    from formcheck.exercises import load_exercises

    variants = {(e.name, v.name) for e in load_exercises().values() for v in e.variants}
    good = {(t.exercise, t.variant) for t in truths if t.good_form}
    assert variants <= good, f"variants without a good-form clip: {sorted(variants - good)}"
    for ex in {t.exercise for t in truths}:
        assert sum(1 for t in truths if t.exercise == ex and not t.good_form) >= 2, ex
    for t in truths:
        assert t.video.exists(), t.video


@pytest.mark.parametrize("truth_path", _params(TRUTHS + HELDOUT))
def test_clip_matches_truth(truth_path: Path):
    truth = Truth.load(truth_path)
    report = analyze_video(truth.video, truth.exercise)
    ev = evaluate(report, truth)
    assert report.variant == truth.variant, f"variant {report.variant} recognised, truth {truth.variant}"
    assert ev.reps_measured == ev.reps_true, f"reps {ev.reps_measured}, truth {ev.reps_true}"
    for h in ev.holds:
        assert h.measured_s is not None, f"missed the {h.side} hold of {h.true_s:.1f} s: {report.holds}"
        assert h.error_s <= HOLD_TOLERANCE_S, f"{h.side} hold {h.measured_s:.2f} s, truth {h.true_s:.2f} s"
    assert ev.extra_holds == 0, f"holds reported that did not happen: {report.holds}"
    assert not ev.missed_faults, f"injected faults not reported: {ev.missed_faults}"
    assert not ev.false_faults, f"faults reported that were not there: {ev.false_faults}"


def test_cli_writes_contract_and_annotated_video(tmp_path):
    truth = Truth.load(next(p for p in TRUTHS if "leg-lifts" in p.name and "good" in p.name))
    out_json, out_mp4 = tmp_path / "r.json", tmp_path / "annotated.mp4"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck.cli",
            "analyze",
            str(truth.video),
            "--exercise",
            truth.exercise.replace("-", "_"),
            "--json",
            str(out_json),
            "--out",
            str(out_mp4),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert "Reps: left" in res.stdout
    report = json.loads(out_json.read_text())
    for key in ("exercise", "variant", "duration_s", "frames", "frames_with_pose", "reps", "holds", "faults"):
        assert key in report
    assert report["reps"] == truth.data["reps"]
    assert report["duration_s"] == pytest.approx(truth.data["duration_s"], abs=0.1)
    cap = cv2.VideoCapture(str(out_mp4))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == report["frames"]
    ok, frame = cap.read()
    assert ok and frame.shape[:2] == (truth.data["height"], truth.data["width"])


def test_cli_with_a_task_model_counts_the_same(tmp_path, task_model):
    truth = Truth.load(ROOT / "sample_videos" / "leg-lifts__side-lying__good-left.json")
    out_json = tmp_path / "r.json"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck.cli",
            "analyze",
            str(truth.video),
            "-e",
            "leg-lifts",
            "--model",
            str(task_model),
            "--json",
            str(out_json),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    report = json.loads(out_json.read_text())
    assert report["backend"] == "mediapipe-task"
    assert report["reps"] == truth.data["reps"]
