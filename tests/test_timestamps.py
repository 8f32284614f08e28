"""Frames whose timestamp is not after the last one (repeated, set back, NaN, infinite): dropped, counted and
said in a note, as if they were not there; through a session, and through a replayed recording. (Part of
the engine's fuzzing, ``test_fuzz_engine.py``, whose clips and runner these tests use.)"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from test_fuzz_engine import CLIPS, EXERCISES, SAMPLES, Frames, _clip, run

from formcheck.analysis.session import Session
from formcheck.app.api import analyze_landmarks
from formcheck.pose.landmarks import LM
from formcheck.report.exercise_report import Report


def _with_bad_times(frames: Frames, every: int = 7) -> Frames:
    """``frames`` with a frame of bad time inserted after every ``every``-th: the same time again, a time
    set back, NaN, infinite. Each carries the pose of the frame before it (what a stuck clock would give)."""
    t, poses = [], []
    bad = (lambda x: x, lambda x: x - 0.5, lambda x: math.nan, lambda x: math.inf, lambda x: -math.inf)
    for i, (x, p) in enumerate(zip(frames.t, frames.poses)):
        t.append(x)
        poses.append(p)
        if i % every == every - 1:
            t.append(bad[(i // every) % len(bad)](x))
            poses.append(p)
    return Frames(t, poses)


def _findings(report: Report) -> tuple[object, ...]:
    return report.variant, report.reps, report.holds, report.faults, report.frames, report.frames_with_pose


@pytest.mark.parametrize(("clip", "fixed"), [(CLIPS[0], False), (CLIPS[3], True), (CLIPS[6], True)])
def test_frames_whose_time_is_not_after_the_last_are_dropped_and_counted(clip: str, fixed: bool) -> None:
    t, poses = _clip(clip)
    exercise, variant = clip.split("__")[:2]
    clean = Frames([float(x) for x in t], list(poses))
    bad = _with_bad_times(clean)
    good, broken = (run(frames, exercise, variant if fixed else None) for frames in (clean, bad))
    assert _findings(broken.report) == _findings(good.report)  # as if the bad frames were not there
    assert broken.session.dropped_frames == len(bad.t) - len(clean.t) > 50
    assert f"{len(bad.t) - len(clean.t)} frame(s) skipped: their timestamp was not after" in " ".join(
        broken.report.notes
    )
    assert any(good.report.reps.values()) or good.report.holds  # something to lose


def test_a_cut_on_a_dropped_frame_is_kept_for_the_next_one() -> None:
    ex = EXERCISES["leg-lifts"]
    s = Session(ex, "side-lying")
    s.update(0.0, None)
    s.update(0.0, None, cut=True)  # dropped, but the new shot starts at the next frame
    res = s.update(0.1, None)
    assert res.features.cut and s.cuts == 1 and s.frames == 2 and s.dropped_frames == 1


def test_a_recording_with_broken_timestamps_replays_like_one_without(tmp_path: Path) -> None:
    """Through ``analyze_landmarks`` (the replay pipeline), from a file with frames of repeated, set back and
    missing times and NaN landmarks in some frames: the bad frames are skipped and said in a note, the
    report is strict JSON."""
    src = SAMPLES / f"{CLIPS[0]}.landmarks.npz"
    with np.load(src) as data:
        arrays = {k: data[k] for k in data.files}
    keep = np.arange(len(arrays["t"]))
    idx = np.sort(np.concatenate([keep, keep[10::25]]))  # every 25th frame twice
    broken = {k: (v[idx] if k != "meta" else v) for k, v in arrays.items()}
    t = broken["t"].astype(float)
    dup = np.flatnonzero(np.diff(idx) == 0) + 1
    t[dup[1::3]] -= 1.0  # some set back, some NaN, the rest repeated
    t[dup[2::3]] = np.nan
    broken["t"] = t
    xy = broken["xy"].astype(float)
    xy[100:103, LM.LEFT_ANKLE] = np.nan  # a few frames' ankle lost (a file written by another tool)
    xy[300, LM.RIGHT_SHOULDER, 1] = -np.inf
    broken["xy"] = xy
    path = tmp_path / "broken.landmarks.npz"
    np.savez_compressed(path, **broken)
    clean_report = analyze_landmarks(src, "leg-lifts")
    report = analyze_landmarks(path, "leg-lifts")
    assert report.reps == clean_report.reps == {"left": 4, "right": 0}
    assert report.frames == clean_report.frames
    assert any(n.startswith(f"{len(dup)} frame(s) skipped") for n in report.notes)
    json.dumps(report.to_dict(), allow_nan=False)
