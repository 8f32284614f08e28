"""analyze_video as a whole: interruption keeps what was measured, landmarks replay to the same result."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest.mock import ANY

import pytest

from formcheck.analysis.sinks import OnFrame
from formcheck.app.api import analyze_landmarks, analyze_video
from formcheck.pose.recording import ReplayBackend

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "sample_videos" / "leg-lifts__side-lying__good-left.mp4"
LANDMARKS = CLIP.with_suffix(".landmarks.npz")


def test_interrupted_analysis_returns_a_partial_report():
    seen = []

    def stop_after_60(state):  # type: ignore[no-untyped-def]
        seen.append(state.frame.t)
        if len(seen) == 60:
            raise KeyboardInterrupt

    report = analyze_video(CLIP, "leg-lifts", backend=ReplayBackend(LANDMARKS), sinks=[OnFrame(stop_after_60)])
    assert report.partial
    assert report.frames == 60
    assert report.duration_s == pytest.approx(60 / 30, abs=0.05)  # from the timestamps of the frames seen


@pytest.mark.slow
def first_seconds(clip: Path, seconds: float, out: Path) -> Path:
    """The clip's first ``seconds`` as a video of its own (the model runs on fewer frames)."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS)
    size = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for _ in range(round(seconds * fps)):
        ok, frame = cap.read()
        if not ok:
            break
        writer.write(frame)
    writer.release()
    cap.release()
    return out


def test_saved_landmarks_replay_to_the_same_report(tmp_path):
    clip = first_seconds(CLIP, 9.0, tmp_path / CLIP.name)  # two of its lifts
    lm = tmp_path / "lm.npz"
    live = analyze_video(clip, "leg-lifts", save_landmarks=lm)
    replayed = analyze_video(clip, "leg-lifts", backend=ReplayBackend(lm))
    assert replayed.reps == live.reps and live.reps["left"] > 0
    assert replayed.faults == live.faults
    assert replayed.variant == live.variant
    assert replayed.frames_with_pose == live.frames_with_pose
    assert analyze_landmarks(lm, "leg-lifts").to_dict() == {**replayed.to_dict(), "backend": ANY, "video": CLIP.name}


@pytest.mark.slow
def test_sigterm_writes_a_partial_report(tmp_path):
    """SIGTERM once frames are being analysed (the progress bar, on a terminal, says how many) however loaded
    the machine is: the report of what was measured is written, marked partial."""
    import fcntl
    import os
    import pty
    import re
    import select
    import struct
    import termios

    out = tmp_path / "r.json"
    master, slave = pty.openpty()  # stderr a terminal (with a size, or the bar has no room): the bar shows
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "formcheck", "analyze", str(CLIP), "-e", "leg-lifts", "--json", str(out)],
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
    )
    seen, deadline = "", time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([master], [], [], 0.2)[0]:
            seen += os.read(master, 4096).decode(errors="replace")
        if max((int(n) for n in re.findall(r"(\d+)/\d+ \[", seen)), default=0) >= 30:
            break  # 30 frames analysed
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    while select.select([master], [], [], 0.5)[0]:
        seen += os.read(master, 4096).decode(errors="replace")
    os.close(slave)
    os.close(master)
    assert proc.returncode == 130, seen
    assert "formcheck: error: interrupted: partial report written" in seen
    report = json.loads(out.read_text())
    assert report["partial"] is True
    assert 30 <= report["frames"] < 590


def test_progress_bar_goes_to_the_real_stderr_and_only_when_asked(capfd):
    analyze_video(CLIP, "leg-lifts", backend=ReplayBackend(LANDMARKS), progress=True)
    err = capfd.readouterr().err
    assert "leg-lifts__side-lying__good-left.mp4" in err and "/591" in err and "frame/s" in err
    analyze_video(CLIP, "leg-lifts", backend=ReplayBackend(LANDMARKS), progress=None)  # stderr is not a terminal
    assert capfd.readouterr().err == ""
