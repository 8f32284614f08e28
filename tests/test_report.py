"""The JSON contract and the printed summary."""

from __future__ import annotations

import json
import os

import pytest

from formcheck.analysis.loop import RunInfo
from formcheck.analysis.session import NotJudged, SessionSummary
from formcheck.definitions.loader import load_exercises
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent, VariantResult
from formcheck.report.contract import SCHEMA_VERSION
from formcheck.report.exercise_report import Report

CONTRACT = ("exercise", "variant", "duration_s", "frames", "frames_with_pose", "reps", "holds", "faults")


def summary(variant: str = "standing-straight-leg", given: bool = False, **kw) -> SessionSummary:  # type: ignore[no-untyped-def]
    ex = load_exercises()["leg-lifts"]
    result = VariantResult(
        variant=variant,
        reps={"left": 2, "right": 1},
        rep_events=[RepEvent("left", 1.0, 4.0), RepEvent("left", 5.0, 8.0), RepEvent("right", 9.0, 12.5)],
        holds=[HoldEvent("left", 1.5, 11.7, 10.2, True)],
        faults=[FaultEvent("knee_bent", "right", 9.5, 10.25, "Keep the lifted knee straight")],
        notes=kw.pop("notes", []),
    )
    base = {
        "exercise": ex,
        "variant": ex.variant(variant),
        "variant_given": given,
        "result": result,
        "variant_scores": {"standing-straight-leg": 12.0, "supine-bent-knee": 0.0},
        "frames": 400,
        "frames_with_pose": 380,
        "cuts": 0,
        "first_t": 0.0,
        "last_t": 13.3,
        "orientation": "standing",
        "camera_side": "right",
    }
    base.update(kw)
    return SessionSummary(**base)


def test_contract_fields_and_types():
    rep = Report.build(summary(), RunInfo("v.mp4", 30.0, (640, 480), "replay"))
    d = json.loads(json.dumps(rep.to_dict()))  # serialisable as it is
    for key in CONTRACT:
        assert key in d
    assert d["schema_version"] == SCHEMA_VERSION
    assert d["reps"] == {"left": 2, "right": 1}
    assert d["holds"] == [{"side": "left", "start_s": 1.5, "end_s": 11.7, "duration_s": 10.2, "completed": True}]
    assert d["faults"][0] == {
        "code": "knee_bent",
        "side": "right",
        "start_s": 9.5,
        "end_s": 10.25,
        "message": "Keep the lifted knee straight",
    }
    assert d["duration_s"] == pytest.approx(13.3 + 1 / 30, abs=1e-3)  # the last frame lasts a frame too
    assert d["pose_coverage"] == 0.95
    assert d["hold_target_s"] == 10.0 and d["reps_target"] == [10, 15]
    assert d["variant_detected"] is True and d["variant_scores"]["standing-straight-leg"] == 12.0


def test_notes_say_what_was_missing():
    rep = Report.build(
        summary(frames_with_pose=200, notes=["knees_locked not judged for 3 s"]),
        RunInfo("v.mp4", 30.0, (640, 480), "x", notes=tuple(["video timestamps unusable"])),
    )
    assert rep.notes[0] == "video timestamps unusable"
    assert "no person detected in 50% of frames" in rep.notes
    assert "knees_locked not judged for 3 s" in rep.notes


def test_when_no_variant_fits_nothing_is_counted_and_the_summary_says_why():
    why = NotJudged("Leg lifts", "6 movement(s) seen, but both legs moved together")
    rep = Report.build(
        summary(undetermined=why, looks_like="Glute bridge: Two-leg bridge"), RunInfo("v.mp4", 30.0, (640, 480), "x")
    )
    d = rep.to_dict()
    assert d["reps"] == {"left": 0, "right": 0} and d["holds"] == [] and d["faults"] == [] and d["rep_events"] == []
    assert d["undetermined"] == why and d["variant_detected"] is False
    assert why in d["notes"] and "it looks like Glute bridge: Two-leg bridge" in d["notes"]
    first = rep.summary().splitlines()[0]
    assert first == (
        "Leg lifts - NOT RECOGNISED: 6 movement(s) seen, but both legs moved together "
        "(it looks like Glute bridge: Two-leg bridge)"
    )


def test_a_tie_between_variants_is_not_a_detection():
    rep = Report.build(
        summary(tie=("standing-straight-leg", "supine-bent-knee")), RunInfo("v.mp4", 30.0, (640, 480), "x")
    )
    assert rep.variant_detected is False
    assert "(best guess)" in rep.summary().splitlines()[0]
    assert any("fit about equally well" in n for n in rep.notes)


def test_a_given_variant_has_no_scores_and_says_given():
    rep = Report.build(summary(given=True), RunInfo("v.mp4", 30.0, (640, 480), "x"))
    assert rep.to_dict()["variant_scores"] == {}
    assert "(given)" in rep.summary().splitlines()[0]


def test_summary_lines():
    text = Report.build(summary(), RunInfo("v.mp4", 30.0, (640, 480), "x")).summary()
    assert "Reps: left 2, right 1 (target 10-15 per leg)" in text
    assert "Holds (target 10 s): left 10.2 s ✓" in text
    assert "9.5- 10.2 s right: Keep the lifted knee straight [knee_bent]" in text


def test_write_json_is_atomic_and_complete(tmp_path):
    rep = Report.build(summary(), RunInfo("v.mp4", 30.0, (640, 480), "x"))
    out = tmp_path / "sub" / "r.json"
    rep.write_json(out)
    assert json.loads(out.read_text())["frames"] == 400
    assert [p.name for p in out.parent.iterdir()] == ["r.json"]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # readable like any file, not private as a temp file
