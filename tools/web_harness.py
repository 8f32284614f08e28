"""The web app under test (tests, bench/web_latency.py, tools/web_screenshot.py): the server on a free port in a
thread, a clip as a fake camera file for Chromium, headless Chromium driven by Playwright, and a live session
through the page (start, one pass of the clip by the camera stream's own clock, end)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import cv2
import numpy as np

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(data_dir: Path, **kw: object) -> Iterator[str]:
    """The web app on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    from formcheck.app.web import create_app

    port = free_port()
    config = uvicorn.Config(create_app(data_dir, **kw), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def write_y4m(clip: Path, out: Path, lead_in_s: float = 0.0, size: tuple[int, int] | None = None) -> tuple[int, float]:
    """The clip as a raw YUV4MPEG2 file, Chromium's fake camera input (it plays it in a loop at its rate);
    ``lead_in_s`` of the first frame repeated first (the page starts sending a moment after the camera
    opens); ``size`` (width, height) resizes it. Returns (frames, fps)."""
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    ok, img = cap.read()
    if not ok:
        raise ValueError(f"cannot read {clip}")
    w, h = size or (img.shape[1], img.shape[0])
    n = 0
    with out.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F{round(fps)}:1 Ip A1:1 C420jpeg\n".encode())

        def put(frame: np.ndarray) -> None:
            if frame.shape[:2] != (h, w):
                frame = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
            fh.write(b"FRAME\n")
            fh.write(cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())

        for _ in range(round(lead_in_s * fps)):
            put(img)
        while ok:
            put(img)
            n += 1
            ok, img = cap.read()
    cap.release()
    return n, fps


def chromium_args(fake_camera: Path | None = None) -> list[str]:
    args = ["--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required", "--mute-audio"]
    if fake_camera is not None:
        args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={fake_camera}"]
    return args


@contextmanager
def browser(fake_camera: Path | None = None) -> Iterator[Any]:
    """Headless Chromium (the system's, no download) with the clip as its camera; yields a Playwright Browser."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        raise RuntimeError("chromium is needed (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=chromium_args(fake_camera))
        try:
            yield b
        finally:
            b.close()


def start_live(page: Any, base: str, exercise: str | None, variant: str | None = None) -> None:
    """Open the live page with the exercise (and variant) picked, and start the session."""
    query = urlencode({k: v for k, v in (("exercise", exercise), ("variant", variant)) if v})
    page.goto(f"{base}/live?{query}")
    want = f"{exercise or ''}|{variant or ''}"
    # the pickers are filled from /api/exercises after load: start only once they show the choice
    page.wait_for_function(
        f"document.getElementById('exercise').value + '|' + document.getElementById('variant').value === '{want}'"
    )
    page.click("#start")


def wait_stream_time(page: Any, seconds: float, timeout_s: float = 120.0) -> None:
    """Until the camera stream has played ``seconds`` (its own clock: the page's frames' media time)."""
    page.wait_for_function(
        f"window.formcheckStats && window.formcheckStats.mediaTime >= {seconds}", timeout=timeout_s * 1000
    )


def end_live(page: Any, timeout_s: float = 120.0) -> dict[str, Any]:
    """Press the page's End button; once the session's report is back, the page's figures (``formcheckStats``)."""
    page.click("#end")
    page.wait_for_function("window.formcheckStats.report !== null", timeout=timeout_s * 1000)
    return dict(page.evaluate("window.formcheckStats"))
