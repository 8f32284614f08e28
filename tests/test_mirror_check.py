"""bench/mirror_check.py's mapping of a pose found on the mirrored frame back to the original (issue 23): its
conclusion (the mirrored pass confirms MediaPipe's wrong leg labels) holds only if the mapping is right."""

from __future__ import annotations

import numpy as np

from bench.mirror_check import compare, swap_legs, unmirror
from formcheck.pose.landmarks import LM, NUM_LANDMARKS, Pose


def _pose(width: int = 400) -> Pose:
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, width, (NUM_LANDMARKS, 2))
    world = rng.normal(0, 0.3, (NUM_LANDMARKS, 3))
    return Pose(xy, rng.uniform(0, 1, NUM_LANDMARKS), (width, 300), rng.normal(0, 50, NUM_LANDMARKS), world)


def test_a_pose_seen_in_the_mirror_maps_back_with_its_anatomical_labels():
    p = _pose()
    # What the model would find on the flipped frame: every point at width - x, and (a mirror image of a
    # person being another person's) every left landmark named right.
    seen = unmirror(p, 400)  # the same mapping both ways
    back = unmirror(seen, 400)
    assert np.allclose(back.xy, p.xy) and np.allclose(back.world, p.world)
    assert np.allclose(back.visibility, p.visibility)
    assert np.allclose(seen.xy[LM.LEFT_KNEE], (400 - p.xy[LM.RIGHT_KNEE, 0], p.xy[LM.RIGHT_KNEE, 1]))
    assert np.allclose(seen.world[LM.LEFT_ANKLE], p.world[LM.RIGHT_ANKLE] * (-1, 1, 1))
    assert seen.xy[LM.NOSE, 0] == 400 - p.xy[LM.NOSE, 0]


def test_two_passes_naming_the_legs_the_other_way_round_are_told_from_ones_that_agree():
    p = _pose()
    # a trunk the legs are measured against (shoulders above the hips)
    xy = p.xy.copy()
    xy[[LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER]] = (200, 50)
    xy[[LM.LEFT_HIP, LM.RIGHT_HIP]] = (200, 150)
    xy[LM.LEFT_KNEE], xy[LM.LEFT_ANKLE] = (200, 200), (200, 250)
    xy[LM.RIGHT_KNEE], xy[LM.RIGHT_ANKLE] = (260, 190), (320, 180)
    p = Pose(xy, np.ones(NUM_LANDMARKS), p.image_size, p.z, p.world)
    assert compare(p, p) == "same"
    assert compare(p, swap_legs(p)) == "swapped"
    moved = Pose(xy + 80, p.visibility, p.image_size)
    assert compare(p, moved) == "apart"
    assert compare(p, None) == "apart"
