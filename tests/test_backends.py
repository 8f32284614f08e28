"""Pose backends: the recorded-landmarks round trip, the model boundary, and the overlay on real output."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from stickfigure import SUPINE_REST, make_pose

from formcheck.analysis.session import Session
from formcheck.definitions.loader import load_exercises
from formcheck.errors import BackendError
from formcheck.io.sources import Frame
from formcheck.pose.backends import MediaPipeSolutionBackend, MediaPipeTaskBackend
from formcheck.pose.recording import LandmarkRecorder, ReplayBackend
from formcheck.render.overlay import draw_overlay


def test_recorded_landmarks_replay_within_their_rounding(tmp_path):
    rec = LandmarkRecorder()
    image = np.zeros((480, 640, 3), np.uint8)
    poses = [make_pose(SUPINE_REST), None, make_pose(SUPINE_REST, chirality=-1)]
    for i, p in enumerate(poses):
        rec.add(Frame(i, i / 30, image), p)
    rec.save(tmp_path / "lm.npz", {"video": "clip.mp4", "fps": 30.0})
    rb = ReplayBackend(tmp_path / "lm.npz")
    assert len(rb) == 3
    assert rb.meta["video"] == "clip.mp4" and rb.size == (640, 480)
    assert rb.process(Frame(1, 1 / 30, image)) is None
    for i in (0, 2):
        got = rb.process(Frame(i, i / 30, image))
        assert got is not None
        np.testing.assert_allclose(got.xy, poses[i].xy, atol=1 / 16)  # stored in 1/8 px
        np.testing.assert_allclose(got.visibility, poses[i].visibility, atol=1 / 510)


def test_replay_of_a_bad_file_is_a_clear_error(tmp_path):
    (tmp_path / "x.npz").write_text("nope")
    with pytest.raises(BackendError, match="cannot read landmarks file"):
        ReplayBackend(tmp_path / "x.npz")


def test_mediapipe_complexity_outside_range_is_refused():
    with pytest.raises(BackendError, match="must be 0, 1 or 2"):
        MediaPipeSolutionBackend(model_complexity=3)


def test_task_backend_rejects_missing_model():
    with pytest.raises(BackendError, match="pose model not found"):
        MediaPipeTaskBackend("/nonexistent/pose_landmarker.task")


@pytest.mark.slow
def test_task_backend_finds_the_person_and_agrees_with_the_legacy_backend(task_model):
    from formcheck.io.sources import VideoFileSource

    clip = Path(__file__).parents[1] / "sample_videos" / "leg-lifts__supine-bent-knee__good-both.mp4"
    task, legacy = MediaPipeTaskBackend(task_model), MediaPipeSolutionBackend()
    diffs, found = [], 0
    with VideoFileSource(clip) as src:
        for frame in itertools.islice(src, 0, 120, 4):
            a, b = task.process(frame), legacy.process(frame)
            found += a is not None
            if a is not None and b is not None:
                diffs.append(float(np.median(np.linalg.norm(a.xy[23:29] - b.xy[23:29], axis=1))))
    task.close()
    legacy.close()
    assert found >= 28  # of 30 frames
    assert np.median(diffs) < 15.0  # pixels: the same model, so the legs land in the same place


@pytest.mark.slow
def test_task_backend_rejects_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "x.task"
    bad.write_bytes(b"not a model")
    with pytest.raises(BackendError, match="cannot load pose model"):
        MediaPipeTaskBackend(bad)


def test_overlay_draws_skeleton_counts_and_cue():
    ex = load_exercises()["leg-lifts"]
    s = Session(ex, "supine-bent-knee")
    pose = make_pose(SUPINE_REST)
    for i in range(10):
        res = s.update(i / 30, pose)
    image = np.full((480, 640, 3), 128, np.uint8)
    out = draw_overlay(image, pose, res.features, res.snapshot, "Leg lifts")
    assert out.shape == image.shape and out is not image
    changed = np.any(out != image, axis=2)
    assert changed[:60].mean() > 0.3  # the panel with the counts
    assert changed[400:].any()  # the cue at the bottom
    knee = pose.xy[25].astype(int)
    assert changed[knee[1] - 3 : knee[1] + 4, knee[0] - 3 : knee[0] + 4].any()  # the skeleton at the knee
