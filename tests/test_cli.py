"""The real CLI, run as a user would: clear one-line errors and exit codes for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from cli_runner import Result, run_formcheck

ROOT = Path(__file__).resolve().parents[1]


def formcheck(*args: str, cwd: Path | None = None) -> Result:
    return run_formcheck(*args, cwd=cwd or ROOT)


def test_the_command_runs_as_a_program(tmp_path: Path):
    """The real entry point, once: the rest of the CLI's tests run it in this process."""
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", "missing.mp4", "-e", "leg-lifts"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert res.returncode == 1 and res.stderr == "formcheck: error: video not found: missing.mp4\n"


def blank_video(path: Path, frames: int = 20, fps: float = 10.0) -> Path:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (160, 120))
    for i in range(frames):
        w.write(np.full((120, 160, 3), 40 + i, np.uint8))
    w.release()
    return path


def assert_one_line_error(res: Result, code: int, fragment: str) -> None:
    assert res.returncode == code, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("formcheck: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in res.stderr


def test_exercises_lists_every_variant():
    from formcheck.definitions.loader import load_exercises

    res = formcheck("exercises")
    assert res.returncode == 0
    for ex in load_exercises().values():
        assert f"{ex.name}: {ex.title}" in res.stdout
        for v in ex.variants:
            assert f"  {v.name} " in res.stdout


def test_every_command_has_help_text():
    from formcheck.app.cli import cli

    for name, cmd in cli.commands.items():
        assert cmd.help, f"{name} has no help"
        for p in cmd.params:
            if p.param_type_name == "option":
                assert p.help, f"{name} {p.name} has no help"
        assert f"formcheck {name}" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    ("make", "args", "code", "fragment"),
    [
        (None, ["missing.mp4", "-e", "leg-lifts"], 1, "video not found: missing.mp4"),
        ("dir", ["{p}", "-e", "leg-lifts"], 1, "no videos found in"),  # a folder is a batch: of nothing here
        ("empty", ["{p}", "-e", "leg-lifts"], 1, "is empty (0 bytes)"),
        ("text", ["{p}", "-e", "leg-lifts"], 1, "cannot open"),
        ("truncated", ["{p}", "-e", "leg-lifts"], 1, "cannot open"),
        ("blank", ["{p}", "-e", "squats"], 1, "unknown exercise 'squats'"),
        ("blank", ["{p}", "-e", "leg_lifts", "-v", "upside-down"], 1, "unknown variant 'upside-down'"),
        ("blank", ["{p}", "-v", "side-lying"], 2, "--variant needs --exercise"),  # without: a routine
        ("blank", ["{p}", "--csv", "f.csv"], 2, "need --exercise (not for a whole routine yet)"),
        ("blank", ["{p}", "-e", "leg-lifts", "--model", "nope.task"], 1, "pose model not found: nope.task"),
        pytest.param(
            "blank", ["{p}", "-e", "leg-lifts", "--model", "{p}"], 1, "cannot load pose model", marks=pytest.mark.slow
        ),
    ],
)
def test_bad_input_gives_one_line_error(tmp_path, make, args, code, fragment):
    p = tmp_path / "input.mp4"
    if make == "dir":
        p.mkdir()
    elif make == "empty":
        p.touch()
    elif make == "text":
        p.write_text("this is not a video\n" * 50)
    elif make == "truncated":
        data = blank_video(tmp_path / "full.mp4").read_bytes()
        p.write_bytes(data[: len(data) // 3])
    elif make == "blank":
        blank_video(p)
    res = formcheck("analyze", *[a.format(p=p) for a in args], cwd=tmp_path)
    assert_one_line_error(res, code, fragment.format(p=p))


def test_malformed_poses_dir_is_one_line(tmp_path):
    (tmp_path / "bad.toml").write_text('name = "x"\ntitle = "X"\nvariants = [{name = "a"}]\n')
    res = formcheck("exercises", "--poses-dir", str(tmp_path))
    assert_one_line_error(res, 1, "bad.toml: variants.0.title: Field required")


@pytest.mark.slow
def test_video_without_a_person_writes_a_report_and_says_so(tmp_path):
    video = blank_video(tmp_path / "empty-room.mp4", frames=15)
    res = formcheck("analyze", str(video), "-e", "hamstring-stretch", "--json", str(tmp_path / "r.json"), cwd=tmp_path)
    assert_one_line_error(res, 3, "no person detected in any of the 15 frames")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["frames"] == 15 and report["frames_with_pose"] == 0
    assert report["reps"] == {"left": 0, "right": 0} and report["holds"] == [] and report["faults"] == []
    assert report["duration_s"] == pytest.approx(1.5, abs=0.01)  # from the timestamps: 15 frames at 10 fps


@pytest.mark.slow
def test_model_that_needs_a_download_fails_cleanly_offline(tmp_path):
    import importlib.util

    lite = Path(importlib.util.find_spec("mediapipe").origin).parent / "modules/pose_landmark/pose_landmark_lite.tflite"
    if lite.exists():
        pytest.skip(f"{lite} was downloaded on this machine, so complexity 0 does not need the network")
    video = blank_video(tmp_path / "v.mp4")
    res = formcheck("analyze", str(video), "-e", "leg-lifts", "--model-complexity", "0", cwd=tmp_path)
    assert_one_line_error(res, 1, "model complexity 0 needs pose_landmark_lite.tflite")
    assert res.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-v", "side-lying"], "--variant needs --exercise"),
        (["--csv", "f.csv"], "need --exercise (not for a whole routine yet)"),
        (["--target", "reps=10"], "need --exercise (not for a whole routine yet)"),
    ],
)
def test_live_routine_refuses_what_needs_an_exercise(tmp_path, args, fragment):
    res = formcheck("live", "--source", str(blank_video(tmp_path / "v.mp4")), "--no-window", *args, cwd=tmp_path)
    assert_one_line_error(res, 2, fragment)


@pytest.mark.slow
def test_live_without_an_exercise_writes_a_routine_report(tmp_path):
    video = blank_video(tmp_path / "v.mp4")  # nobody in it: no block, said so
    res = formcheck("live", "--source", str(video), "--no-window", "--json", "r.json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["routine"] is True and report["segments"] == []
    assert any(n.startswith("no exercise recognised") for n in report["notes"])
    assert res.stdout.startswith("Routine - 0 block(s) recognised")


# --- in this process: the CLI's own wiring ------------------------------------------------------------


def run_cli(*args: str) -> None:
    from formcheck.app.cli import cli

    cli.main(args=list(args), prog_name="formcheck", standalone_mode=False)


def clinic_poses(tmp_path: Path) -> Path:
    """The bundled definitions, with the bridge renamed as a clinic's own exercise."""
    poses = tmp_path / "poses"
    poses.mkdir()
    for p in (ROOT / "poses").glob("*.toml"):
        text = p.read_text()
        if p.stem == "glute-bridge":
            text = text.replace('name = "glute-bridge"', 'name = "clinic-bridge"', 1)
            text = text.replace('title = "Glute bridge"', 'title = "Clinic bridge"', 1)
        (poses / p.name).write_text(text)
    return poses


BRIDGE = ROOT / "sample_videos" / "glute-bridge__supine-bridge__good.mp4"


def test_poses_dir_reaches_every_comparison(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Regression: analyze compared 'looks like' against the bundled poses/, not --poses-dir."""
    import formcheck.app.api
    from formcheck.pose.recording import ReplayBackend

    monkeypatch.setattr(
        formcheck.app.api, "make_backend", lambda *a: ReplayBackend(BRIDGE.with_suffix(".landmarks.npz"))
    )
    poses = clinic_poses(tmp_path)
    out = tmp_path / "r.json"
    run_cli(
        "analyze", str(BRIDGE), "-e", "leg-lifts", "--poses-dir", str(poses), "--json", str(out), "-q", "--no-history"
    )
    report = json.loads(out.read_text())
    assert report["undetermined"] is not None
    assert report["looks_like"].startswith("Clinic bridge: ")


def test_poses_dir_reaches_a_batch_of_saved_landmarks(tmp_path: Path):
    """Regression: a batch replaying saved landmarks used the bundled poses/ whatever --poses-dir said."""
    from formcheck.app.api import Plan
    from formcheck.app.batch import Job, run_batch

    plan = Plan.of("leg-lifts", poses_dir=clinic_poses(tmp_path))
    rows = run_batch([BRIDGE], Job(plan, from_landmarks=True), report_dir=tmp_path, csv_path=tmp_path / "s.csv")
    report = json.loads(Path(rows[0]["report"]).read_text())
    assert report["looks_like"].startswith("Clinic bridge: ")
