"""One registry of names: every name a definition may use has its implementation, and nothing else is used."""

from __future__ import annotations

import math

import pytest
from stickfigure import SUPINE_REST, make_pose, with_leg

from formcheck.definitions import parts as ex_mod
from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.loader import load_exercises
from formcheck.engine.features import FeatureExtractor
from formcheck.engine.rules import RULE_KINDS
from formcheck.engine.snapshot import present


def test_every_feature_a_definition_may_name_is_measured():
    fe = FeatureExtractor()
    pose = make_pose(with_leg(SUPINE_REST, "right", hip=60, knee=70))
    for i in range(60):  # long enough to learn which way the body faces
        f = fe.update(i / 30, pose)
    with pytest.raises(KeyError, match="unknown body feature 'torso_inclination'"):
        f.value("torso_inclination")  # a typo is an error, never a silent "unknown"
    aggregates = {"hip_min", "hip_max", "knee_min", "knee_max", "hip_mean", "knee_mean"}
    assert set(vocab.BODY_FEATURES) - aggregates <= set(f.values)
    for leg in f.legs:
        assert set(vocab.LEG_FEATURES) <= set(leg.values)
    # and they are measured on a clear side view (world landmarks aside: the stick figure has none)
    measured = {n for n in vocab.BODY_FEATURES if not math.isnan(f.value(n))}
    assert {"torso_incl", "hip_height", "hip_min", "knee_max", "stacked"} <= measured
    assert not math.isnan(f.legs[0].value("hip")) and not math.isnan(f.legs[0].value("knee_past_toes"))


def test_every_rule_kind_has_an_implementation_and_no_other_exists():
    assert set(RULE_KINDS) == set(vocab.RULE_KIND_NAMES)


def test_the_loader_takes_its_names_from_the_vocabulary():
    # the schema's types are the vocabulary's enums, and the name tuples are read off them
    assert ex_mod.Orientation is vocab.Orientation and ex_mod.LegMode is vocab.LegMode
    assert ex_mod.RuleKind is vocab.RuleKind and ex_mod.During is vocab.During
    assert tuple(o.value for o in vocab.Orientation) == vocab.ORIENTATIONS
    assert tuple(m.value for m in vocab.LegMode) == tuple(vocab.LEG_ROLES)
    assert tuple(k.value for k in vocab.RuleKind) == vocab.RULE_KIND_NAMES
    assert tuple(leg.value for leg in vocab.RuleLeg) == vocab.RULE_LEGS
    assert tuple(d.value for d in vocab.During) == vocab.RULE_DURING
    assert tuple(d.value for d in vocab.Direction) == vocab.REP_DIRECTIONS
    # a member reads as its name wherever a string did, so reports and TOML keys are unchanged
    assert f"{vocab.Side.LEFT}" == "left" and vocab.Side.LEFT == "left" and {"left": 1}[vocab.Side.LEFT] == 1


def test_every_phase_the_presenter_shows_is_a_phase_definitions_may_cue():
    variants = [v for e in load_exercises().values() for v in e.variants]
    for v in variants:
        shown = {
            present(v, {}, rep_up, elapsed, in_pos, None, []).phase
            for rep_up in ((False, True) if v.reps else (False,))
            for elapsed in ((None, 1.0, 1e6) if v.hold else (None,))
            for in_pos in (False, True)
        }
        assert shown <= set(v.phases) <= set(vocab.PHASES), v.name
        assert set(v.cues) <= set(v.phases)


def test_bundled_definitions_name_only_measured_features():
    for e in load_exercises().values():
        for v in e.variants:
            names = set(v.detect) | set(v.target.body) | {n for feats in v.target.legs.values() for n in feats}
            names |= {r.feature for r in v.rules if r.feature} | ({v.reps.signal} if v.reps else set())
            assert names <= set(vocab.ALL_FEATURES), (e.name, v.name, names - set(vocab.ALL_FEATURES))
