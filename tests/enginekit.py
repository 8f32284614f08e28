"""Driving a Session with synthetic landmark sequences (stickfigure.py's poses on a timeline): shared by the
engine and hold tests."""

from __future__ import annotations

from stickfigure import SUPINE_REST, Key, make_pose, timeline, with_leg

from formcheck.analysis.session import Session
from formcheck.definitions.loader import find_exercise, load_exercises
from formcheck.pose.landmarks import Pose

EXERCISES = load_exercises()


def run(
    exercise: str, variant: str | None, keys: list[Key], fps: float = 30.0, chirality: int = 1, corrupt=None, drop=None
):  # type: ignore[no-untyped-def]
    s = Session(find_exercise(exercise, EXERCISES), variant)
    for i, (t, posture) in enumerate(timeline(keys, fps)):
        pose: Pose | None = make_pose(posture, chirality=chirality)
        if drop is not None and drop(t):
            pose = None
        if corrupt is not None and pose is not None:
            pose = corrupt(i, t, pose)
        s.update(t, pose)
    summary = s.finish()
    return summary, summary.result


def lift_reps(
    side: str,
    n: int,
    t0: float,
    up_s=1.0,
    top_s=0.6,
    down_s=1.6,
    rest_s=1.0,
    top_hip=90.0,
    top_knee=90.0,
    rest=SUPINE_REST,
    other_hip=None,
) -> tuple[list[Key], float]:  # type: ignore[no-untyped-def]
    keys, t = [], t0
    other = "left" if side == "right" else "right"
    for _ in range(n):
        top = with_leg(rest, side, hip=top_hip, knee=top_knee)
        if other_hip is not None:
            top = with_leg(top, other, hip=other_hip)
        keys += [Key(t, rest), Key(t + up_s, top), Key(t + up_s + top_s, top), Key(t + up_s + top_s + down_s, rest)]
        t += up_s + top_s + down_s + rest_s
    return keys, t


CHEST = with_leg(SUPINE_REST, "right", hip=55, knee=70)  # lying, the right knee hugged to the chest
