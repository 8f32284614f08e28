import math

import numpy as np
import pytest
from stickfigure import SUPINE_REST, Posture, make_pose, with_leg

from formcheck.engine.features import FeatureExtractor
from formcheck.pose import geometry as g

V = np.array


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (V([1, 0]), V([0, 1]), 90.0),  # image y points down: x -> y is clockwise on screen, positive
        (V([0, 1]), V([1, 0]), -90.0),
        (V([1, 0]), V([-1, 0]), 180.0),
        (V([1, 1]), V([1, 1]), 0.0),
    ],
)
def test_signed_angle(a, b, expected):
    assert g.signed_angle(a, b) == pytest.approx(expected)


def test_joint_angle_straight_and_right_angle():
    assert g.joint_angle(V([0, 0]), V([0, 1]), V([0, 2])) == pytest.approx(180.0)
    assert g.joint_angle(V([0, 0]), V([0, 1]), V([1, 1])) == pytest.approx(90.0)
    assert math.isnan(g.joint_angle(V([0, 0]), V([0, 0]), V([1, 1])))


@pytest.mark.parametrize("chirality", [1, -1])
@pytest.mark.parametrize(
    ("hip", "knee"),
    [(180, 180), (90, 90), (45, 60), (200, 175), (135, 90), (120, 178)],
)
def test_hip_knee_angles_recovered_for_both_facings(chirality, hip, knee):
    pose = make_pose(Posture(hip=(hip, 180), knee=(knee, 180)), chirality=chirality)
    trunk = pose.xy[11] - pose.xy[23]
    assert g.hip_angle(trunk, pose.xy[23], pose.xy[25], chirality) == pytest.approx(hip, abs=1e-6)
    assert g.knee_angle(pose.xy[23], pose.xy[25], pose.xy[27], chirality) == pytest.approx(knee, abs=1e-6)


def test_angles_are_invariant_to_in_plane_rotation():
    # Lying on the back is standing rotated by 90 deg: same chirality, same angles.
    for trunk_deg in (-90.0, 0.0, 30.0, 90.0):
        pose = make_pose(Posture(hip=(60, 180), knee=(70, 180), trunk_deg=trunk_deg), chirality=1)
        trunk = pose.xy[11] - pose.xy[23]
        assert g.hip_angle(trunk, pose.xy[23], pose.xy[25], 1) == pytest.approx(60, abs=1e-6)


def test_extension_is_only_visible_with_chirality():
    pose = make_pose(Posture(hip=(200, 180)), chirality=1)
    trunk = pose.xy[11] - pose.xy[23]
    assert g.hip_angle(trunk, pose.xy[23], pose.xy[25], 1) == pytest.approx(200)
    assert g.hip_angle(trunk, pose.xy[23], pose.xy[25], None) == pytest.approx(160)


@pytest.mark.parametrize(("vec", "deg"), [(V([0, -1]), 0.0), (V([1, 0]), 90.0), (V([1, -1]), 45.0), (V([0, 1]), 180.0)])
def test_inclination(vec, deg):
    assert g.inclination(vec) == pytest.approx(deg)


@pytest.mark.parametrize("chirality", [1, -1])
def test_feature_extractor_learns_chirality_and_tracks_legs(chirality):
    fe = FeatureExtractor()
    p = with_leg(SUPINE_REST, "right", hip=60, knee=70)
    for i in range(60):
        f = fe.update(i / 30, make_pose(p, chirality=chirality))
    assert f.chirality == chirality
    right = f.leg("right")
    left = f.leg("left")
    assert right is not None and left is not None
    assert right.hip == pytest.approx(60, abs=0.5)
    assert left.hip == pytest.approx(135, abs=0.5)
    assert f.value("torso_incl") == pytest.approx(90, abs=0.5)


def test_leg_aggregates_are_computed_over_the_known_legs():
    # hip_min and the like are body features the legs make: they must not read as the body's own (unmeasured)
    # value of that name, which is NaN
    fe = FeatureExtractor()
    p = with_leg(SUPINE_REST, "right", hip=60, knee=70)
    for i in range(30):
        f = fe.update(i / 30, make_pose(p, chirality=1))
    hips = [lg.hip for lg in f.legs if lg.known]
    knees = [lg.knee for lg in f.legs if lg.known]
    assert len(hips) == 2
    assert f.value("hip_min") == min(hips) and f.value("hip_max") == max(hips)
    assert f.value("knee_mean") == pytest.approx(sum(knees) / 2)
    with pytest.raises(KeyError, match="unknown body feature"):
        f.value("hip_minn")


def test_invisible_joint_gives_unknown_angle_not_a_guess():
    fe = FeatureExtractor()
    pose = make_pose(Posture(hip=(100, 170)), chirality=1)
    pose.visibility[25] = 0.1  # left knee not seen
    f = fe.update(0.0, pose)
    assert f.has_pose
    seen = [lg for lg in f.legs if lg.known]
    assert len(seen) == 1 and seen[0].hip == pytest.approx(170, abs=0.5)


def test_no_pose_is_reported_as_such():
    f = FeatureExtractor().update(1.0, None)
    assert not f.has_pose and f.legs == ()
