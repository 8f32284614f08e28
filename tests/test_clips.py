"""End to end on every sample clip, judged against the clip's ground truth.

Each clip's JSON sidecar (written by the renderer from the animation script, never by a detector) gives
the true reps per side, holds and injected faults. The variant is not given: it must be recognised.
The model's landmarks for each clip are saved beside it (NAME.landmarks.npz, tools/save_landmarks.py) and
replayed here, so every clip is judged in seconds; a few clips still run the real model (marked slow), and
a test checks the saved landmarks belong to the clips and the mediapipe installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.evaluate import Truth, evaluate
from formcheck.analysis.sinks import OnFrame
from formcheck.app.api import analyze_landmarks, analyze_video
from formcheck.definitions.loader import load_exercises
from formcheck.io.files import file_sha256
from formcheck.pose.recording import ReplayBackend, read_landmarks_meta
from formcheck.report.exercise_report import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
TRUTHS = sorted(SAMPLES.glob("*.json"))
# Rendered after the analysis was written and measured once as it stood (see sample_videos/README.md).
HELDOUT = sorted((SAMPLES / "heldout").glob("*.json"))
# Movements that are none of the exercises (squats, lunges, walking, sitting): nothing may be counted.
NEGATIVES = sorted((SAMPLES / "negatives").glob("*.json"))
# The conditions real footage brings (rocking in a hold, shake, phone framing, cuts...), each on one variant.
HARD = sorted((SAMPLES / "hard").glob("*.json"))
ALL_CLIPS = sorted(SAMPLES.rglob("*.mp4"))
HOLD_TOLERANCE_S = 1.0
KNOWN_MISSES = {
    "hamstring-stretch__split-stance-wall__good-left-noisy": (
        "MediaPipe draws both legs between front and back for ~2 s mid-hold (back leg nearest the camera), "
        "longer than the 1 s grace, so the 14 s hold is reported as 6.7 s"
    ),
    "leg-lifts__standing-straight-leg__hard-portrait-small": (
        "a small person in a portrait frame: MediaPipe labels the lifted right leg as the left for a 9.8 s run "
        "covering the first rep and its hold (half the frames in all), so both reps are reported on the left"
    ),
    "leg-lifts__supine-straight-leg__good-right-left": (
        "switching legs, the left leg straightens while it rises into its first raise without ever lying flat: "
        "a leg is only taken as working once seen at rest (so a bent support leg never is), so that rep is missed"
    ),
}
# Run through the real model on every test run: one clip per orientation the model finds hardest.
REAL_MODEL_CLIPS = (
    "leg-lifts__supine-bent-knee__faults",  # reps and three faults through the model
    "hip-flexor-stretch__half-kneeling__fault-torso-lean",
    "hamstring-stretch__standing-toe-reach__fault-knees-locked",
)


def _params(paths: list[Path]) -> list:  # type: ignore[type-arg]
    return [
        pytest.param(p, id=p.stem, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[p.stem]))
        if p.stem in KNOWN_MISSES
        else pytest.param(p, id=p.stem)
        for p in paths
    ]


def landmarks(clip: Path) -> Path:
    return clip.with_suffix(".landmarks.npz")


def assert_matches_truth(report: Report, truth: Truth) -> None:
    ev = evaluate(report, truth)
    assert report.variant == truth.variant, f"variant {report.variant} recognised, truth {truth.variant}"
    assert ev.reps_measured == ev.reps_true, f"reps {ev.reps_measured}, truth {ev.reps_true}"
    for h in ev.holds:
        assert h.measured_s is not None, f"missed the {h.side} hold of {h.true_s:.1f} s: {report.holds}"
        assert h.error_s <= HOLD_TOLERANCE_S, f"{h.side} hold {h.measured_s:.2f} s, truth {h.true_s:.2f} s"
    assert ev.extra_holds == 0, f"holds reported that did not happen: {report.holds}"
    assert not ev.missed_faults, f"injected faults not reported: {ev.missed_faults}"
    assert not ev.false_faults, f"faults reported that were not there: {ev.false_faults}"


def test_sample_set_is_complete():
    truths = [Truth.load(p) for p in TRUTHS]
    assert truths, "no sample clips in sample_videos/"
    variants = {(e.name, v.name) for e in load_exercises().values() for v in e.variants}
    good = {(t.exercise, t.variant) for t in truths if t.good_form}
    assert variants <= good, f"variants without a good-form clip: {sorted(variants - good)}"
    for ex in {t.exercise for t in truths}:
        assert sum(1 for t in truths if t.exercise == ex and not t.good_form) >= 1, ex
    for t in truths:
        assert t.video.exists(), t.video


@pytest.mark.parametrize("clip", ALL_CLIPS, ids=lambda p: p.stem)
def test_saved_landmarks_belong_to_the_clip_and_the_installed_model(clip: Path):
    lm = landmarks(clip)
    assert lm.exists(), f"no saved landmarks for {clip.name}: run python -m tools.save_landmarks"
    meta = read_landmarks_meta(lm)
    stale = "out of date: run python -m tools.save_landmarks"
    assert meta["video_sha256"] == file_sha256(clip), f"{lm.name} was saved from another version of the clip; {stale}"
    assert meta["mediapipe"] == version("mediapipe"), f"{lm.name} comes from mediapipe {meta['mediapipe']}; {stale}"
    assert len(ReplayBackend(lm)) == int(cv2.VideoCapture(str(clip)).get(cv2.CAP_PROP_FRAME_COUNT))


@pytest.mark.parametrize("truth_path", _params(TRUTHS + HELDOUT + HARD))
def test_clip_matches_truth(truth_path: Path):
    truth = Truth.load(truth_path)
    assert_matches_truth(analyze_landmarks(landmarks(truth.video), truth.exercise), truth)


@pytest.mark.parametrize("truth_path", NEGATIVES, ids=lambda p: p.stem)
def test_negative_counts_nothing_for_any_exercise(truth_path: Path):
    truth = Truth.load(truth_path)
    for name in load_exercises():
        report = analyze_landmarks(landmarks(truth.video), name)
        found = (report.reps, [(h.side, h.duration_s) for h in report.holds], [f.code for f in report.faults])
        assert not any(report.reps.values()) and not report.holds and not report.faults, f"as {name}: {found}"
        assert report.undetermined is not None, f"as {name}: no note that this is not {name}"


# One good-form clip per exercise and form family, including the movements two definitions share.
MISMATCH_CLIPS = [
    SAMPLES / f"{name}.json"
    for name in (
        "glute-bridge__supine-bridge-quick__good",
        "hamstring-stretch__seated-reach__good",
        "hamstring-stretch__standing-toe-reach__good-deep-fold",
        "hamstring-stretch__supine-knee-hugs__good-alternating",
        "hamstring-stretch__supine-knee-to-chest__good-both",
        "hip-flexor-stretch__half-kneeling__good-right",
        "leg-lifts__standing-straight-leg__good-right",
        "leg-lifts__supine-double-leg__good",
        "leg-lifts__supine-leg-to-chest__good-right",
    )
]


@pytest.mark.parametrize("truth_path", MISMATCH_CLIPS, ids=lambda p: p.stem)
def test_the_wrong_exercise_gives_no_confident_numbers(truth_path: Path):
    """Analysed as any other exercise, a clip is either not judged (with the exercise it looks like) or, where
    two definitions describe the same movement (knee to chest is in the guide's hamstring stretch and leg
    lifts), judged with a note naming the other; never judged silently."""
    truth = Truth.load(truth_path)
    title = load_exercises()[truth.exercise].title
    # what it may be said to look like: its own exercise, or one its movement also fits
    shared = [n for n in analyze_landmarks(landmarks(truth.video), truth.exercise).notes if "same movement" in n]
    for name in load_exercises():
        if name == truth.exercise:
            continue
        report = analyze_landmarks(landmarks(truth.video), name)
        if report.undetermined is not None:
            assert not any(report.reps.values()) and not report.holds and not report.faults
            like = report.looks_like
            assert like is None or like.startswith(title) or any(like in n for n in shared), (like, shared)
        else:
            assert any(n.startswith(f"the same movement fits {title}: ") for n in report.notes), (name, report.notes)


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_MODEL_CLIPS)
def test_real_model_end_to_end(name: str):
    """The model itself, on a few clips: right against the truth, and what it finds frame by frame is what the
    saved landmarks the other tests replay say (nothing but their 1/8-px rounding)."""
    truth = Truth.load(SAMPLES / f"{name}.json")
    saved = ReplayBackend(landmarks(truth.video))
    poses: list = []  # type: ignore[type-arg]
    report = analyze_video(truth.video, truth.exercise, sinks=[OnFrame(lambda state: poses.append(state.pose))])
    assert len(poses) == len(saved)
    dists = []
    for i, live in enumerate(poses):
        old = saved.pose_at(i)
        assert (live is None) == (old is None), f"frame {i}: a person {'now' if old is None else 'no longer'} seen"
        if live is not None and old is not None:
            dists.append(float(np.median(np.linalg.norm(live.xy[23:29] - old.xy[23:29], axis=1))))
    assert np.max(dists) < 0.5  # pixels
    assert_matches_truth(report, truth)


@pytest.mark.slow
def test_cli_writes_contract_and_annotated_video(tmp_path):
    truth = Truth.load(ROOT / "sample_videos" / "leg-lifts__side-lying__faults-right.json")  # short: 15.9 s
    out_json, out_mp4 = tmp_path / "r.json", tmp_path / "annotated.mp4"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck",
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


@pytest.mark.slow
def test_cli_with_a_task_model_counts_the_same(tmp_path, task_model):
    truth = Truth.load(ROOT / "sample_videos" / "leg-lifts__side-lying__faults-right.json")
    out_json = tmp_path / "r.json"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "formcheck",
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
