"""Live coaching: the same results as analyze, the keys, a camera that stops, the window, the voice."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bench.evaluate import Truth
from formcheck.analysis.loop import Analysis
from formcheck.app.api import analyze_landmarks
from formcheck.definitions.loader import Catalogue, load_exercises
from formcheck.io.sources import Frame, PacedFileSource, VideoInfo
from formcheck.live.coach import KEY_PAUSE, KEY_QUIT, LiveStats, run_live
from formcheck.live.voice import Announcer, Voice, find_engine, synthesise
from formcheck.live.window import OpenCVWindow
from formcheck.pose.recording import ReplayBackend

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_videos"
EXERCISES = load_exercises()
CATALOGUE = Catalogue.load()
# Short clips of each kind of result: reps per side with faults, holds with faults, a hold, a front view.
CLIPS = (
    "leg-lifts__supine-bent-knee__faults",
    "hamstring-stretch__split-stance-wall__faults",
    "hip-flexor-stretch__half-kneeling__good-right",
    "leg-lifts__side-lying__faults-right",
)
SPEED = 4.0  # the file plays four times faster than real time (the replayed model keeps up with it)
MAX_DROPS = 0.05  # the rule: live equals analyze while it drops at most this share of the frames


def live_on(name: str, **kw):  # type: ignore[no-untyped-def]
    clip = SAMPLES / f"{name}.mp4"
    truth = Truth.load(clip.with_suffix(".json"))
    src = PacedFileSource(clip, speed=kw.pop("speed", SPEED))
    try:
        report, stats = run_live(
            Analysis(CATALOGUE, EXERCISES[truth.exercise], kw.pop("variant", None)),
            src,
            backend=ReplayBackend(clip.with_suffix(".landmarks.npz")),
            **kw,
        )
    finally:
        src.close()
    return truth, report, stats


@pytest.mark.parametrize("name", CLIPS)
def test_live_gives_what_analyze_gives(name: str):
    truth, live, stats = live_on(name)
    # Rule: live gives analyze's results while it keeps up (at most 5% of frames dropped); the figures at the
    # model's real pace, with drops, are bench/live_latency.py's.
    if stats.drop_share > MAX_DROPS:
        pytest.skip(f"this machine dropped {stats.drop_share:.0%} of the frames: too busy to keep up with the clip")
    ref = analyze_landmarks(truth.video.with_suffix(".landmarks.npz"), truth.exercise)
    assert live.variant == ref.variant
    assert live.reps == ref.reps
    assert [f.code for f in live.faults] == [f.code for f in ref.faults]
    assert len(live.holds) == len(ref.holds)
    for a, b in zip(live.holds, ref.holds):
        assert a.side == b.side and abs(a.duration_s - b.duration_s) <= 0.5


def test_mirrored_display_keeps_the_persons_own_sides():
    truth, report, _ = live_on("leg-lifts__supine-bent-knee__faults", mirror=True, display=Recorder())
    assert report.reps == truth.data["reps"]  # the right leg's reps are still the right leg's
    assert {f.side for f in report.faults if f.code == "other_leg_lifts"} == {"left"}


class Recorder:
    """A display that keeps what it was shown."""

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []

    def show(self, image: np.ndarray) -> int:
        self.frames.append(image)
        return -1

    def close(self) -> None:
        pass


def test_pause_stops_the_hold_clock():
    name = "hip-flexor-stretch__half-kneeling__good-right"
    _, plain, _ = live_on(name)
    presses = iter([0] * 200 + [KEY_PAUSE] + [0] * 30 + [KEY_PAUSE])  # pause ~7 s of video in, for 30 frames
    _, paused, _ = live_on(name, keys=lambda: next(presses, 0))
    assert len(plain.holds) == len(paused.holds) == 1
    # the paused stretch is not held time: the hold is shorter by at most the pause, not broken in two
    assert 0.0 < plain.holds[0].duration_s - paused.holds[0].duration_s <= 30 / 30 * SPEED + 0.5


def test_quit_key_ends_the_session_and_keeps_what_was_measured():
    presses = iter([0] * 300 + [KEY_QUIT[0]])
    truth, report, _ = live_on("leg-lifts__supine-bent-knee__faults", keys=lambda: next(presses, 0))
    assert not report.partial  # quitting is how a live session ends
    assert 0 < sum(report.reps.values()) < sum(truth.data["reps"].values())


class StoppingCamera:
    """A capture that delivers frames of a clip, then stops as a disconnected camera does."""

    def __init__(self, clip: Path, stop_after: int) -> None:
        import cv2

        self.info = VideoInfo(str(clip), 640, 480, 30.0, 0)
        self.delivered = self.dropped = 0
        self.error: str | None = None
        self.notes: list[str] = []
        self._cap = cv2.VideoCapture(str(clip))
        self._stop_after = stop_after

    def __iter__(self) -> Iterator[Frame]:
        for i in range(self._stop_after):
            _ok, image = self._cap.read()
            self.delivered += 1
            yield Frame(i, i / 30.0, image, time.monotonic())
        self.error = "camera 0 stopped delivering frames (disconnected?)"

    def close(self) -> None:
        self._cap.release()


def test_a_camera_that_stops_still_gives_the_report():
    clip = SAMPLES / "leg-lifts__supine-bent-knee__faults.mp4"
    src = StoppingCamera(clip, 400)
    report, _ = run_live(
        Analysis(CATALOGUE, EXERCISES["leg-lifts"]),
        src,
        backend=ReplayBackend(clip.with_suffix(".landmarks.npz")),
    )
    src.close()
    assert report.partial and report.frames == 400
    assert "camera 0 stopped delivering frames (disconnected?)" in report.notes
    assert report.reps["right"] >= 1


def test_a_camera_that_does_not_exist_is_one_line_and_non_zero(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "formcheck", "live", "-e", "leg-lifts", "--camera", "7", "--no-window"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert res.returncode == 1
    assert res.stderr.strip() == "formcheck: error: cannot open camera 7 (no such device, or it is in use)"


def test_latency_and_drops_are_measured():
    stats = LiveStats(latencies_ms=[10.0, 20.0, 30.0, 40.0, 100.0], delivered=10, dropped=4)
    assert stats.percentile(0.5) == 30.0 and stats.percentile(0.95) == 100.0
    assert stats.drop_share == 0.4


# --- the real window, under a virtual X server ---------------------------------------------------------


def read_xwd(path: Path) -> np.ndarray:
    """The screen Xvfb keeps in its -fbdir (XWD format, 32 bits a pixel) as an RGB array."""
    data = path.read_bytes()
    header = struct.unpack(">25I", data[:100])
    header_size, width, height, bpp, bytes_per_line, ncolors = (
        header[0],
        header[4],
        header[5],
        header[11],
        header[12],
        header[19],
    )
    assert bpp == 32
    start = header_size + ncolors * 12
    pixels = np.frombuffer(data[start : start + bytes_per_line * height], np.uint8).reshape(height, bytes_per_line)
    argb = pixels[:, : width * 4].reshape(height, width, 4)
    order = "little" if header[7] == 0 else "big"  # byte_order
    return argb[..., 2::-1] if order == "little" else argb[..., 1:4]


@pytest.fixture
def xvfb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb; .ci/run installs it)")
    # -displayfd: the server picks a free display and writes its number once it accepts clients, so neither a
    # display another process holds nor a server still starting up can send the window elsewhere.
    read_end, write_end = os.pipe()
    args = ["-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-fbdir", str(tmp_path), "-nolisten", "tcp"]
    proc = subprocess.Popen(
        ["Xvfb", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    with os.fdopen(read_end) as ready:
        number = ready.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    monkeypatch.setenv("DISPLAY", f":{number}")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")  # OpenCV's Qt must draw on this server, not offscreen
    try:
        yield tmp_path / "Xvfb_screen0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def overlay_on_screen(screen: np.ndarray) -> bool:
    """The overlay's colours: the left leg's blue and the right leg's orange (legend and legs), and the dark band
    of the panel with white writing."""
    blue = int(np.all(np.abs(screen.astype(int) - (40, 160, 235)) < 25, axis=2).sum())
    orange = int(np.all(np.abs(screen.astype(int) - (255, 140, 40)) < 25, axis=2).sum())
    white = int(np.all(screen > 235, axis=2).sum())
    return blue > 50 and orange > 50 and white > 200


def test_the_window_shows_the_overlay(xvfb: Path):
    window = OpenCVWindow()
    shown: list[np.ndarray] = []
    seen: list[bool] = []

    class Screenshot:
        def show(self, image: np.ndarray) -> int:
            key = window.show(image)
            now = time.monotonic()
            if len(seen) < 12 and now - start > 1.0 and now - last[0] > 0.8:
                shown.append(image.copy())
                seen.append(overlay_on_screen(read_xwd(xvfb)))
                last[0] = now
            return key

        def close(self) -> None:
            pass

    start, last = time.monotonic(), [0.0]
    live_on("leg-lifts__supine-bent-knee__faults", display=Screenshot(), speed=3.0)
    assert shown, "no frame was shown"
    # On a loaded machine with no window manager, Qt now and then maps its first window and never paints it (the
    # X server reports it viewable, the screen stays black: CI once, here 1 run in 10 under 6 busy processes). A
    # window opened again paints, so the frames the run showed are shown again in a new window until one is on
    # screen or 30 s pass; what is tested stays the overlay, drawn by OpenCVWindow on a real X server.
    deadline = time.monotonic() + 30.0
    while not any(seen) and time.monotonic() < deadline:
        window.close()
        window = OpenCVWindow()
        for image in shown:
            window.show(image)
            time.sleep(0.1)
            window.show(image)
            seen.append(overlay_on_screen(read_xwd(xvfb)))
    window.close()
    assert any(seen), f"the overlay never reached the screen ({len(seen)} screenshots)"


# --- voice --------------------------------------------------------------------------------------------


def test_the_announcer_says_counts_hold_time_switch_and_new_cues():
    from formcheck.engine.snapshot import Snapshot

    def snap(reps=None, elapsed=None, alerts=(), side="right"):  # type: ignore[no-untyped-def]
        return Snapshot(
            "v",
            reps or {"left": 0, "right": 0},
            "rest",
            side,
            elapsed,
            30.0 if elapsed else None,
            list(alerts),
            None,
            None,
        )

    a = Announcer()
    assert a.phrases(snap()) == []
    assert a.phrases(snap({"left": 0, "right": 1})) == ["right 1"]
    assert a.phrases(snap({"left": 0, "right": 1})) == []
    assert a.phrases(snap(elapsed=19.0)) == []
    assert a.phrases(snap(elapsed=20.2)) == ["hold - 10 seconds left"]
    assert a.phrases(snap(elapsed=30.1)) == ["done - switch legs"]
    assert a.phrases(snap(alerts=["Keep your torso upright"])) == ["Keep your torso upright"]
    assert a.phrases(snap(alerts=["Keep your torso upright"])) == []
    assert a.phrases(snap(), set_up="Step into view of the camera") == ["Step into view of the camera"]


def test_voice_is_rate_limited_and_never_blocks():
    v = Voice(engine=None, repeat_s=5.0)
    t0 = time.monotonic()
    assert v.say("right 1") and not v.say("right 1") and v.say("right 2")
    assert time.monotonic() - t0 < 0.05
    v.close(wait_s=1.0)
    assert v.spoken == ["right 1", "right 2"]


def test_cues_are_spoken_by_a_real_engine(tmp_path):
    if find_engine() is None:
        pytest.skip("no speech engine (Debian package espeak-ng; .ci/run installs it)")
    wav = tmp_path / "cue.wav"
    synthesise("Keep your torso upright", wav)
    with wave.open(str(wav)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), np.int16)
        duration = w.getnframes() / w.getframerate()
    assert 0.8 < duration < 5.0
    assert np.abs(frames).max() > 3000  # speech, not silence
