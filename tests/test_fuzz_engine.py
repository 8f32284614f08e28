"""Fuzzing the per-frame path (features -> legs -> engines, as ``Session.update`` runs it) with hypothesis.

Sequences start from real motion (slices of the sample clips' saved landmarks, or stick-figure movements)
or are random landmarks, and get adversarial edits: NaN or infinite coordinates, frames without a pose,
single landmarks missing (zero visibility) or at the origin, a landmark or the whole body teleported, the
left and right legs (or the whole body) swapped for a few frames, frozen (repeated) frames, cuts, a body
collapsed to one point, and timestamps that jump forward by seconds, repeat, go backwards or are NaN. Each
runs through a ``Session`` of a drawn exercise, with a drawn variant or none (then every exercise's engines
run, as the pipeline does), and into a ``Report``.

Invariants tested:

- nothing raises, and the report is strict JSON (every float finite or null: ``allow_nan=False``);
- a frame whose timestamp is not after the last accepted one (or not finite) is dropped by the session, and
  counted (``SessionSummary.dropped_frames``, a note in the report); the accepted frames are exactly the
  strictly increasing finite ones (first and last time, frame count);
- per frame, every candidate engine's rep counts (and the counts shown) never decrease, and do not change on
  a frame where no pose is seen; at the end each engine's counts equal its rep events per side;
- every rep, hold and fault of every engine lies inside [first timestamp, last timestamp] with start <= end;
- an engine's holds never overlap each other (so neither do two holds on one side), and a hold at the top
  of a rep lies inside a counted rep;
- holds and reps start and end on frames where a pose was seen. Holds deliberately continue through an
  unseen stretch of up to ``HoldTimer.unseen_grace_s`` (5 s: a cut-away or a lost detection is not the
  end of a hold), so "no hold runs while no pose is seen" is tested as: a hold never starts or ends on an
  unseen frame, and inside a hold no stretch between two frames with a pose is longer than 5 s (a gap in
  the timestamps counts as unseen);
- a sequence without any pose produces no rep, hold or fault in any engine.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from fuzz_edits import Frames, edited
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stickfigure import SIDE_KNEEL, STANDING, SUPINE_REST, Key, make_pose, timeline, with_leg

from formcheck.analysis.loop import RunInfo
from formcheck.analysis.session import Session
from formcheck.definitions.loader import load_exercises
from formcheck.definitions.schema import Variant
from formcheck.engine.findings import VariantResult
from formcheck.engine.statemachines import HoldTimer
from formcheck.pose.landmarks import NUM_LANDMARKS, Pose
from formcheck.pose.recording import ReplayBackend
from formcheck.report.exercise_report import Report

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
EXERCISES = load_exercises()
ALL_ENGINES = [ex.name for ex in EXERCISES.values()]
# One clip per kind of movement: reps per leg, top holds, holds of one leg, of a stance, of both legs.
CLIPS = (
    "leg-lifts__side-lying__good-left",
    "leg-lifts__standing-straight-leg__good-right",
    "leg-lifts__supine-bent-knee__good-both",
    "hamstring-stretch__supine-knee-to-chest__good-both",
    "hamstring-stretch__standing-toe-reach__good-deep-fold",
    "hip-flexor-stretch__half-kneeling__good-right",
    "glute-bridge__supine-bridge__good",
)
# (exercise, fixed variant or None): the session with every exercise's engines, and each variant alone.
TARGETS: list[tuple[str, str | None]] = [(e.name, None) for e in EXERCISES.values()]
TARGETS += [(e.name, v.name) for e in EXERCISES.values() for v in e.variants]
UNSEEN_GRACE_S = HoldTimer().unseen_grace_s
EPS = 1e-3  # events are rounded to milliseconds


# NaN and infinite landmarks make numpy say so while the features are computed (and come out unknown).
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _clip(name: str) -> tuple[np.ndarray, tuple[Pose | None, ...]]:
    replay = ReplayBackend(SAMPLES / f"{name}.landmarks.npz")
    return np.asarray(replay.t, dtype=float), tuple(replay.pose_at(i) for i in range(len(replay)))


# --- base motion ---------------------------------------------------------------------------------------


@st.composite
def real_motion(draw: st.DrawFn) -> Frames:
    """A slice of a sample clip's landmarks, every frame or every second or third one (a lower frame rate)."""
    t, poses = _clip(draw(st.sampled_from(CLIPS)))
    stride = draw(st.integers(1, 3))
    n = draw(st.sampled_from([2, 40, 150, 300, 450]))  # long enough for holds (the clips' last 15-40 s)
    start = draw(st.integers(0, max(0, len(t) - n * stride)))
    idx = range(start, min(len(t), start + n * stride), stride)
    return Frames([float(t[i]) for i in idx], [poses[i] for i in idx])


POSTURES = (STANDING, SUPINE_REST, SIDE_KNEEL, replace(SUPINE_REST, hip=(175.0, 175.0)))


@st.composite
def stick_motion(draw: st.DrawFn) -> Frames:
    """Stick-figure movement between random keyframes: legs lifted, bent and held in a few base postures."""
    base = draw(st.sampled_from(POSTURES))
    fps = draw(st.sampled_from([10.0, 24.0, 30.0, 60.0]))
    keys, t = [Key(0.0, base)], 0.0
    for _ in range(draw(st.integers(1, 8))):
        t += draw(st.sampled_from([0.3, 1.0, 2.5, 9.0]))  # a twitch, a rep, a short hold, a long one
        p = base
        for side in draw(st.sampled_from([(), ("left",), ("right",), ("left", "right")])):
            p = with_leg(p, side, hip=draw(st.floats(30.0, 210.0)), knee=draw(st.floats(30.0, 190.0)))
        keys.append(Key(t, p))
    chirality = draw(st.sampled_from([1, -1]))
    frames = [(ft, make_pose(p, chirality=chirality)) for ft, p in timeline(keys, fps)][:300]
    return Frames([ft for ft, _ in frames], [p for _, p in frames])


@st.composite
def random_frames(draw: st.DrawFn) -> Frames:
    """Landmarks anywhere (in and around the picture), with any visibility, sometimes none at all."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 90))
    size = draw(st.sampled_from([(640, 480), (1, 1), (0, 0), (1920, 1080)]))
    w, h = max(size[0], 1), max(size[1], 1)
    poses: list[Pose | None] = []
    for _ in range(n):
        if rng.random() < 0.15:
            poses.append(None)
            continue
        xy = rng.uniform(-0.5, 1.5, (NUM_LANDMARKS, 2)) * (w, h)
        vis = rng.uniform(0.0, 1.0, NUM_LANDMARKS)
        z = rng.normal(0.0, w / 4, NUM_LANDMARKS) if rng.random() < 0.7 else None
        world = rng.normal(0.0, 0.5, (NUM_LANDMARKS, 3)) if rng.random() < 0.7 else None
        poses.append(Pose(xy, vis, size, z, world))
    return Frames([i / 30.0 for i in range(n)], poses)


# --- running and checking ------------------------------------------------------------------------------


@dataclass
class Run:
    session: Session
    report: Report
    t: list[float]  # the accepted frames' times
    seen: list[float]  # ... of those with a pose


def run(frames: Frames, exercise: str, variant: str | None) -> Run:
    """Feed ``frames`` through a session as the pipeline does, checking the per-frame invariants."""
    ex = EXERCISES[exercise]
    session = Session(ex, variant, others=EXERCISES.values())
    accepted: list[float] = []
    seen: list[float] = []
    counts = {name: dict(eng.reps.counts) for name, eng in session.engines.items() if eng.reps is not None}
    shown: dict[str, int] | None = None
    for t, pose, cut in zip(frames.t, frames.poses, frames.cuts):
        res = session.update(t, pose, cut)
        fresh = math.isfinite(t) and (not accepted or t > accepted[-1])
        if fresh:
            accepted.append(t)
            if res.features.has_pose:
                seen.append(t)
        for name, before in counts.items():
            now = dict(session.engines[name].reps.counts)  # type: ignore[union-attr]
            assert all(now[s] >= before[s] for s in before), (name, t, before, now)
            if not (fresh and res.features.has_pose):
                assert now == before, f"{name}: a rep counted at {t} with no pose seen"
            counts[name] = now
        snap = res.snapshot
        assert snap.hold_elapsed_s is None or (math.isfinite(snap.hold_elapsed_s) and snap.hold_elapsed_s >= 0)
        if variant is not None:
            assert shown is None or all(snap.reps[s] >= shown[s] for s in shown)
            shown = snap.reps
    assert session.frames == len(accepted)
    assert session.frames_with_pose == len(seen)
    summary = session.finish()
    assert summary.dropped_frames == len(frames.t) - len(accepted)
    if accepted:
        assert summary.first_t == accepted[0] and summary.last_t == accepted[-1]
    report = Report.build(summary, RunInfo("fuzz", 30.0, (640, 480), "fuzz"))
    json.dumps(report.to_dict(), allow_nan=False)  # every float finite or null
    report.summary()
    if summary.dropped_frames:
        assert any("timestamp" in n for n in report.notes)
    return Run(session, report, accepted, seen)


def _at_a_seen_frame(x: float, seen: list[float]) -> bool:
    i = bisect.bisect_left(seen, x - EPS)
    return i < len(seen) and seen[i] <= x + EPS


def check_result(variant: Variant, res: VariantResult, r: Run) -> None:
    """The invariants on one engine's findings over the whole sequence."""
    first, last = (r.t[0], r.t[-1]) if r.t else (0.0, 0.0)
    where = res.variant
    sides = {s: sum(e.side == s for e in res.rep_events) for s in res.reps}
    assert sides == res.reps, (where, res.reps, res.rep_events)
    for ev in [*res.rep_events, *res.holds, *res.faults]:
        assert first - EPS <= ev.start_s <= ev.end_s <= last + EPS, (where, ev, first, last)
    for ev in [*res.rep_events, *res.holds]:
        assert _at_a_seen_frame(ev.start_s, r.seen) and _at_a_seen_frame(ev.end_s, r.seen), (where, ev)
    holds = sorted(res.holds, key=lambda h: h.start_s)
    for a, b in zip(holds, holds[1:]):
        assert b.start_s >= a.end_s - EPS, (where, "holds overlap", a, b)
    for h in holds:
        inside = r.seen[bisect.bisect_left(r.seen, h.start_s - EPS) : bisect.bisect_right(r.seen, h.end_s + EPS)]
        gaps = [b - a for a, b in zip(inside, inside[1:])]
        assert max(gaps, default=0.0) <= UNSEEN_GRACE_S + EPS, (where, "a hold through a long unseen stretch", h)
    if variant.reps is not None:
        # a hold at the top of a rep is inside that rep
        for h in holds:
            assert any(e.start_s - EPS <= h.start_s <= h.end_s <= e.end_s + EPS for e in res.rep_events), (where, h)
    if not r.seen:
        assert not res.rep_events and not res.holds and not res.faults, where


def check(frames: Frames, target: tuple[str, str | None]) -> Run:
    r = run(frames, *target)
    results = r.session.all_results()
    assert len(results) == (1 if target[1] else sum(len(e.variants) for e in EXERCISES.values()))
    for _, variant, res in results:
        check_result(variant, res, r)
    return r


targets = st.sampled_from(TARGETS)


@settings(FUZZ, max_examples=40)
@given(frames=edited(real_motion()), target=targets)
def test_real_motion_with_adversarial_edits(frames: Frames, target: tuple[str, str | None]) -> None:
    check(frames, target)


@settings(FUZZ, max_examples=30)
@given(frames=edited(stick_motion()), target=targets)
def test_stick_figure_motion_with_adversarial_edits(frames: Frames, target: tuple[str, str | None]) -> None:
    check(frames, target)


@settings(FUZZ, max_examples=20)
@given(frames=edited(random_frames()), target=targets)
def test_random_landmarks(frames: Frames, target: tuple[str, str | None]) -> None:
    check(frames, target)


@settings(FUZZ, max_examples=10)
@given(
    t=st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=0, max_size=60),
    target=targets,
)
def test_no_pose_at_all_finds_nothing(t: list[float], target: tuple[str, str | None]) -> None:
    r = check(Frames(t, [None] * len(t)), target)
    assert r.report.reps == dict.fromkeys(r.report.reps, 0) and not r.report.holds and not r.report.faults
