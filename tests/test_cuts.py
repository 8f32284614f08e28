"""Edited video: cuts restart tracking, and frames without the whole body never count."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from stickfigure import SUPINE_REST, Key, make_pose, timeline, with_leg

from formcheck.analysis.session import Session
from formcheck.definitions.loader import load_exercises
from formcheck.engine.features import FeatureExtractor
from formcheck.io.cuts import CutDetector

EXERCISES = load_exercises()


def scene(seed: int, x: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.tile(rng.integers(40, 220, (1, 1, 3), dtype=np.uint8), (480, 640, 1))
    img[:240] = rng.integers(40, 220, 3, dtype=np.uint8)  # a wall above a floor
    img[150:400, x : x + 60] = (30, 30, 200)  # a person moving across
    return img


def test_movement_is_not_a_cut_but_a_new_shot_or_a_title_card_is():
    det = CutDetector()
    flags = [det.update(scene(1, 100 + 12 * i)) for i in range(20)]  # fast movement: 12 px a frame
    assert not any(flags)
    assert det.update(scene(2, 300))  # another room
    assert not det.update(scene(2, 310))
    assert det.update(np.full((480, 640, 3), 250, np.uint8))  # a white title card
    assert not det.update(np.full((480, 640, 3), 250, np.uint8))


def test_the_body_jumping_across_the_frame_is_a_new_shot():
    fe = FeatureExtractor()
    pose = make_pose(SUPINE_REST)
    for i in range(10):
        f = fe.update(i / 30, pose)
        assert not f.cut
    moved = replace(pose, xy=pose.xy + np.array([250.0, 0.0]))
    assert fe.update(10 / 30, moved).cut
    assert not fe.update(11 / 30, moved).cut


def test_shoulders_guessed_outside_the_picture_are_not_a_whole_body():
    pose = make_pose(SUPINE_REST)
    xy = pose.xy.copy()
    xy[[11, 12]] = (-80.0, 380.0)  # a close-up of the legs: MediaPipe places the shoulders off-screen
    f = FeatureExtractor().update(0.0, replace(pose, xy=xy))
    assert not f.has_pose


def run(keys: list[Key], cut_at: float, variant: str, exercise: str = "leg-lifts"):  # type: ignore[no-untyped-def]
    s = Session(EXERCISES[exercise], variant)
    for t, posture in timeline(keys, 30.0):
        s.update(t, make_pose(posture), cut=abs(t - cut_at) < 1e-6)
    return s.finish()


def test_a_rep_under_way_at_a_cut_is_dropped():
    top = with_leg(SUPINE_REST, "right", hip=90, knee=90)
    keys = [
        Key(0, SUPINE_REST),
        Key(1, SUPINE_REST),
        Key(2, top),
        Key(3, top),
        Key(4.5, SUPINE_REST),
        Key(6, SUPINE_REST),
    ]
    keys += [Key(7, top), Key(8, top), Key(9.5, SUPINE_REST), Key(11, SUPINE_REST)]
    assert run(keys, -1.0, "supine-bent-knee").result.reps == {"left": 0, "right": 2}
    summary = run(keys, 8.0, "supine-bent-knee")  # a cut while the second lift is at the top
    assert summary.result.reps == {"left": 0, "right": 1}
    assert summary.cuts == 1


def test_a_hold_goes_on_through_a_cut_away_but_not_through_a_switch_of_sides():
    chest = with_leg(SUPINE_REST, "right", hip=55, knee=70)
    rest = SUPINE_REST
    keys = [Key(0, rest), Key(1, rest), Key(2, chest), Key(20, chest), Key(21, rest), Key(22, rest)]
    # the video cuts away (3 s without the body, as to a close-up) and back, the person still holding
    s = Session(EXERCISES["hamstring-stretch"], "supine-knee-to-chest")
    for t, posture in timeline(keys, 30.0):
        away = 10.0 <= t < 13.0
        s.update(t, None if away else make_pose(posture), cut=abs(t - 10.0) < 1e-6 or abs(t - 13.0) < 1e-6)
    holds = s.finish().result.holds
    assert len(holds) == 1 and holds[0].duration_s > 16
    # in a live session the person says they switch sides: the hold ends there
    s = Session(EXERCISES["hamstring-stretch"], "supine-knee-to-chest")
    for t, posture in timeline(keys, 30.0):
        if abs(t - 10.0) < 1e-6:
            s.interrupt()
        s.update(t, make_pose(posture))
    holds = s.finish().result.holds
    assert len(holds) == 2 and holds[0].end_s == pytest.approx(10.0, abs=0.1)


@pytest.mark.parametrize(("shots", "judged"), [(3, True), (6, False)])
def test_a_montage_of_shots_is_not_judged_as_one_set(shots, judged):
    # Bent-knee lifts cut into shots, each followed by as long a title card or close-up with no body in it.
    # A couple of cuts is a recording paused and resumed; a montage of many is not one set to count.
    from formcheck.definitions.loader import find_exercise

    s = Session(find_exercise("leg-lifts", EXERCISES), None)
    top = with_leg(SUPINE_REST, "right", hip=90, knee=90)
    t, dt = 0.0, 1 / 30
    for shot in range(shots):
        keys = [
            Key(0, SUPINE_REST),
            Key(1, SUPINE_REST),
            Key(2, top),
            Key(2.6, top),
            Key(4, SUPINE_REST),
            Key(5, SUPINE_REST),
        ]
        for i, (_, posture) in enumerate(timeline(keys)):
            s.update(t, make_pose(posture), cut=shot > 0 and i == 0)
            t += dt
        for _ in range(round(5.5 / dt)):  # the card: nobody in it
            s.update(t, None)
            t += dt
    summary = s.finish()
    if judged:
        assert summary.undetermined is None and summary.result.reps["right"] == shots
    else:
        assert summary.undetermined is not None and "edited video" in summary.undetermined


def test_cuts_only_after_the_set_are_not_a_montage():
    """A continuous set filmed in one shot, then the camera picked up (real footage: many cuts, the face close up,
    no legs): one set, judged. The same cuts spread between shots of the set are a montage (above)."""
    from formcheck.definitions.loader import find_exercise

    s = Session(find_exercise("leg-lifts", EXERCISES), None)
    top = with_leg(SUPINE_REST, "right", hip=90, knee=90)
    keys = [Key(0, SUPINE_REST)]
    for n in range(3):
        t0 = 1 + 5 * n
        keys += [Key(t0, SUPINE_REST), Key(t0 + 1, top), Key(t0 + 1.6, top), Key(t0 + 3, SUPINE_REST)]
    keys.append(Key(17, SUPINE_REST))
    t, dt = 0.0, 1 / 30
    for t, posture in timeline(keys):
        s.update(t, make_pose(posture))
    for i in range(round(20 / dt)):  # 20 s of camera handling: a cut every second, nobody's legs in it
        t += dt
        s.update(t, None, cut=i % 30 == 0)
    summary = s.finish()
    assert summary.cuts >= 4 and summary.frames_with_legs < 0.6 * summary.frames
    assert summary.undetermined is None and summary.result.reps["right"] == 3
