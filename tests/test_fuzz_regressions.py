"""Regressions the engine's fuzzing found (``test_fuzz_engine.py``, whose clips and runner these use): each
a case that once broke a hold, a rep or the frames after a broken landmark."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from stickfigure import Key, Posture, make_pose, timeline, with_leg
from test_fuzz_engine import CLIPS, Frames, _clip, check, run

from formcheck.engine.statemachines import HoldTimer
from formcheck.pose.landmarks import LM


def test_a_hold_does_not_run_through_a_jump_in_the_timestamps() -> None:
    """machines.HoldTimer: 10 s with no frames at all (video missing) in the middle of a hold ended it
    only if the first frame after the gap was out of position; in position, the hold ran on through."""
    t, poses = _clip("hamstring-stretch__supine-knee-to-chest__good-both")
    times = [float(x) + (10.0 if x >= 10.0 else 0.0) for x in t]  # the right leg is held from 4.8 s to 15.7 s
    r = check(Frames(times, list(poses)), ("hamstring-stretch", "supine-knee-to-chest"))
    right = [h for h in r.report.holds if h.side == "right"]
    assert right and all(h.end_s < 10.0 or h.start_s >= 20.0 for h in right), right
    assert right[0].start_s == pytest.approx(4.767, abs=0.1) and right[0].end_s < 10.0


def test_a_hold_candidate_does_not_bridge_a_gap() -> None:
    """machines.HoldTimer: in position once, then again after a long gap, became a hold from the first frame."""
    timer = HoldTimer()
    for t in [0.0, 0.1, 10.0, *(10.0 + i / 10 for i in range(1, 40))]:
        timer.update(t, True)
    hold = timer.finish()
    assert hold is not None and hold.start_s == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("field_", "landmark", "value"),
    [
        ("xy", LM.LEFT_SHOULDER, (300.0, -math.inf)),  # above the picture, infinitely: it was "seen"
        ("xy", LM.LEFT_HIP, (math.nan, math.nan)),
        ("z", LM.LEFT_HIP, math.nan),  # a NaN in the chirality's running average stayed for good
        ("xy", LM.NOSE, (math.inf, 0.0)),
        ("world", LM.LEFT_HIP, (math.inf, math.nan, 0.0)),
    ],
)
@pytest.mark.filterwarnings("error::RuntimeWarning")  # a broken landmark is handled, not computed through
def test_one_broken_landmark_in_one_frame_changes_nothing_after_it(field_: str, landmark: int, value: object) -> None:
    """features.FeatureExtractor: one frame with an infinite shoulder made the torso scale infinite for the
    rest of the video (no leg measured again: 4 reps became 0); a NaN depth froze the body's chirality."""
    t, clean = _clip(CLIPS[0])
    poses = list(clean)
    p = poses[5]
    assert p is not None
    arr = getattr(p, field_).copy()
    arr[landmark] = value
    poses[5] = replace(p, **{field_: arr})
    good = run(Frames([float(x) for x in t], list(clean)), "leg-lifts", "side-lying")
    broken = run(Frames([float(x) for x in t], poses), "leg-lifts", "side-lying")
    assert broken.report.reps == good.report.reps == {"left": 4, "right": 0}
    assert broken.session.frames_with_legs >= good.session.frames_with_legs - 1
    assert broken.session.finish().camera_side == good.session.finish().camera_side


def test_the_top_hold_of_an_uncounted_cycle_is_not_reported_with_the_next_rep() -> None:
    """engine.VariantEngine: a lift held 25 s is no rep of the standing straight-leg lift (a hold), but its
    top hold stayed pending and was reported with the next rep (from 2.3 s to 34.8 s, "completed"), hiding
    that rep's 4 s hold."""
    stand = Posture(pelvis=(320.0, 220.0))
    top = with_leg(stand, "left", hip=125.0, knee=178.0)
    keys = [Key(0, stand), Key(1, stand), Key(2, top), Key(27, top), Key(28.6, stand), Key(29.6, stand)]
    keys += [Key(30.6, top), Key(34.6, top), Key(36.2, stand), Key(37.2, stand)]
    frames = [(ft, make_pose(p)) for ft, p in timeline(keys, 30.0)]
    r = check(Frames([ft for ft, _ in frames], [p for _, p in frames]), ("leg-lifts", "standing-straight-leg"))
    assert r.report.reps == {"left": 1, "right": 0}
    (hold,) = r.report.holds
    assert hold.start_s > 30.0 and hold.duration_s == pytest.approx(4.0, abs=0.7) and not hold.completed
    assert [f.code for f in r.report.faults] == ["hold_too_short"]
