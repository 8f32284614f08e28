"""Which variant fits, and saying so when none does: movements that are not the exercise count nothing."""

from __future__ import annotations

from dataclasses import replace

from stickfigure import SUPINE_REST, Key, Posture, make_pose, timeline, with_leg

from formcheck.analysis.loop import RunInfo
from formcheck.analysis.session import Session
from formcheck.definitions.loader import load_exercises
from formcheck.report.exercise_report import Report

EXERCISES = load_exercises()
STAND = Posture(pelvis=(320.0, 220.0))


def analyse(exercise: str, keys: list[Key], variant: str | None = None) -> Report:
    s = Session(EXERCISES[exercise], variant, EXERCISES.values())
    for t, posture in timeline(keys, 30.0):
        s.update(t, make_pose(posture))
    return Report.build(s.finish(), RunInfo("synthetic", 30.0, (640, 480), "stick figure"))


def squats(n: int) -> list[Key]:
    low = replace(STAND, hip=(95.0, 95.0), knee=(95.0, 95.0), trunk_deg=30.0, pelvis=(320.0, 300.0))
    keys, t = [Key(0, STAND)], 1.0
    for _ in range(n):
        keys += [Key(t, STAND), Key(t + 1.2, low), Key(t + 1.6, low), Key(t + 2.8, STAND)]
        t += 3.5
    return [*keys, Key(t + 1, STAND)]


def knee_drives(n: int) -> list[Key]:
    keys, t = [Key(0, STAND)], 1.0
    for i in range(n):
        side = "left" if i % 2 == 0 else "right"
        up = with_leg(STAND, side, hip=95.0, knee=85.0)
        keys += [Key(t, STAND), Key(t + 0.7, up), Key(t + 1.1, up), Key(t + 1.8, STAND)]
        t += 2.3
    return [*keys, Key(t + 1, STAND)]


def test_squats_are_not_leg_lifts_and_the_report_says_so():
    report = analyse("leg-lifts", squats(6))
    assert report.undetermined is not None and "both legs moved together" in report.undetermined
    assert report.reps == {"left": 0, "right": 0} and report.holds == [] and report.faults == []
    assert "NOT RECOGNISED" in report.summary().splitlines()[0]
    assert not report.variant_detected


def test_squats_are_not_a_lying_exercise_either():
    report = analyse("glute-bridge", squats(6))
    assert report.undetermined is not None and not any(report.reps.values())


def test_a_form_without_a_variant_of_its_own_is_named_by_the_variant_that_fits():
    report = analyse("leg-lifts", knee_drives(6))
    assert report.undetermined is None
    assert report.variant == "standing-knee-drive" and report.variant_detected
    assert report.reps == {"left": 3, "right": 3}
    assert report.faults == []  # graded as knee drives, not as straight-leg lifts with bent knees


def test_the_wrong_exercise_names_the_one_it_looks_like():
    report = analyse("hamstring-stretch", knee_drives(6))
    assert report.undetermined is not None
    assert report.looks_like == "Leg lifts: Standing knee drive (bent-knee lift)"
    assert "it looks like Leg lifts" in report.summary()


def test_a_hold_is_not_a_rep():
    chest = with_leg(SUPINE_REST, "right", hip=55, knee=70)
    keys = [
        Key(0, SUPINE_REST),
        Key(2, SUPINE_REST),
        Key(3, chest),
        Key(25, chest),
        Key(26, SUPINE_REST),
        Key(28, SUPINE_REST),
    ]
    report = analyse("hamstring-stretch", keys)
    assert report.variant == "supine-knee-to-chest"
    assert len(report.holds) == 1 and report.holds[0].duration_s > 20
    assert not any(report.reps.values())  # not one very slow knee hug


def test_nothing_seen_at_all_is_undetermined_with_a_reason():
    s = Session(EXERCISES["leg-lifts"], None, EXERCISES.values())
    for i in range(60):
        s.update(i / 30, None)
    report = Report.build(s.finish(), RunInfo("empty", 30.0, (640, 480), "x"))
    assert report.undetermined == "not judged as leg lifts: no person was seen"


def test_other_exercises_idle_in_a_posture_they_are_not_done_in_are_not_fed_and_nothing_changes(monkeypatch):
    """The other exercises' engines (for 'looks like') skip frames where they can find nothing: the exercise's
    findings and the verdict on it are the same as when they are fed every frame (a routine's, where they count
    as much as the named one's). What changes is only what they never count (a rejected movement in a posture
    their variant is not done in)."""
    from pathlib import Path

    from formcheck.engine.variant_engine import VariantEngine
    from formcheck.pose.recording import ReplayBackend

    calls = {"update": 0}
    real = VariantEngine.update

    def counted(self, f, show=True):  # type: ignore[no-untyped-def]
        calls["update"] += 1
        return real(self, f, show)

    monkeypatch.setattr(VariantEngine, "update", counted)
    root = Path(__file__).resolve().parents[1]
    replay = ReplayBackend(root / "sample_videos" / "leg-lifts__standing-straight-leg__faults.landmarks.npz")
    results, fed = [], []
    for judged in (False, True):
        calls["update"] = 0
        s = Session(EXERCISES["leg-lifts"], None, EXERCISES.values(), others_judged=judged)
        for i, t in enumerate(replay.t):
            s.update(float(t), replay.pose_at(i), replay.cut_at(i))
        fed.append(calls["update"])
        summary = s.finish()
        own = [r for ex, _, r in s.all_results() if ex.name == "leg-lifts"]
        results.append((own, summary.variant.name, summary.looks_like, summary.also_fits, summary.undetermined))
    assert results[0] == results[1]
    assert fed[0] < 0.8 * fed[1]  # standing: the lying and kneeling exercises' engines mostly wait
