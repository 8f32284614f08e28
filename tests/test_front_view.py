"""Movements seen from the front: a standing side raise is judged in the image plane, and only from the front."""

from __future__ import annotations

import math

import numpy as np

from formcheck.analysis.session import Session
from formcheck.definitions.loader import find_exercise, load_exercises
from formcheck.pose.landmarks import LM, NUM_LANDMARKS, Pose

EXERCISES = load_exercises()
TORSO = 120.0  # pixels


def front_pose(raise_left: float = 0.0, raise_right: float = 0.0, lean: float = 0.0, side_on: bool = False) -> Pose:
    """A person standing facing the camera (the camera sees their front: their left leg on image right), each
    leg raised sideways by the given degrees, the trunk leaning ``lean`` degrees towards image left. World
    landmarks as MediaPipe gives them (metres, the left-right axis along x); ``side_on``: along z instead."""
    xy = np.zeros((NUM_LANDMARKS, 2))
    mid_hip = np.array([320.0, 260.0])
    up = np.array([-math.sin(math.radians(lean)), -math.cos(math.radians(lean))])
    across = np.array([-up[1], up[0]])  # towards image right, perpendicular to the trunk
    mid_sh = mid_hip + up * TORSO
    for side, sign, raised in (("LEFT", 1.0, raise_left), ("RIGHT", -1.0, raise_right)):
        hip = mid_hip + np.array([sign * 0.18 * TORSO, 0.0])
        a = math.radians(raised)
        down = np.array([sign * math.sin(a), math.cos(a)])  # a leg raised outwards, to its own side
        knee = hip + down * 0.9 * TORSO
        ankle = knee + down * 0.85 * TORSO
        xy[LM[f"{side}_HIP"]], xy[LM[f"{side}_KNEE"]], xy[LM[f"{side}_ANKLE"]] = hip, knee, ankle
        xy[LM[f"{side}_HEEL"]] = ankle + np.array([0.0, 0.05 * TORSO])
        xy[LM[f"{side}_FOOT"]] = ankle + np.array([sign * 0.1 * TORSO, 0.08 * TORSO])
        xy[LM[f"{side}_SHOULDER"]] = mid_sh + across * sign * 0.3 * TORSO
        xy[LM[f"{side}_ELBOW"]] = xy[LM[f"{side}_SHOULDER"]] + np.array([sign * 0.1, 0.5]) * TORSO
        xy[LM[f"{side}_WRIST"]] = xy[LM[f"{side}_SHOULDER"]] + np.array([sign * 0.15, 1.0]) * TORSO
    head = mid_sh + up * 0.4 * TORSO
    for i in range(NUM_LANDMARKS):
        if not xy[i].any():
            xy[i] = head
    world = np.zeros((NUM_LANDMARKS, 3))
    world[:, :2] = (xy - mid_hip) / TORSO * 0.5  # metres, centred between the hips
    if side_on:  # turned 90 degrees: the left-right axis points at the camera
        world[:, 2], world[:, 0] = world[:, 0], 0.0
    return Pose(xy=xy, visibility=np.full(NUM_LANDMARKS, 0.95), image_size=(640, 640), world=world)


def side_raises(side_on: bool = False, lean: float = 0.0) -> Session:
    s = Session(find_exercise("leg-lifts", EXERCISES), None)
    t, dt = 0.0, 1 / 30
    # 1.5 s standing, then 3 raises of the right leg and 3 of the left: 0.5 s up to 50 degrees, 0.5 s down, 1 s rest
    plan = [("rest", 1.5)] + [(leg, 2.0) for leg in ("right",) * 3 + ("left",) * 3] + [("rest", 1.5)]
    for leg, dur in plan:
        n = round(dur / dt)
        for i in range(n):
            phase = i * dt
            angle = 50.0 * math.sin(math.pi * min(phase, 1.0)) if leg != "rest" else 0.0
            raised = {"left": 0.0, "right": 0.0}
            if leg != "rest":
                raised[leg] = angle
            s.update(t, front_pose(raised["left"], raised["right"], lean=lean * angle / 50.0, side_on=side_on))
            t += dt
    return s


def test_a_side_raise_filmed_from_the_front_is_counted_per_leg():
    summary = side_raises().finish()
    assert summary.variant.name == "standing-side-raise"
    assert summary.undetermined is None
    assert summary.result.reps == {"left": 3, "right": 3}
    assert summary.result.faults == []


def test_leaning_away_from_the_raised_leg_is_flagged():
    summary = side_raises(lean=30.0).finish()
    assert summary.variant.name == "standing-side-raise"
    assert summary.result.reps == {"left": 3, "right": 3}
    assert {f.code for f in summary.result.faults} == {"trunk_side_bend"}


def test_a_side_raise_is_not_judged_side_on():
    # Turned side-on, a leg moving in the picture is a front raise: the side raise refuses it as seen from the side.
    s = side_raises(side_on=True)
    summary = s.finish()
    (raise_result,) = [r for _, v, r in s.all_results() if v.name == "standing-side-raise"]
    assert sum(raise_result.reps.values()) == 0
    assert any("needs a front view" in why.text for why in raise_result.rejected)
    assert summary.variant.name != "standing-side-raise"
