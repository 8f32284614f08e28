"""Live coaching of a whole routine without naming the exercise: the exercise on screen follows what is done,
the screen (and voice) says when it changes, and the report is the routine's, block by block."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from formcheck.backends import ReplayBackend
from formcheck.exercises import load_exercises
from formcheck.live import SWITCH_SHOWN_S, run_live
from formcheck.overlay import SWITCH_COLOUR
from formcheck.pipeline import analyze_landmarks
from formcheck.routine import RoutineReport
from formcheck.sources import Frame, VideoInfo

ROOT = Path(__file__).resolve().parents[1]
ROUTINE = ROOT / "sample_videos" / "routines" / "routine__floor-knee-to-chest-leg-lifts-bridges.mp4"
# The first rep or hold of a block is evidence only once it explains 2 s (routine.MIN_EXPLAINED_S): a hold
# after its minimum (3 s), reps after the second one here (1.8 s each). The switch comes within this of the
# block's start.
MAX_SWITCH_DELAY_S = 8.0


class Camera:
    """Every frame of a clip, as fast as they are taken (a camera the loop always keeps up with)."""

    def __init__(self, clip: Path) -> None:
        import cv2

        self._cap = cv2.VideoCapture(str(clip))
        self.info = VideoInfo(str(clip), 640, 480, 30.0, 0)
        self.delivered = self.dropped = 0
        self.error: str | None = None
        self.notes: list[str] = []

    def __iter__(self) -> Iterator[Frame]:
        i = 0
        while True:
            ok, image = self._cap.read()
            if not ok:
                return
            self.delivered += 1
            yield Frame(i, i / 30.0, image, time.monotonic())
            i += 1

    def close(self) -> None:
        self._cap.release()


class Sampler:
    """A display keeping the frames shown at the given indices."""

    def __init__(self, wanted: set[int]) -> None:
        self.wanted, self.i, self.kept = wanted, 0, {}

    def show(self, image: np.ndarray) -> int:
        if self.i in self.wanted:
            self.kept[self.i] = image
        self.i += 1
        return -1

    def close(self) -> None:
        pass


class Speaker:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, phrase: str) -> None:
        self.said.append(phrase)


def _switch_pixels(image: np.ndarray) -> int:
    """Pixels of the switch banner's colour in the band under the panel."""
    h = image.shape[0]
    band = image[int(0.13 * h) : int(0.25 * h)].astype(int)
    return int((np.abs(band - np.array(SWITCH_COLOUR)).sum(axis=2) < 40).sum())


@pytest.fixture(scope="module")
def live_routine():  # type: ignore[no-untyped-def]
    truth = json.loads(ROUTINE.with_suffix(".json").read_text())
    # frames 1 s after each block's start + the allowed delay is too late to see a banner; sample densely
    wanted = set(range(0, truth["frames"], 15))
    display, voice, src = Sampler(wanted), Speaker(), Camera(ROUTINE)
    try:
        report, _ = run_live(
            None,
            src,
            others=load_exercises().values(),
            backend=ReplayBackend(ROUTINE.with_suffix(".landmarks.npz")),
            display=display,
            voice=voice,  # type: ignore[arg-type]
        )
    finally:
        src.close()
    return truth, report, display, voice


def test_the_exercise_on_screen_follows_the_routine(live_routine):
    truth, report, _display, voice = live_routine
    assert isinstance(report, RoutineReport)
    segs = truth["segments"]
    announced = [p for p in voice.said if p.startswith("Now: ")]
    titles = {e.name: e.title for e in load_exercises().values()}
    assert [p.split(" - ")[0] for p in announced] == [f"Now: {titles[s['exercise']]}" for s in segs]
    # after "Now: ...", the counts said are the new exercise's (the bridges count 1 to 5, not the lifts' sides)
    after = voice.said[voice.said.index(announced[-1]) + 1 :]
    assert [p for p in after if p[0].isdigit() or p.startswith(("left", "right"))] == ["1", "2", "3", "4", "5"]
    # the person walked in: counting waited for them (the check recovers once they are in view), not longer
    waited = [n for n in report.notes if n.startswith("counting waited")]
    assert waited and float(waited[0].split()[2]) < segs[0]["start_s"]


def test_the_switch_is_shown_soon_after_the_block_starts_and_then_goes(live_routine):
    truth, _report, display, _voice = live_routine
    shown = {i: _switch_pixels(img) > 50 for i, img in display.kept.items()}
    fps = truth["fps"]
    for seg in truth["segments"]:
        first = min((i for i, on in shown.items() if on and i / fps >= seg["start_s"]), default=None)
        assert first is not None, seg["exercise"]
        assert first / fps - seg["start_s"] <= MAX_SWITCH_DELAY_S, (seg["exercise"], first / fps)
        # gone again a little over SWITCH_SHOWN_S later
        later = int((first / fps + SWITCH_SHOWN_S + 1.0) * fps)
        later -= later % 15
        assert not shown[later], seg["exercise"]
    assert not any(on for i, on in shown.items() if i / fps < truth["segments"][0]["start_s"])


def test_the_live_routine_reports_what_analyze_reports(live_routine):
    _truth, report, _display, _voice = live_routine
    ref = analyze_landmarks(ROUTINE.with_suffix(".landmarks.npz"), None).to_dict()
    got = report.to_dict()
    assert [(s["exercise"], s["variant"], s["reps"], len(s["holds"])) for s in got["segments"]] == [
        (s["exercise"], s["variant"], s["reps"], len(s["holds"])) for s in ref["segments"]
    ]
    for a, b in zip(got["segments"], ref["segments"]):
        assert abs(a["start_s"] - b["start_s"]) <= 0.5 and abs(a["end_s"] - b["end_s"]) <= 0.5
