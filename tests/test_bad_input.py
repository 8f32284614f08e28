"""Hostile input through the real CLI: each case ends in one clear line and a non-zero exit, or in a correct
report with a note saying what was wrong. (The basic cases - missing file, a folder, an empty, text or
truncated file, unknown names - are in test_cli.py.) Inputs are made here from the sample clips with
OpenCV, so no other tool is needed; the one variable-frame-rate file is committed in tests/data/."""

from __future__ import annotations

import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.test_cli import assert_one_line_error, formcheck

ROOT = Path(__file__).resolve().parents[1]
STANDING = ROOT / "sample_videos/leg-lifts__standing-straight-leg__good-right.mp4"
FOLD = ROOT / "sample_videos/hamstring-stretch__standing-toe-reach__good-deep-fold.mp4"
VFR = ROOT / "tests/data/vfr.mp4"


def frames_of(path: Path, start: int, count: int, step: int = 1) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_POS_FRAMES, start)
    out = []
    for i in range(count * step):
        ok, image = cap.read()
        assert ok, f"{path} has fewer than {start + count * step} frames"
        if i % step == 0:
            out.append(image)
    cap.release()
    return out


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for image in frames:
        writer.write(image)
    writer.release()
    return path


def analyze(tmp_path: Path, video: Path, *extra: str, exercise: str = "leg-lifts") -> tuple[int, str, dict]:
    out = tmp_path / "report.json"
    res = formcheck("analyze", str(video), "-e", exercise, "--json", str(out), "-q", *extra, cwd=tmp_path)
    assert "Traceback" not in res.stderr
    report = json.loads(out.read_text()) if out.exists() else {}
    return res.returncode, res.stderr, report


# Fast: refused before the model loads.


def write_gif(path: Path, frames: list[np.ndarray], delays_ms: list[int]) -> Path:
    from PIL import Image

    images = [Image.fromarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB)) for f in frames]
    images[0].save(
        path,
        save_all=len(images) > 1,
        append_images=images[1:],
        duration=delays_ms if len(images) > 1 else delays_ms[0],
        loop=0,
    )
    return path


@pytest.mark.parametrize(("suffix", "kind"), [(".png", "PNG"), (".jpg", "JPEG"), (".mp4", "PNG"), (".gif", "GIF")])
def test_a_still_image_is_not_a_video(tmp_path, suffix, kind):
    image = tmp_path / f"photo{suffix}"
    if suffix == ".mp4":  # a photo renamed: the content decides, not the name
        cv2.imwrite(str(tmp_path / "p.png"), frames_of(STANDING, 100, 1)[0])
        (tmp_path / "p.png").rename(image)
    elif suffix == ".gif":  # a GIF of one frame is a picture (an animated one is a video: below)
        write_gif(image, frames_of(STANDING, 100, 1), [100])
    else:
        cv2.imwrite(str(image), frames_of(STANDING, 100, 1)[0])
    res = formcheck("analyze", str(image), "-e", "leg-lifts", cwd=tmp_path)
    assert_one_line_error(res, 1, f"is a still image ({kind}), not a video")


@pytest.mark.parametrize(
    ("option", "target", "code", "fragment"),
    [
        ("--json", "/proc/formcheck-report.json", 1, "cannot write /proc/formcheck-report.json"),  # even for root
        ("--json", "{file}/report.json", 1, "is not a folder"),
        ("--json", "{dir}", 2, "is a directory"),  # click's own usage error
        ("--out", "/proc/annotated.mp4", 1, "cannot write /proc/annotated.mp4"),
        ("--out", "{dir}/annotated.xyz", 1, "name it .mp4"),
    ],
)
def test_an_unwritable_output_fails_before_the_analysis(tmp_path, option, target, code, fragment):
    some_file = tmp_path / "notes.txt"
    some_file.write_text("x")
    target = target.format(file=some_file, dir=tmp_path)
    res = formcheck("analyze", str(STANDING), "-e", "leg-lifts", option, target, cwd=tmp_path)
    assert_one_line_error(res, code, fragment.format(file=some_file, dir=tmp_path))
    assert res.stdout == ""  # nothing was analysed


@pytest.mark.slow
def test_missing_output_folders_are_created(tmp_path):
    nested = tmp_path / "a/b/report.json"
    video = write_video(tmp_path / "v.mp4", frames_of(STANDING, 100, 2))
    res = formcheck("analyze", str(video), "-e", "leg-lifts", "--json", str(nested), "-q", cwd=tmp_path)
    assert res.returncode == 0 and json.loads(nested.read_text())["frames"] == 2


def test_variable_frame_rate_is_timed_by_the_container():
    from formcheck.io.sources import VideoFileSource

    with VideoFileSource(VFR) as src:
        times = [round(f.t * 30, 3) for f in src]
    # frames 6-9 of every 10 were dropped: the timestamps keep the gaps, nothing is timed by a frame count
    assert times == [float(i) for i in range(90) if i % 10 < 6]
    assert src.notes == []


def test_an_animated_gif_is_a_video_timed_by_its_frame_delays(tmp_path):
    """An exercise app's demonstration GIF: its frames are timed by their own delays, which may vary."""
    from formcheck.io.sources import VideoFileSource

    delays = [100, 100, 200, 50, 150, 100]
    gif = write_gif(tmp_path / "demo.gif", frames_of(STANDING, 0, len(delays), step=10), delays)
    with VideoFileSource(gif) as src:
        times = [round(f.t, 3) for f in src]
    assert times == [sum(delays[:i]) / 1000 for i in range(len(delays))]


def test_a_rotation_tag_is_honoured():
    from formcheck.io.sources import VideoFileSource

    clip = ROOT / "sample_videos/hard/leg-lifts__standing-straight-leg__hard-rotation-tag.mp4"
    truth = json.loads(clip.with_suffix(".json").read_text())
    with VideoFileSource(clip) as src:
        first = next(iter(src)).image
    assert src.info.rotation in (90, 270)
    assert any("rotation tag" in n for n in src.notes)
    # decoded upright: the stored frames are sideways (wider than tall), shown portrait
    assert first.shape[0] > first.shape[1], (first.shape, truth.get("width"), truth.get("height"))


def test_a_corrupt_stream_stops_where_it_breaks(tmp_path):
    from formcheck.io.sources import VideoFileSource

    good = write_video(tmp_path / "good.mp4", frames_of(STANDING, 0, 120, step=2))
    data = bytearray(good.read_bytes())
    rng = random.Random(1)
    for i in range(len(data) // 2, len(data) // 2 + len(data) // 10):
        data[i] = rng.randrange(256)
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(bytes(data))
    with VideoFileSource(bad) as src:
        times = [f.t for f in src]
    assert 10 < len(times) < 120  # the part before the damage is kept
    assert any(f"stopped decoding at {times[-1]:.1f} s" in n for n in src.notes), src.notes


# Slow: these run the pose model on the input.


@pytest.mark.slow
def test_an_animated_gif_is_analysed(tmp_path):
    frames = [cv2.resize(f, (320, 240)) for f in frames_of(STANDING, 0, 30, step=4)]
    gif = write_gif(tmp_path / "demo.gif", frames, [100] * len(frames))  # GIF delays are in hundredths of a second
    code, err, report = analyze(tmp_path, gif)
    assert code == 0, err
    assert report["frames"] == 30 and report["frames_with_pose"] > 20
    assert report["duration_s"] == pytest.approx(3.0, abs=0.11)  # 30 frames of 0.1 s


@pytest.mark.slow
def test_a_corrupt_stream_gives_the_report_of_the_part_before(tmp_path):
    good = write_video(tmp_path / "good.mp4", frames_of(STANDING, 0, 120, step=2))
    data = bytearray(good.read_bytes())
    rng = random.Random(1)
    for i in range(len(data) // 2, len(data) // 2 + len(data) // 10):
        data[i] = rng.randrange(256)
    (tmp_path / "bad.mp4").write_bytes(bytes(data))
    code, err, report = analyze(tmp_path, tmp_path / "bad.mp4")
    assert code == 0, err
    assert 10 < report["frames"] < 120 and report["frames_with_pose"] > 0
    assert any("stopped decoding at" in n and "analysed up to there" in n for n in report["notes"])


@pytest.mark.slow
def test_a_one_frame_video_is_too_short(tmp_path):
    video = write_video(tmp_path / "one.mp4", frames_of(STANDING, 150, 1))
    code, err, report = analyze(tmp_path, video)
    assert code == 0, err
    assert report["frames"] == 1 and report["frames_with_pose"] == 1
    assert report["undetermined"] == "not judged as leg lifts: the video is too short (1 frame(s))"
    assert report["reps"] == {"left": 0, "right": 0} and report["holds"] == [] and report["faults"] == []


@pytest.mark.slow
def test_a_very_dark_video_says_so(tmp_path):
    dark = [(f * 0.02).astype(np.uint8) for f in frames_of(STANDING, 150, 20)]
    code, err, report = analyze(tmp_path, write_video(tmp_path / "dark.mp4", dark))
    assert code == 3 and report["frames_with_pose"] == 0
    assert err.strip().endswith("(the video is very dark) (report written)") and len(err.strip().splitlines()) == 1
    assert any(n.startswith("the video is very dark") for n in report["notes"])


@pytest.mark.slow
def test_legs_out_of_the_picture_are_not_seen_never_guessed(tmp_path):
    # the top half of a standing person lifting a leg: head to hips in the picture, knees and feet out
    top = [f[: f.shape[0] // 2] for f in frames_of(STANDING, 0, 150, step=2)]
    code, err, report = analyze(tmp_path, write_video(tmp_path / "top.mp4", top, fps=15.0))
    assert code == 0, err
    assert report["frames_with_pose"] > 0.8 * report["frames"]
    assert report["legs_seen"] < 0.25
    assert any(n.startswith("the legs were not seen in") for n in report["notes"])
    assert sum(report["reps"].values()) == 0 and report["holds"] == [] and report["faults"] == []


@pytest.mark.slow
def test_two_people_one_followed_throughout(tmp_path):
    from formcheck.app.api import analyze_video
    from formcheck.pose.landmarks import LM

    a, b = frames_of(STANDING, 200, 60), frames_of(FOLD, 200, 60)
    video = write_video(tmp_path / "two.mp4", [np.hstack([x, y]) for x, y in zip(a, b)])
    xs: list[float] = []

    def hips(state):  # type: ignore[no-untyped-def]
        if state.pose is not None:
            xs.append(float(state.pose.xy[[LM.LEFT_HIP, LM.RIGHT_HIP], 0].mean()) / state.pose.image_size[0])

    from formcheck.analysis.sinks import OnFrame

    report = analyze_video(video, "leg-lifts", sinks=[OnFrame(hips)])
    assert len(xs) > 50
    followed_left = xs[0] < 0.5
    assert all((x < 0.5) == followed_left for x in xs)  # the same person in every frame
    where = "left" if followed_left else "right"
    assert any(n.startswith(f"followed the person in the {where} part of the picture") for n in report.notes)
    assert report.subject_x is not None and (report.subject_x < 0.5) == followed_left


@pytest.mark.slow
def test_variable_frame_rate_report_keeps_real_time(tmp_path):
    code, err, report = analyze(tmp_path, VFR)
    assert code == 0, err
    assert report["frames"] == 54
    # the last frame at 85/30 s, lasting one frame: 2.87 s of real time, not 54 frames / 30 fps = 1.8 s
    assert report["duration_s"] == pytest.approx(2.87, abs=0.05)


@pytest.mark.slow
def test_a_4k_video_is_downscaled_once_for_the_model(tmp_path):
    big = [cv2.resize(f, (3840, 2160), interpolation=cv2.INTER_LINEAR) for f in frames_of(STANDING, 150, 6)]
    code, err, report = analyze(tmp_path, write_video(tmp_path / "4k.mp4", big))
    assert code == 0, err
    assert (report["width"], report["height"]) == (3840, 2160)
    assert report["inference_size"] == [960, 540]
    assert report["frames_with_pose"] == 6
