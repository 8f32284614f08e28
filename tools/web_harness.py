"""The web app under test (tests, bench/web_latency.py, tools/web_screenshot.py): the server on a free port in a
thread, and a clip as a fake camera file for Chromium."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def write_y4m(clip: Path, out: Path, lead_in_s: float = 0.0) -> tuple[int, float]:
    """The clip as a raw YUV4MPEG2 file, Chromium's fake camera input (it plays it in a loop at its rate);
    ``lead_in_s`` of the first frame repeated first (the page starts sending a moment after the camera
    opens). Returns (frames, fps)."""
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    ok, img = cap.read()
    if not ok:
        raise ValueError(f"cannot read {clip}")
    h, w = img.shape[:2]
    n = 0
    with out.open("wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F{round(fps)}:1 Ip A1:1 C420jpeg\n".encode())

        def put(frame: np.ndarray) -> None:
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
