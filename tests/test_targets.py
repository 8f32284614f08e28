"""Per-user targets: the user config and --target over the exercise definitions, said in every report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.app.api import Plan, analyze_landmarks
from formcheck.definitions.loader import Catalogue, load_exercises
from formcheck.definitions.targets import FROM_CLI, FROM_POSES, TargetError, parse_cli_targets, plan_targets

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = load_exercises()
CATALOGUE = Catalogue.load()
LEG_LIFTS = EXERCISES["leg-lifts"]


def test_cli_targets_parse():
    assert parse_cli_targets(["reps=12", "hold=45"]) == {"reps": (12, 12), "hold": 45.0}
    assert parse_cli_targets(["reps=10-15,hold=7.5s"]) == {"reps": (10, 15), "hold": 7.5}


@pytest.mark.parametrize(
    ("arg", "fragment"),
    [
        ("reps=abc", "bad --target 'reps=abc': reps must be a whole number or LOW-HIGH"),
        ("reps=0", "reps must be between 1 and 1000"),
        ("reps=15-10", "low before high"),
        ("hold=-3", "hold must be more than 0"),
        ("hold=nan", "hold must be more than 0"),
        ("sets=3", "give reps=N (or reps=LOW-HIGH) or hold=SECONDS"),
        ("reps", "give reps=N"),
    ],
)
def test_bad_cli_targets_are_one_line(arg: str, fragment: str):
    with pytest.raises(TargetError, match=None) as err:
        parse_cli_targets([arg])
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_the_most_specific_target_wins_and_says_where_it_came_from(tmp_path: Path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        "[targets]\nhold = 20\n"
        "[targets.leg-lifts]\nreps = [8, 12]\n"
        '[targets.leg_lifts.standing-straight-leg]\nhold = "15"\n'
    )
    plan = plan_targets(LEG_LIFTS, EXERCISES, config_path=cfg)
    standing = plan.sources_for("standing-straight-leg")
    assert plan.values["standing-straight-leg"] == {"hold": 15.0, "reps": (8, 12)}
    assert standing == {
        "reps": f"{cfg} [targets.leg-lifts]",
        "hold": f"{cfg} [targets.leg-lifts.standing-straight-leg]",
    }
    assert plan.values["supine-leg-to-chest"] == {"hold": 20.0}  # no reps in that variant: none given
    assert plan.sources_for("supine-leg-to-chest") == {"hold": f"{cfg} [targets]"}
    plan = plan_targets(LEG_LIFTS, EXERCISES, ["reps=3"], config_path=cfg)
    assert plan.values["standing-straight-leg"]["reps"] == (3, 3)
    assert plan.sources_for("standing-straight-leg")["reps"] == FROM_CLI
    none = plan_targets(LEG_LIFTS, EXERCISES, config_path=tmp_path / "missing.toml")
    assert none.values["side-lying"] == {} and none.sources_for("side-lying") == {"reps": FROM_POSES}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[targets]\nreps = 'many'\n", "targets.reps: reps must be a whole number"),
        ("[targets.squats]\nreps = 3\n", "targets: 'squats' is neither reps, hold nor an exercise"),
        ("[targets.leg-lifts.upside-down]\nhold = 3\n", "'upside-down' is neither reps, hold nor a variant"),
        ("[target]\nreps = 3\n", "unknown table or key 'target'"),
        ("[targets\n", "not valid TOML"),
    ],
)
def test_a_bad_user_config_is_one_line_naming_the_file(tmp_path: Path, text: str, fragment: str):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    with pytest.raises(TargetError) as err:
        plan_targets(LEG_LIFTS, EXERCISES, config_path=cfg)
    assert str(err.value).startswith(f"{cfg}: ") and fragment in str(err.value)


def test_a_target_no_variant_has_is_refused():
    with pytest.raises(TargetError, match="--target hold: no variant of leg-lifts \\(side-lying\\) has a hold"):
        plan_targets(LEG_LIFTS, EXERCISES, ["hold=30"], variant="side-lying")


def test_the_report_counts_against_the_persons_target():
    clip = ROOT / "sample_videos" / "leg-lifts__standing-straight-leg__faults.landmarks.npz"
    base = analyze_landmarks(clip, LEG_LIFTS)
    plan = plan_targets(LEG_LIFTS, EXERCISES, ["hold=4", "reps=3"])
    mine = analyze_landmarks(clip, plan=Plan(CATALOGUE, plan.apply(LEG_LIFTS), None, plan.sources))
    assert [h.completed for h in base.holds] == [True, False, True]  # the guide's 10 s
    assert [h.completed for h in mine.holds] == [True, False, True]  # 3.9 s is still short of 4 s
    assert mine.hold_target_s == 4.0 and mine.reps_target == (3, 3)
    assert "Targets: reps 3 per leg (--target), hold 4 s (--target)" in mine.summary()
    assert [(h.start_s, h.end_s) for h in mine.holds] == [(h.start_s, h.end_s) for h in base.holds]


def test_the_user_config_reaches_the_cli_and_bad_targets_fail_first(tmp_path: Path, private_user_files: Path):
    video = ROOT / "sample_videos" / "leg-lifts__side-lying__good-left.mp4"
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", str(video), "-e", "leg-lifts", "--target", "reps=lots"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert res.returncode == 1 and res.stderr.count("\n") == 1
    assert res.stderr.startswith("formcheck: error: bad --target 'reps=lots'")
    (private_user_files / "config.toml").write_text("[targets.leg-lifts]\nreps = -1\n")
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", str(video), "-e", "leg-lifts"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert res.returncode == 1 and "config.toml: targets.leg-lifts.reps: reps must be between 1" in res.stderr
    assert not list(tmp_path.iterdir())  # failed before anything was written


def test_a_hold_target_reaches_the_rules_and_the_texts():
    """Regression: --target hold=30 moved the hold, but the cue still said 10 seconds and the top hold was still
    "too short" below the guide's 8 s."""
    plan = plan_targets(LEG_LIFTS, EXERCISES, ["hold=30"])
    v = plan.apply(LEG_LIFTS).variant("standing-straight-leg")
    (short,) = [r for r in v.rules if r.code == "hold_too_short"]
    assert short.message == "Hold the leg up for 30 seconds" and short.min_s == 28.0  # the guide's 2 s margin
    assert v.title == "Standing straight-leg lift with a 30 s hold" and "hold 30 seconds" in v.description
    assert LEG_LIFTS.variant("standing-straight-leg").title == "Standing straight-leg lift with a 10 s hold"
    clip = ROOT / "sample_videos" / "leg-lifts__standing-straight-leg__good-right.landmarks.npz"
    report = analyze_landmarks(clip, plan=Plan(CATALOGUE, plan.apply(LEG_LIFTS), None, plan.sources))
    faults = [f for f in report.faults if f.code == "hold_too_short"]
    assert len(faults) == len(report.holds) > 0  # every ~10 s hold is short of 28 s now
    assert {f.message for f in faults} == {"Hold the leg up for 30 seconds"}
