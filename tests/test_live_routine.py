"""Live coaching of a whole routine without naming the exercise: the exercise on screen follows what is done,
the screen (and voice) says when it changes, and the report is the routine's, block by block. The same in
a routine's annotated video. (Every rendered routine's order of exercises is checked fast, from its saved
landmarks, in test_routine.py.)"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from formcheck.analysis.loop import Analysis, FrameState
from formcheck.analysis.recognition import SWITCH_SHOWN_S
from formcheck.analysis.sinks import OnFrame
from formcheck.app.api import analyze_video
from formcheck.definitions.loader import Catalogue
from formcheck.io.sources import Frame, VideoInfo
from formcheck.io.sources import Frame as SourceFrame
from formcheck.live.coach import run_live
from formcheck.pose.landmarks import Pose
from formcheck.pose.recording import ReplayBackend
from formcheck.render.overlay import SWITCH_COLOUR
from formcheck.report.routine_report import RoutineReport

ROOT = Path(__file__).resolve().parents[1]
ROUTINE = ROOT / "sample_videos" / "routines" / "routine__floor-knee-to-chest-leg-lifts-bridges.mp4"
# 12-50 s of the floor routine: resting on the back, the knee-to-chest hold (13.6-31.6 s), a rest, the
# bent-knee lifts from 38 s: two exercises, shown as each is recognised
FIRST, LAST = 360, 1500
FPS = 30.0


@pytest.fixture(scope="module")
def part(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import cv2

    cap = cv2.VideoCapture(str(ROUTINE))
    cap.set(cv2.CAP_PROP_POS_FRAMES, FIRST)
    path = tmp_path_factory.mktemp("routine") / "part.mp4"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (640, 480))
    for _ in range(LAST - FIRST):
        ok, image = cap.read()
        assert ok
        w.write(image)
    w.release()
    cap.release()
    return path


class OffsetReplay(ReplayBackend):
    """The routine's saved landmarks, for the part cut from it."""

    def __init__(self) -> None:
        super().__init__(ROUTINE.with_suffix(".landmarks.npz"))

    def process(self, frame: Frame) -> Pose | None:
        return self.pose_at(frame.index + FIRST)


class Camera:
    """Every frame of a clip, as fast as they are taken (a camera the loop always keeps up with)."""

    def __init__(self, clip: Path) -> None:
        import cv2

        self._cap = cv2.VideoCapture(str(clip))
        self.info = VideoInfo(str(clip), 640, 480, FPS, 0)
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
            yield Frame(i, i / FPS, image, time.monotonic())
            i += 1

    def close(self) -> None:
        self._cap.release()


def routine_analysis() -> Analysis:
    return Analysis(Catalogue.load(), None, live_recognition=True)


class Recorder:
    """A display keeping whether each frame shown had the switch banner."""

    def __init__(self) -> None:
        self.banner: list[bool] = []

    def show(self, image: np.ndarray) -> int:
        self.banner.append(_has_banner(image))
        return -1

    def close(self) -> None:
        pass


class Speaker:
    def __init__(self) -> None:
        self.said: list[str] = []

    def say(self, phrase: str) -> None:
        self.said.append(phrase)


def _has_banner(image: np.ndarray) -> bool:
    """The switch banner's colour in the band under the panel."""
    h = image.shape[0]
    band = image[int(0.13 * h) : int(0.25 * h), : int(0.75 * image.shape[1])].astype(int)
    return int((np.abs(band - np.array(SWITCH_COLOUR)).sum(axis=2) < 40).sum()) > 50


def _shown_spans(banner: list[bool]) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, on in enumerate([*banner, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            spans.append((start, i))
            start = None
    return spans


def _switch_times() -> list[float]:
    """When the part's exercise on screen changes, from its landmarks alone."""
    analysis, replay = Analysis(Catalogue.load(), None, live_recognition=True), OffsetReplay()
    for i in range(LAST - FIRST):
        frame = SourceFrame(i, i / FPS, None, cut=replay.cut_at(i + FIRST) and i > 0)
        analysis.step(frame, replay.pose_at(i + FIRST))
    assert analysis.recogniser is not None
    return [s.t for s in analysis.recogniser.switches]


def _check_banner(banner: list[bool], switch_times: list[float]) -> None:
    """Shown once per switch, from the frame after it, for SWITCH_SHOWN_S."""
    spans = _shown_spans(banner)
    assert len(spans) == len(switch_times), spans
    for (a, b), t in zip(spans, switch_times):
        assert abs(a / FPS - t) <= 2 / FPS
        assert abs((b - a) / FPS - SWITCH_SHOWN_S) <= 2 / FPS


def test_live_shows_and_says_each_exercise_as_it_is_recognised(part, annotated):
    display, voice, src = Recorder(), Speaker(), Camera(part)
    try:
        report, _ = run_live(routine_analysis(), src, backend=OffsetReplay(), display=display, voice=voice)  # type: ignore[arg-type]
    finally:
        src.close()
    assert isinstance(report, RoutineReport)
    segs = report.to_dict()["segments"]
    assert [s["exercise"] for s in segs] == ["hamstring-stretch", "leg-lifts"]
    announced = [p for p in voice.said if p.startswith("Now: ")]
    assert announced == [
        "Now: Hamstring stretch - Lying on the back, knee to chest",
        "Now: Leg lifts - Lying on the back, bent-knee lift",
    ]
    # after "Now: Leg lifts ...", the counts said are the lifts', per side (the hold had none)
    after = voice.said[voice.said.index(announced[1]) + 1 :]
    assert [p.split()[0] for p in after if p.split()[0] in ("left", "right")]
    assert not any(p.isdigit() for p in after)
    # the banner: from each switch, for SWITCH_SHOWN_S
    _check_banner(display.banner, _switch_times())
    # the same blocks as the recording analysed afterwards
    ref = annotated[0].to_dict()["segments"]
    assert [(s["exercise"], s["variant"], s["reps"]) for s in segs] == [
        (s["exercise"], s["variant"], s["reps"]) for s in ref
    ]


@pytest.fixture(scope="module")
def annotated(part: Path) -> tuple[RoutineReport, list[bool]]:
    """The part analysed with an annotated video: the report, and whether each frame has the banner."""
    import cv2

    out = part.with_name("annotated.mp4")
    report = analyze_video(part, None, backend=OffsetReplay(), annotate_to=out)
    assert isinstance(report, RoutineReport)
    banner = []
    cap = cv2.VideoCapture(str(out))
    while True:
        ok, image = cap.read()
        if not ok:
            break
        banner.append(_has_banner(image))
    cap.release()
    return report, banner


def test_a_routines_annotated_video_shows_the_exercise_recognised_so_far(annotated):
    report, banner = annotated
    assert [s["exercise"] for s in report.to_dict()["segments"]] == ["hamstring-stretch", "leg-lifts"]
    assert len(banner) == LAST - FIRST
    _check_banner(banner, _switch_times())


def test_a_live_routine_cut_short_keeps_the_blocks_so_far(part):
    def stop_at(state: FrameState) -> None:
        if state.frame.index == 700:  # 35 s into the routine: the knee-to-chest hold done, the lifts not begun
            raise KeyboardInterrupt

    src = Camera(part)
    try:
        report, _ = run_live(routine_analysis(), src, backend=OffsetReplay(), sinks=(OnFrame(stop_at),))
    finally:
        src.close()
    assert isinstance(report, RoutineReport) and report.partial
    d = report.to_dict()
    assert d["partial"] is True and d["frames"] == 701
    assert [(s["exercise"], len(s["holds"])) for s in d["segments"]] == [("hamstring-stretch", 1)]
