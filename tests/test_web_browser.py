"""The web app in a real browser: headless Chromium (the system's, driven by Playwright) with a sample clip as
its camera, against the server on a free port with the real pose model.

One test plays the whole story, because its parts depend on each other and pytest-xdist would otherwise run
them on different workers, each redoing the sessions: a live session through the page (one pass of the
clip, counted as ``analyze`` counts its saved landmarks), a recorded video through the upload page (the
report ``analyze`` gives), then the history page showing both.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from formcheck.app.api import analyze_landmarks
from formcheck.app.web_jobs import HISTORY_NAME, display_name
from tools import web_harness

needs_browser = pytest.mark.skipif(
    web_harness.CHROMIUM is None or not Path(web_harness.CHROMIUM).exists(),
    reason="chromium is not installed (/usr/bin/chromium: apt-get install chromium)",
)

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
CLIP = SAMPLES / "leg-lifts__side-lying__good-left.mp4"
EXERCISE, VARIANT = "leg-lifts", "side-lying"
LEAD_IN_S = 2.0  # the first frame held before the clip: the page starts sending a moment after the camera opens
SKELETON = np.array([0, 229, 255])  # the page's skeleton colour, #00e5ff (RGB)


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The clip as Chromium's fake camera; and when one pass of it (lead-in included) has played."""
    y4m = tmp_path_factory.mktemp("camera") / "clip.y4m"
    frames, fps = web_harness.write_y4m(CLIP, y4m, lead_in_s=LEAD_IN_S)
    return y4m, LEAD_IN_S + frames / fps


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("web") / "data"
    with web_harness.serving(data, keep_landmarks=True) as base:
        yield base, data


@pytest.fixture(scope="module")
def browser(camera: tuple[Path, float]) -> Iterator[Any]:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with web_harness.browser(camera[0]) as b:
        yield b


class PageWatch:
    """A page with its console errors and failed requests kept (a 404 favicon shows up here)."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1000, "height": 900})
        self.problems: list[str] = []
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)


def skeleton_pixels(rgb: np.ndarray) -> int:
    return int((np.abs(rgb.astype(int) - SKELETON).max(axis=2) <= 40).sum())


def png_rgb(png: bytes) -> np.ndarray:
    return cv2.cvtColor(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def assert_same_counts(got: dict[str, Any], ref: Any, hold_tolerance_s: float) -> None:
    """A report's JSON against a reference Report: variant, reps, holds (side, duration), fault codes."""
    assert got["variant"] == ref.variant
    assert got["reps"] == ref.reps
    assert [h["side"] for h in got["holds"]] == [h.side for h in ref.holds]
    for h, r in zip(got["holds"], ref.holds):
        assert abs(h["duration_s"] - r.duration_s) <= hold_tolerance_s
    assert [f["code"] for f in got["faults"]] == [f.code for f in ref.faults]


def live_session(browser: Any, base: str, data: Path, one_pass_s: float) -> dict[str, Any]:
    """The live page through one pass of the clip; checks the overlay mid-session and the page's counts."""
    watch = PageWatch(browser)
    page = watch.page
    web_harness.start_live(page, base, EXERCISE, VARIANT)
    web_harness.wait_stream_time(page, LEAD_IN_S + 4.0)  # the first lift is under way
    shot = png_rgb(page.locator("#stage").screenshot())
    cap = cv2.VideoCapture(str(CLIP))
    _, first = cap.read()
    cap.release()
    # the skeleton's colour is drawn by the page: the clip itself has (next to) none of it
    assert skeleton_pixels(cv2.cvtColor(first, cv2.COLOR_BGR2RGB)) < 50
    assert skeleton_pixels(shot) > 500
    web_harness.wait_stream_time(page, one_pass_s + 0.5)  # into the next pass's lead-in: the person at rest
    stats = web_harness.end_live(page)
    report = stats["report"]
    assert stats["states"] > 0 and report["delivered"] >= stats["states"]
    page_reps = json.loads(page.locator("#reps").get_attribute("data-reps"))
    summary = page.locator("#summary").inner_text()
    assert watch.problems == []
    page.close()

    ref = analyze_landmarks(CLIP.with_suffix(".landmarks.npz"), EXERCISE, VARIANT)
    saved = data / "sessions" / report["id"]
    got = json.loads((saved / "report.json").read_text())
    # the live report counts what analyze counts on the clip (as tests/test_live.py: reps equal, holds 0.5 s)
    assert_same_counts(got, ref, 0.5)
    assert {k: v for k, v in page_reps.items() if k in ref.reps} == ref.reps  # the last state the page showed
    assert f"left {ref.reps['left']}, right {ref.reps['right']}" in summary
    # the session's own landmarks, replayed, give the live report exactly: the browser path adds nothing
    replayed = analyze_landmarks(saved / "landmarks.npz", EXERCISE, VARIANT)
    assert_same_counts(got, replayed, 1e-6)
    assert got["frames"] == replayed.frames
    # every frame the server took was analysed (but the one arriving as the session ended)
    assert 0 <= report["delivered"] - report["dropped"] - got["frames"] <= 1
    return got


def upload_session(browser: Any, base: str) -> dict[str, Any]:
    """A recorded video through the upload page: its report, and its downloads."""
    # The reference: the clip's saved landmarks, which tests/test_clips.py checks are what the model finds (it
    # was the model run again beside the server's job, 10 s of the suite for the same figures).
    ref = analyze_landmarks(CLIP.with_suffix(".landmarks.npz"), EXERCISE)
    watch = PageWatch(browser)
    page = watch.page
    page.goto(f"{base}/upload")
    page.set_input_files("#file", str(CLIP))
    page.select_option("#exercise", EXERCISE)
    page.click("#go")
    page.wait_for_selector("#summary", timeout=180_000)
    links = page.eval_on_selector_all("#links a", "els => els.map((a) => a.href)")
    summary = page.locator("#summary").inner_text()
    page.wait_for_function("document.getElementById('report').contentDocument.readyState === 'complete'")
    assert watch.problems == []
    kinds = {
        "report.json": "application/json",
        "report.html": "text/html",
        "frames.csv": "text/csv",
        "annotated.mp4": "video/mp4",
    }
    bodies = {}
    for url in links:
        name = url.split("?")[0].rsplit("/", 1)[1]
        r = page.request.get(url)
        assert r.status == 200 and r.headers["content-type"].startswith(kinds[name]), (url, r.status, r.headers)
        assert "attachment" in r.headers["content-disposition"]
        bodies[name] = r.body()
    assert set(bodies) == set(kinds)
    assert bodies["annotated.mp4"][4:8] == b"ftyp"
    assert bodies["frames.csv"].split(b",", 1)[0] == b"t"
    got = json.loads(bodies["report.json"])
    assert_same_counts(got, ref, 0.5)  # the server on the video reports what its saved landmarks give
    assert got["video"] == CLIP.name  # the file's own name, not where the server stored it
    assert CLIP.name in summary
    page.close()
    return got


@pytest.mark.slow
@needs_browser
def test_live_then_upload_then_history_in_a_real_browser(
    browser: Any, server: tuple[str, Path], camera: tuple[Path, float]
) -> None:
    base, data = server
    live = live_session(browser, base, data, camera[1])
    upload = upload_session(browser, base)

    # both are in the history file, as `formcheck history` reads it
    with sqlite3.connect(data / HISTORY_NAME) as db:
        stored = db.execute("SELECT kind, video, exercise, variant FROM sessions ORDER BY id").fetchall()
    assert stored == [("live", live["video"], EXERCISE, live["variant"]), ("analyze", CLIP.name, *upload_ids(upload))]

    watch = PageWatch(browser)
    page = watch.page
    page.goto(f"{base}/history")
    page.wait_for_function("document.querySelectorAll('#sessions tbody tr').length >= 2")
    rows = page.eval_on_selector_all(
        "#sessions tbody tr", "trs => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim()))"
    )
    by_kind = {r[2]: r for r in rows}
    assert sorted(by_kind) == ["analyze", "live"] and len(rows) == 2
    for kind, report in (("live", live), ("analyze", upload)):
        row = by_kind[kind]
        assert row[4] == f"{EXERCISE} / {report['variant']}"
        assert row[6] == ", ".join(f"{k} {v}" for k, v in report["reps"].items())
    assert by_kind["analyze"][3] == CLIP.name
    page.wait_for_function("document.querySelectorAll('#days tbody tr').length >= 1")
    day = page.eval_on_selector("#days tbody tr", "tr => [...tr.cells].map((c) => c.textContent.trim())")
    assert day[1] == "2" and day[2] == str(sum(live["reps"].values()) + sum(upload["reps"].values()))
    assert watch.problems == []
    # the uploaded file's name was shown, never used for a file
    assert not list(data.rglob(CLIP.name))


def upload_ids(report: dict[str, Any]) -> tuple[str, str]:
    return report["exercise"], report["variant"]


@needs_browser
def test_the_upload_page_shows_why_a_file_is_refused(browser: Any, server: tuple[str, Path], tmp_path: Path) -> None:
    base, data = server
    fake = tmp_path / "holiday.mp4"
    fake.write_bytes(b"GIF89a" + b"\0" * 2000)  # a picture named as a video: its content decides
    before = sorted((data / "sessions").iterdir())
    page = browser.new_page()
    page.goto(f"{base}/upload")
    page.set_input_files("#file", str(fake))
    page.select_option("#exercise", EXERCISE)
    page.click("#go")
    page.wait_for_selector("#status .error")
    assert "not a video" in page.locator("#status").inner_text()
    assert sorted((data / "sessions").iterdir()) == before
    page.close()


def test_an_uploaded_files_name_is_only_its_last_printable_component() -> None:
    assert display_name("C:\\Users\\me\\clip one.mp4") == "clip one.mp4"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("a\x00b\n.mp4") == "ab.mp4"
    assert display_name("x" * 300) == "x" * 120
    for nothing in (None, "", "..", "dir/", "/"):
        assert display_name(nothing) is None


LEFT_LIFTS = """\
name = "Left side-lying lifts"
days_per_week = 5
weeks = 2

[[exercises]]
exercise = "leg-lifts"
variant = "side-lying"
sides = "left"
sets = 1
reps = 4
"""


@pytest.mark.slow
@needs_browser
def test_a_servers_program_is_the_pages_first_choice_and_its_adherence_is_shown(browser: Any, tmp_path: Path) -> None:
    """Started with a program, the upload page offers it first; the clip uploaded as it is compared with it
    (the report's program section), and the history page shows the week's adherence and its plot."""
    path = tmp_path / "left.toml"
    path.write_text(LEFT_LIFTS)
    data = tmp_path / "data"
    with web_harness.serving(data, program=path) as base:
        watch = PageWatch(browser)
        page = watch.page
        page.goto(f"{base}/upload")
        page.wait_for_function("document.getElementById('exercise').options.length > 1")
        assert page.eval_on_selector("#exercise", "s => s.options[s.selectedIndex].text") == (
            "the program: Left side-lying lifts"
        )
        page.set_input_files("#file", str(CLIP))
        page.click("#go")
        page.wait_for_selector("#summary", timeout=180_000)
        link = page.eval_on_selector_all("#links a", "els => els.map((a) => a.href)")
        got = json.loads(page.request.get(next(u for u in link if "report.json" in u)).body())
        assert got["program"]["complete"] is True, got["program"]
        assert [i["sets_complete"] for i in got["program"]["items"]] == [1]
        page.goto(f"{base}/history")
        page.wait_for_selector("#adherence:not([hidden])")
        assert "1 x 4, left" in page.locator("#prescribed").inner_text()
        assert "1 of 5" in page.locator("#weeks").inner_text()
        page.wait_for_function("document.getElementById('adherence-plot').naturalWidth > 0")
        assert watch.problems == []
        page.close()
