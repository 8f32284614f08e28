"""The engine driven by synthetic landmark sequences (no video, no model)."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from enginekit import CHEST, EXERCISES, lift_reps, run
from stickfigure import STANDING, SUPINE_REST, Key, Posture, make_pose, with_leg

from formcheck.analysis.session import Session
from formcheck.definitions.loader import find_exercise
from formcheck.pose.landmarks import LEG_CHAIN, Pose


def swap_labels(pose: Pose) -> Pose:
    xy = pose.xy.copy()
    for a, b in zip(LEG_CHAIN["left"], LEG_CHAIN["right"]):
        xy[[a, b]] = xy[[b, a]]
    return replace(pose, xy=xy)


def collapse_leg(pose: Pose, onto: str, offset: float = 2.0) -> Pose:
    """MediaPipe's failure mode: the hidden leg drawn on top of (or right beside) the other one."""
    xy = pose.xy.copy()
    other = "left" if onto == "right" else "right"
    for a, b in zip(LEG_CHAIN[other][1:], LEG_CHAIN[onto][1:]):
        xy[a] = xy[b] + offset
    return replace(pose, xy=xy)


class Bursts:
    """Corrupts runs of 4-20 consecutive frames, the way MediaPipe's errors come."""

    def __init__(self, seed: int, rate: float = 0.3) -> None:
        self.rng = random.Random(seed)
        self.rate = rate
        self.mode: str | None = None
        self.left = 0

    def __call__(self, i: int, t: float, pose: Pose) -> Pose:
        if self.left == 0:
            self.mode = None
            if self.rng.random() < self.rate / 10:
                self.mode = self.rng.choice(["swap", "collapse", "phantom"])
                self.left = self.rng.randint(4, 20)
        if self.mode is None:
            return pose
        self.left -= 1
        knee_l, knee_r = pose.xy[LEG_CHAIN["left"][2]], pose.xy[LEG_CHAIN["right"][2]]
        if self.mode == "swap":
            # MediaPipe swaps labels where the legs overlap (measured on the rendered clips)
            return swap_labels(pose) if np.linalg.norm(knee_l - knee_r) < 30 else pose
        # onto the lifted leg (knee higher in the image): the resting leg appears lifted too
        onto = "left" if knee_l[1] < knee_r[1] else "right"
        return collapse_leg(pose, onto, 2.0 if self.mode == "collapse" else 25.0)


def test_reps_counted_per_side():
    k1, t = lift_reps("right", 3, 1.0)
    k2, t = lift_reps("left", 2, t + 1.0)
    _, eng = run("leg-lifts", "supine-bent-knee", [Key(0, SUPINE_REST), *k1, *k2, Key(t + 1, SUPINE_REST)])
    assert eng.reps == {"left": 2, "right": 3}
    assert eng.faults == []
    assert [e.side for e in eng.rep_events] == ["right"] * 3 + ["left"] * 2


@pytest.mark.parametrize("seed", range(12))
def test_reps_survive_label_swaps_and_collapsed_legs(seed):
    k1, t = lift_reps("right", 4, 1.0)
    k2, t = lift_reps("left", 3, t + 1.0)
    corrupt = Bursts(seed)
    _, eng = run(
        "leg-lifts", "supine-bent-knee", [Key(0, SUPINE_REST), *k1, *k2, Key(t + 1, SUPINE_REST)], corrupt=corrupt
    )
    assert eng.reps == {"left": 3, "right": 4}


def test_rep_counts_frame_rate_independent():
    k1, t = lift_reps("left", 3, 1.0)
    for fps in (24.0, 60.0):
        _, eng = run("leg-lifts", "supine-bent-knee", [Key(0, SUPINE_REST), *k1, Key(t + 1, SUPINE_REST)], fps=fps)
        assert eng.reps == {"left": 3, "right": 0}


def test_faults_are_intervals_with_side_and_cue():
    k1, t = lift_reps("right", 1, 1.0)
    k2, t = lift_reps("right", 1, t, top_knee=150.0, top_s=2.0)  # knee opened: not 90
    k3, t = lift_reps("right", 1, t, down_s=0.3)  # dropped the leg
    k4, t = lift_reps("right", 1, t, other_hip=106.0, top_s=2.0)  # other foot lifted
    _, eng = run("leg-lifts", "supine-bent-knee", [Key(0, SUPINE_REST), *k1, *k2, *k3, *k4, Key(t + 1, SUPINE_REST)])
    assert eng.reps == {"left": 0, "right": 4}
    codes = [(f.code, f.side) for f in eng.faults]
    assert sorted(codes) == sorted(
        [("knee_angle", "right"), ("lowering_too_fast", "right"), ("other_leg_lifts", "left")]
    )
    knee = next(f for f in eng.faults if f.code == "knee_angle")
    assert knee.end_s - knee.start_s > 1.5  # one interval for the whole bad rep, not one fault per frame
    assert knee.message == "Keep the lifted knee at 90°"


def test_a_fault_in_a_movement_not_counted_as_a_rep_is_not_reported():
    # After the set the leg comes up with the knee open and stays up as the video ends (the person getting up,
    # say): no rep of this variant was done there, so no faulty rep either. The same knee in a counted rep is.
    k1, t = lift_reps("right", 1, 1.0)
    up = with_leg(SUPINE_REST, "right", hip=90, knee=150)
    keys = [Key(0, SUPINE_REST), *k1, Key(t, SUPINE_REST), Key(t + 1.0, up), Key(t + 4.0, up)]
    _, eng = run("leg-lifts", "supine-bent-knee", keys)
    assert eng.reps == {"left": 0, "right": 1}
    assert eng.faults == []
    k2, t2 = lift_reps("right", 1, t, top_knee=150.0, top_s=2.0)
    _, eng = run("leg-lifts", "supine-bent-knee", [Key(0, SUPINE_REST), *k1, *k2, Key(t2 + 1, SUPINE_REST)])
    assert eng.reps == {"left": 0, "right": 2}
    assert [f.code for f in eng.faults] == ["knee_angle"]


def test_variant_detected_among_same_orientation_variants():
    k1, t = lift_reps("right", 3, 1.0)
    summary, eng = run("leg-lifts", None, [Key(0, SUPINE_REST), *k1, Key(t + 1, SUPINE_REST)])
    assert summary.variant.name == "supine-bent-knee"
    assert eng.reps["right"] == 3
    keys = [
        Key(0, SUPINE_REST),
        Key(2, SUPINE_REST),
        Key(3, CHEST),
        Key(20, CHEST),
        Key(21, SUPINE_REST),
        Key(23, SUPINE_REST),
    ]
    summary, eng = run("leg-lifts", None, keys)
    assert summary.variant.name == "supine-leg-to-chest"
    assert len(eng.holds) == 1


def test_no_pose_at_all_counts_nothing():
    s = Session(find_exercise("leg-lifts", EXERCISES), None)
    for i in range(100):
        s.update(i / 30, None)
    eng = s.finish().result
    assert eng.reps == {"left": 0, "right": 0} and eng.holds == [] and eng.faults == []
    assert s.frames == 100 and s.frames_with_pose == 0


def test_random_landmarks_never_raise():
    rng = np.random.default_rng(0)
    s = Session(find_exercise("hip-flexor-stretch", EXERCISES), None)
    base = make_pose(Posture())
    for i in range(300):
        xy = base.xy + rng.normal(0, 80, base.xy.shape)
        vis = rng.uniform(0, 1, 33)
        s.update(i / 30, replace(base, xy=xy, visibility=vis) if i % 7 else None)
    eng = s.finish().result
    assert all(f.start_s <= f.end_s for f in eng.faults)
    assert all(h.start_s <= h.end_s for h in eng.holds)


def test_label_swap_while_legs_apart_does_not_split_a_rep():
    k1, t = lift_reps("right", 3, 1.0, top_s=1.5)
    tops = [k.t for k in k1[1::4]]  # times the leg arrives at the top

    def corrupt(i, t, pose):  # type: ignore[no-untyped-def]
        return swap_labels(pose) if any(a + 0.2 <= t < a + 0.6 for a in tops) else pose

    _, eng = run("leg-lifts", "supine-bent-knee", [Key(0, SUPINE_REST), *k1, Key(t + 1, SUPINE_REST)], corrupt=corrupt)
    assert eng.reps == {"left": 0, "right": 3}


def bridge_reps(n: int, t0: float, top_hip: float = 175.0, top_s: float = 5.5) -> tuple[list[Key], float]:
    keys, t = [], t0
    top = replace(SUPINE_REST, hip=(top_hip, top_hip))
    for _ in range(n):
        keys += [Key(t, SUPINE_REST), Key(t + 1.5, top), Key(t + 1.5 + top_s, top), Key(t + 3.5 + top_s, SUPINE_REST)]
        t += 3.5 + top_s + 1.5
    return keys, t


def test_a_new_exercise_from_one_file_counts_both_legs_on_a_rising_signal():
    """The glute bridge (poses/glute-bridge.toml) uses no code of its own: a rising rep signal, both legs
    together, and a hold at the top of each rep."""
    k1, t = bridge_reps(2, 1.0)
    k2, t = bridge_reps(1, t, top_s=1.5)  # too short a hold
    k3, t = bridge_reps(1, t, top_hip=152.0)  # hips not lifted to a line
    _, eng = run("glute-bridge", None, [Key(0, SUPINE_REST), *k1, *k2, *k3, Key(t + 1, SUPINE_REST)])
    assert eng.reps == {"left": 0, "right": 0, "both": 4}
    assert [e.side for e in eng.rep_events] == ["both"] * 4
    assert [h.completed for h in eng.holds][:3] == [True, True, False]
    assert eng.holds[0].duration_s == pytest.approx(5.5 + 0.5, abs=0.7)  # at the top from ~150 deg up
    assert sorted(f.code for f in eng.faults) == ["hips_low", "hold_too_short"]
    assert all(f.side is None for f in eng.faults)


def _foot_on_floor(side: str):  # type: ignore[no-untyped-def]
    """A heel slide: the leg bends as in a lift, but its foot slides along the floor instead of lifting."""

    def keep_down(i: int, t: float, pose: Pose) -> Pose:
        xy = pose.xy.copy()
        floor = max(xy[LEG_CHAIN["left" if side == "right" else "right"][3], 1], xy[LEG_CHAIN[side][1], 1] + 10)
        for j in LEG_CHAIN[side][3:]:  # ankle, heel, foot
            xy[j, 1] = floor
        return replace(pose, xy=xy)

    return keep_down


def test_a_heel_slide_is_not_a_bent_knee_lift():
    # The same bend of hip and knee: lifted, it is a rep; with the foot kept on the floor, it is another movement.
    k1, t = lift_reps("right", 3, 1.0)
    keys = [Key(0, SUPINE_REST), *k1, Key(t + 1, SUPINE_REST)]
    _, lifted = run("leg-lifts", "supine-bent-knee", keys)
    assert lifted.reps == {"left": 0, "right": 3}
    _, slid = run("leg-lifts", "supine-bent-knee", keys, corrupt=_foot_on_floor("right"))
    assert slid.reps == {"left": 0, "right": 0}


def _standing_lifts(hip: float, knee: float) -> list[Key]:
    keys, t = [Key(0, STANDING)], 1.0
    for _ in range(3):
        top = with_leg(STANDING, "right", hip=hip, knee=knee)
        keys += [Key(t, STANDING), Key(t + 1.0, top), Key(t + 3.0, top), Key(t + 4.5, STANDING)]
        t += 5.5
    return [*keys, Key(t + 1, STANDING)]


def test_a_fault_that_makes_another_variant_is_reported_as_that_variant_and_named():
    # Lifted with the knee bent at 95: a clean knee drive, or a straight-leg lift done with a bent knee.
    keys = _standing_lifts(hip=110, knee=95)
    summary, found = run("leg-lifts", None, keys)
    assert summary.variant.name == "standing-knee-drive" and found.faults == []
    name, _, cues = summary.faulted_alternative
    assert name == "standing-straight-leg" and "Keep the lifted knee straight" in cues
    # Named with --variant: the fault is that variant's, always.
    _, given = run("leg-lifts", "standing-straight-leg", keys)
    assert given.reps["right"] == 3 and "knee_bent" in {f.code for f in given.faults}
    # A clean straight-leg lift has no faulty reading to name.
    clean, _ = run("leg-lifts", None, _standing_lifts(hip=130, knee=178))
    assert clean.variant.name == "standing-straight-leg" and clean.faulted_alternative is None
