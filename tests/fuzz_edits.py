"""Adversarial edits for the engine fuzz tests (``test_fuzz_engine.py``): the sequence under test and what
may be done to it (NaN or infinite coordinates, missing poses or landmarks, teleports, swapped legs, frozen
frames, cuts, a collapsed body, timestamps that jump, repeat, go back or are NaN)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from hypothesis import strategies as st

from formcheck.pose.landmarks import LM, NUM_LANDMARKS, Pose

# MediaPipe's left/right pairs of landmark indices (eyes, ears, mouth, arms, legs).
MIRROR = [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10)] + [(i, i + 1) for i in range(11, 33, 2)]
LEG_PAIRS = [(i, i + 1) for i in range(23, 33, 2)]


@dataclass
class Frames:
    """The sequence under test: what a source and a pose backend would hand the session."""

    t: list[float]
    poses: list[Pose | None]
    cuts: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.cuts:
            self.cuts = [False] * len(self.t)


# --- adversarial edits ---------------------------------------------------------------------------------

EDITS = (
    "nan",
    "inf",
    "nan_depth",
    "no_pose",
    "landmark_unseen",
    "landmark_origin",
    "teleport_landmark",
    "teleport_body",
    "swap_legs",
    "mirror",
    "freeze",
    "collapse",
    "cut",
    "time_jump",
    "time_repeat",
    "time_back",
    "time_nan",
)


@dataclass(frozen=True)
class Edit:
    kind: str
    at: float  # where in the sequence, 0..1
    frames: int  # how many frames it lasts
    landmark: int
    amount: float  # -1..1, scaled to a distance (2000 px) or a time (20 s forward, 5 s back)


edits = st.builds(
    Edit,
    kind=st.sampled_from(EDITS),
    at=st.floats(0.0, 1.0),
    frames=st.sampled_from([1, 2, 5, 15, 40]),
    landmark=st.integers(0, NUM_LANDMARKS - 1),
    amount=st.sampled_from([-1.0, -0.3, -0.05, 0.05, 0.3, 1.0]),
)


def _with_xy(pose: Pose, xy: np.ndarray, vis: np.ndarray | None = None) -> Pose:
    return replace(pose, xy=xy, visibility=pose.visibility if vis is None else vis)


def _swapped(pose: Pose, pairs: list[tuple[int, int]]) -> Pose:
    xy, vis = pose.xy.copy(), pose.visibility.copy()
    z = None if pose.z is None else pose.z.copy()
    world = None if pose.world is None else pose.world.copy()
    for a, b in pairs:
        for arr in (xy, vis, z, world):
            if arr is not None:
                arr[[a, b]] = arr[[b, a]]
    return Pose(xy, vis, pose.image_size, z, world)


def apply(frames: Frames, edit: Edit) -> Frames:
    """One edit on frames [i, i + edit.frames) of a copy of ``frames``."""
    t, poses, cuts = list(frames.t), list(frames.poses), list(frames.cuts)
    n = len(t)
    i = min(n - 1, int(edit.at * n))
    span = range(i, min(n, i + edit.frames))
    lm, d = edit.landmark, 2000.0 * edit.amount
    if edit.kind == "time_jump":
        t[i:] = [x + abs(d) / 100.0 for x in t[i:]]  # 1 to 20 s without frames
    elif edit.kind == "time_repeat":
        for k, j in enumerate(span):
            t[j] = t[i - 1] if i > 0 else t[0]
            if d < 0:  # not quite repeated: the smallest steps forward a float can take
                t[j] = t[j - 1] + 1e-12 * (k + 1)
    elif edit.kind == "time_back":
        back = abs(d) / 400.0  # 0.25 to 5 s
        for j in span if d > 0 else range(i, n):  # a few frames, or the clock set back for good
            t[j] -= back
    elif edit.kind == "time_nan":
        t[i] = (math.nan, math.inf, -math.inf)[int(abs(d)) % 3]
    elif edit.kind == "cut":
        cuts[i] = True
    elif edit.kind == "freeze":
        for j in span:
            poses[j] = poses[i]
    for j in span:
        p = poses[j]
        if p is None:
            continue
        if edit.kind == "nan":
            xy = p.xy.copy()
            xy[lm if d > 0 else slice(None)] = math.nan
            poses[j] = _with_xy(p, xy, np.full(NUM_LANDMARKS, math.nan) if abs(d) < 200 else None)
        elif edit.kind == "nan_depth":
            bad = math.nan if d > 0 else math.inf
            z = None if p.z is None else p.z.copy()
            world = None if p.world is None else p.world.copy()
            for arr in (z, world):
                if arr is not None:
                    arr[lm] = bad
            poses[j] = replace(p, z=z, world=world)
        elif edit.kind == "inf":
            xy = p.xy.copy()
            xy[lm] = (math.inf, -math.inf) if d > 1000 else (p.xy[lm, 0], -math.inf) if d > 0 else (1e300, -1e300)
            poses[j] = _with_xy(p, xy)
        elif edit.kind == "no_pose":
            poses[j] = None
        elif edit.kind == "landmark_unseen":
            vis = p.visibility.copy()
            vis[lm] = 0.0
            poses[j] = _with_xy(p, p.xy, vis)
        elif edit.kind == "landmark_origin":
            xy = p.xy.copy()
            xy[lm] = 0.0
            poses[j] = _with_xy(p, xy)
        elif edit.kind == "teleport_landmark":
            xy = p.xy.copy()
            xy[lm] += (d, -d / 2)
            poses[j] = _with_xy(p, xy)
        elif edit.kind == "teleport_body":
            poses[j] = _with_xy(p, p.xy + np.array([d, d / 3]))
        elif edit.kind == "swap_legs":
            poses[j] = _swapped(p, LEG_PAIRS)
        elif edit.kind == "mirror":
            poses[j] = _swapped(p, MIRROR)
        elif edit.kind == "collapse":
            xy = np.empty_like(p.xy)
            xy[:] = p.xy[LM.LEFT_HIP]  # every landmark on one point: no torso, no legs
            world = None if p.world is None else np.zeros_like(p.world)
            poses[j] = replace(p, xy=xy, world=world)
    return Frames(t, poses, cuts)


@st.composite
def edited(draw: st.DrawFn, base: st.SearchStrategy[Frames]) -> Frames:
    frames = draw(base)
    for e in draw(st.lists(edits, max_size=6)):
        frames = apply(frames, e)
    return frames
