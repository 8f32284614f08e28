"""Orientation classification and variant detection, on feature values (no video, no model)."""

from __future__ import annotations

import math

import pytest

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.loader import load_exercises
from formcheck.engine.body import classify_orientation
from formcheck.engine.features import BodyFeatures
from formcheck.engine.variant_evidence import VariantDetector

NAN = math.nan


def body(t: float = 0.0, **values: float) -> BodyFeatures:
    f = BodyFeatures(t=t, has_pose=True, values=dict.fromkeys(vocab.BODY_FEATURES, NAN))
    f.values.update(values)
    f.orientation = classify_orientation(f.values)
    return f


@pytest.mark.parametrize(
    ("values", "orientation"),
    [
        ({"torso_incl": 5, "hip_height": 2.2, "shank_rise": 0.98}, "standing"),
        ({"torso_incl": 10, "hip_height": 1.2, "shank_rise": 0.1}, "kneeling"),
        ({"torso_incl": 30, "hip_height": 1.1, "shank_rise": 0.2}, "kneeling"),  # leaning over the front knee
        ({"torso_incl": 30, "hip_height": 1.9, "shank_rise": 0.2}, "standing"),  # hips too high to kneel
        ({"torso_incl": 88, "hip_height": 0.2, "lr_vertical": 0.1}, "supine"),
        ({"torso_incl": 88, "hip_height": 0.2, "lr_vertical": 0.9}, "side-lying"),
        ({"torso_incl": 88, "hip_height": 0.2, "stacked": 0.6}, "side-lying"),  # no 3D: shoulders stacked
        ({"torso_incl": 88, "hip_height": 0.2}, "supine"),
        ({"torso_incl": 100, "hip_height": 1.6}, "standing"),  # folded forward from standing
        ({"torso_incl": 60, "hip_height": 0.85}, None),  # neither: getting up
        ({"torso_incl": 60, "hip_height": 0.4, "thigh_rise": 0.2, "lr_vertical": 0.1}, "seated"),
        # propped on an elbow on one side (a clamshell): a seated trunk tilt and level thighs, but on its side
        ({"torso_incl": 60, "hip_height": 0.4, "thigh_rise": 0.2, "lr_vertical": 0.7}, "side-lying"),
        ({"torso_incl": NAN, "hip_height": 1.0}, None),
    ],
)
def test_orientation(values, orientation):
    assert body(**values).orientation == orientation


def feed(det: VariantDetector, frames: list[BodyFeatures]) -> None:
    for f in frames:
        det.update(f)


def test_orientation_decides_between_variants_of_different_orientations():
    det = VariantDetector(load_exercises()["leg-lifts"])
    feed(det, [body(i / 30, torso_incl=88, hip_height=0.2, lr_vertical=0.9) for i in range(90)])
    best, scores = det.best()
    assert best.name == "side-lying"
    assert scores["side-lying"] == pytest.approx(89 / 30, abs=0.01)  # seconds of evidence, not frames
    assert det.evidence_s == pytest.approx(89 / 30, abs=0.01)


def test_signature_decides_among_variants_sharing_an_orientation():
    ex = load_exercises()["hip-flexor-stretch"]
    kneel = {"torso_incl": 8, "hip_height": 1.1, "shank_rise": 0.1}
    det = VariantDetector(ex)
    feed(det, [body(i / 30, hand_drop=0.0, **kneel) for i in range(90)])
    assert det.best()[0].name == "half-kneeling"
    det = VariantDetector(ex)
    feed(det, [body(i / 30, hand_drop=1.0, **{**kneel, "torso_incl": 35}) for i in range(90)])
    assert det.best()[0].name == "hand-supported"


def test_a_feature_that_cannot_be_measured_is_no_evidence_either_way():
    ex = load_exercises()["hip-flexor-stretch"]
    det = VariantDetector(ex)
    # hand hidden (NaN): only the trunk's lean speaks, and it says hand-supported
    feed(det, [body(i / 30, torso_incl=40, hip_height=1.0, shank_rise=0.1) for i in range(60)])
    assert det.best()[0].name == "hand-supported"


def test_no_evidence_assumes_the_first_variant_with_zero_evidence():
    ex = load_exercises()["leg-lifts"]
    det = VariantDetector(ex)
    feed(det, [BodyFeatures(t=i / 30, has_pose=False) for i in range(30)])
    best, scores = det.best()
    assert best is ex.variants[0] and det.evidence_s == 0.0
    assert set(scores) == {v.name for v in ex.variants}
