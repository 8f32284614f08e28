"""The live camera set-up check: judged from each frame alone, so it sees the set-up put right even while
counting waits (the session is not fed meanwhile)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from stickfigure import Posture, make_pose

from formcheck.live.setup_check import CLEAR_S, NO_PERSON, NOT_SIDE_ON, PERSIST_S, TOO_DARK, SetUpCheck, set_up_problem
from formcheck.pose.landmarks import LM, NUM_LANDMARKS

GREY = np.full((480, 640, 3), 128, np.uint8)


def _world(facing: bool) -> np.ndarray:
    """World landmarks with the hips and shoulders across the camera (facing it) or along its axis."""
    w = np.zeros((NUM_LANDMARKS, 3))
    axis = np.array([0.15, 0.0, 0.0]) if facing else np.array([0.0, 0.0, 0.15])
    for left, right in ((LM.LEFT_HIP, LM.RIGHT_HIP), (LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER)):
        w[left], w[right] = axis, -axis
    return w


def test_each_frame_is_judged_by_itself():
    standing = make_pose(Posture(pelvis=(320.0, 230.0)), torso=90.0)
    assert set_up_problem(GREY, standing, side_view=True) is None
    assert set_up_problem(GREY, None, side_view=True) == NO_PERSON
    assert set_up_problem(np.zeros_like(GREY), standing, side_view=True) == TOO_DARK
    facing = replace(standing, world=_world(facing=True))
    assert set_up_problem(GREY, facing, side_view=True) == NOT_SIDE_ON
    assert set_up_problem(GREY, facing, side_view=False) is None  # a front-view variant wants exactly that
    assert set_up_problem(GREY, replace(standing, world=_world(facing=False)), side_view=True) is None


def test_the_check_clears_once_the_person_walks_in():
    # nobody for 3 s (counting waits), then the person in view: the check must see it without the session
    standing = make_pose(Posture(pelvis=(320.0, 230.0)), torso=90.0)
    check = SetUpCheck()
    shown = []
    for i in range(150):
        t = i / 30
        pose = None if t < 3.0 else standing
        shown.append(check.update(t, set_up_problem(GREY, pose, side_view=True)))
    assert shown[int((PERSIST_S + 0.1) * 30)] == NO_PERSON
    assert check.ok and shown[-1] is None
    first_ok = next(i for i, p in enumerate(shown) if i > 30 and p is None)
    assert 3.0 + CLEAR_S - 0.05 <= first_ok / 30 <= 3.0 + CLEAR_S + 0.1
