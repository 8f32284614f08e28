"""The web app in-process (Starlette's test client): its pages, bad input, safety, and live coaching over the
WebSocket through the same engines and report as ``formcheck live`` (saved landmarks stand in for the model)."""

from __future__ import annotations

import json
import struct
import time
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("httpx", reason="httpx (starlette's test client) is not installed")
warnings.filterwarnings("ignore", message=".*httpx.*")
from starlette.testclient import TestClient  # noqa: E402
from test_program import KNEELING  # noqa: E402
from test_program import PROGRAM as KNEELING_PROGRAM  # noqa: E402

from formcheck.app.api import analyze_landmarks  # noqa: E402
from formcheck.app.web import create_app  # noqa: E402
from formcheck.definitions.loader import Catalogue  # noqa: E402
from formcheck.errors import FormcheckError  # noqa: E402
from formcheck.io.files import video_kind  # noqa: E402
from formcheck.pose.recording import ReplayBackend  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
CLIP = SAMPLES / "leg-lifts__side-lying__good-left.mp4"
CATALOGUE = Catalogue.load(None)


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(tmp_path / "data", CATALOGUE, max_upload_mb=1))


def frame_message(t_ms: float, image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", image)
    assert ok
    return struct.pack("<d", t_ms) + buf.tobytes()


def test_pages_and_the_catalogue_are_served(client: TestClient):
    for page in ("/", "/live", "/upload", "/history"):
        r = client.get(page)
        assert r.status_code == 200 and "formcheck" in r.text
    assert "no login" not in client.get("/").text  # bound to this machine: nothing to warn about
    names = {e["name"] for e in client.get("/api/exercises").json()}
    assert names == set(CATALOGUE.exercises)
    assert client.get("/nope").status_code == 404


def test_a_server_reachable_from_elsewhere_says_it_has_no_login(tmp_path: Path):
    public = TestClient(create_app(tmp_path / "d", CATALOGUE, public=True))
    assert "no login" in public.get("/live").text


def test_an_upload_is_checked_by_content_and_size(client: TestClient, tmp_path: Path):
    r = client.post("/api/videos?exercise=leg-lifts", content=b"GIF89a not a video at all" * 10)
    assert r.status_code == 415 and "not a video" in r.json()["error"]
    r = client.post("/api/videos?exercise=leg-lifts", content=b"")
    assert r.status_code == 415 and "empty" in r.json()["error"]
    r = client.post("/api/videos?exercise=leg-lifts", content=b"\0\0\0\x18ftypmp42" + b"\0" * (2 << 20))
    assert r.status_code == 413 and "larger than 1 MB" in r.json()["error"]
    r = client.post("/api/videos?exercise=squats", content=CLIP.read_bytes()[:1000])
    assert r.status_code == 400 and "unknown exercise" in r.json()["error"]
    # nothing of the refused uploads is left behind
    assert list((tmp_path / "data" / "sessions").iterdir()) == []
    assert video_kind(CLIP.read_bytes()[:64]) == ".mp4"


def test_nothing_outside_a_session_is_served(client: TestClient, tmp_path: Path):
    (tmp_path / "data" / "secret.txt").write_text("x")
    for url in (
        "/sessions/../secret.txt",
        "/sessions/..%2F..%2Fsecret.txt/report.json",
        "/sessions/0123456789abcdef/../../secret.txt",
        "/sessions/0123456789abcdef/secret.txt",
        "/sessions/0123456789abcdef/report.json",  # a well-formed id the server never made
        "/static/../web.py",
    ):
        r = client.get(url)
        assert r.status_code == 404 and r.text != "x", url


def test_an_animated_gif_is_taken_as_a_video_and_a_one_frame_gif_is_not(tmp_path: Path):
    from PIL import Image

    app = create_app(tmp_path / "data", CATALOGUE)
    analysed: list[Path] = []

    def record(video: Path, **kw):  # type: ignore[no-untyped-def]
        analysed.append(video)
        raise FormcheckError("recorded")

    app.state.formcheck.jobs._analyse = record
    c = TestClient(app)
    frames = [Image.new("RGB", (64, 48), (40 * i, 80, 120)) for i in range(4)]
    gif, still = tmp_path / "demo.gif", tmp_path / "still.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    frames[0].save(still)
    r = c.post("/api/videos?exercise=leg-lifts", content=still.read_bytes())
    assert r.status_code == 415 and "not a video" in r.json()["error"]
    r = c.post("/api/videos?exercise=leg-lifts", content=gif.read_bytes())
    assert r.status_code == 202
    finished_job(c, r.json()["id"], 10.0)
    assert [v.suffix for v in analysed] == [".gif"]


def finished_job(client: TestClient, job_id: str, within_s: float) -> dict:  # type: ignore[type-arg]
    """The job's state once it is done or failed (or as it stands after ``within_s``)."""
    deadline = time.monotonic() + within_s
    job = client.get(f"/api/jobs/{job_id}").json()
    while job["state"] not in ("done", "error") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = client.get(f"/api/jobs/{job_id}").json()
    return job


def test_an_upload_gives_the_report_analyze_gives(tmp_path: Path):
    lm = CLIP.with_suffix(".landmarks.npz")
    app = create_app(tmp_path / "data", CATALOGUE)
    app.state.formcheck.jobs._analyse = lambda video, **kw: __import__(
        "formcheck.app.api", fromlist=["analyze_video"]
    ).analyze_video(video, backend=ReplayBackend(lm), **kw)
    c = TestClient(app)
    # a name with a path in it is not used for anything: the session's files have fixed names
    r = c.post("/api/videos?exercise=leg-lifts", content=CLIP.read_bytes(), headers={"X-Filename": "../../evil.mp4"})
    assert r.status_code == 202
    job = finished_job(c, r.json()["id"], 30.0)
    assert job["state"] == "done", job
    assert set(job["files"]) == {"report.json", "report.html", "frames.csv", "annotated.mp4"}
    got = c.get(f"/sessions/{job['id']}/report.json").json()
    ref = analyze_landmarks(lm, "leg-lifts")
    assert got["variant"] == ref.variant and got["reps"] == ref.reps
    assert [f["code"] for f in got["faults"]] == [f.code for f in ref.faults]
    assert not (tmp_path / "evil.mp4").exists() and not (tmp_path / "data" / "evil.mp4").exists()
    rows = c.get("/api/sessions").json()
    assert [(r["kind"], r["reps"]) for r in rows] == [("analyze", ref.reps)]
    days = c.get("/api/progress?exercise=leg-lifts").json()["days"]
    assert days[0]["sessions"] == 1 and days[0]["reps"] == sum(ref.reps.values())
    plot = c.get("/api/progress?exercise=leg-lifts&plot=1")
    assert plot.headers["content-type"] == "image/png" and plot.content[:4] == b"\x89PNG"
    d = c.get(f"/sessions/{job['id']}/report.json?download=1")
    assert "attachment" in d.headers["content-disposition"]


def _frames(n: int) -> list[tuple[float, np.ndarray]]:
    cap = cv2.VideoCapture(str(CLIP))
    out = []
    while len(out) < n:
        ok, img = cap.read()
        if not ok:
            break
        out.append((cap.get(cv2.CAP_PROP_POS_MSEC), img))
    cap.release()
    return out


def test_live_over_the_websocket_survives_bad_messages_and_a_second_tab(client: TestClient):
    frames = _frames(20)
    with client.websocket_connect("/ws/live?exercise=leg-lifts") as ws:
        ws.send_text("not json")
        assert json.loads(ws.receive_text()) == {"type": "error", "message": "a text message must be JSON"}
        ws.send_text(json.dumps({"key": "dance"}))
        assert "key" in json.loads(ws.receive_text())["message"]
        ws.send_bytes(b"\x00" * 5)
        assert "frame message" in json.loads(ws.receive_text())["message"]
        ws.send_bytes(struct.pack("<d", 5.0) + b"not a jpeg at all")
        assert "JPEG" in json.loads(ws.receive_text())["message"]
        with client.websocket_connect("/ws/live?exercise=leg-lifts") as second:
            assert "another tab" in json.loads(second.receive_text())["message"]
        for t, img in frames:  # the session still works
            ws.send_bytes(frame_message(t, img))
            state = json.loads(ws.receive_text())
            assert state["type"] == "state" and state["exercise"] == "leg-lifts"
        assert state["landmarks"] is not None and len(state["landmarks"]) == 33
        ws.send_text(json.dumps({"key": "quit"}))
        report = json.loads(ws.receive_text())
        while report["type"] != "report":
            report = json.loads(ws.receive_text())
    assert "report.json" in report["files"] and report["delivered"] == len(frames)
    # a new session can start once the first has ended
    with client.websocket_connect("/ws/live?exercise=nope") as ws:
        assert "unknown exercise" in json.loads(ws.receive_text())["message"]


def test_a_page_closed_mid_session_still_saves_what_was_measured(client: TestClient, tmp_path: Path):
    with client.websocket_connect("/ws/live?exercise=leg-lifts") as ws:
        for t, img in _frames(30):
            ws.send_bytes(frame_message(t, img))
            json.loads(ws.receive_text())
    # closed without ending the session: the report is written, marked partial, and the server goes on
    for _ in range(200):
        reports = list((tmp_path / "data" / "sessions").glob("*/report.json"))
        if reports:
            break
        time.sleep(0.05)
    (path,) = reports
    report = json.loads(path.read_text())
    assert report["partial"] is True and report["frames"] == 30
    assert any("page was closed" in n for n in report["notes"])
    assert client.get("/").status_code == 200


# --- serve --program -------------------------------------------------------------------------------------------

PROGRAM = KNEELING_PROGRAM.format(lift_sets=2, lift_reps=2)  # the kneeling routine does 1 of the 2 sets


@pytest.fixture
def with_program(tmp_path: Path) -> tuple[TestClient, Path]:

    path = tmp_path / "program.toml"
    path.write_text(PROGRAM)
    app = create_app(tmp_path / "data", CATALOGUE, program=path, backend=lambda: ReplayBackend(KNEELING))
    return TestClient(app), path


def test_live_with_the_servers_program_says_where_the_person_is_in_it(with_program: tuple[TestClient, Path]):
    """The kneeling routine's saved landmarks through the live WebSocket as the program: the page is sent the
    program line as the sets are done, and the saved report has the program section analyze gives."""
    from formcheck.app.api import Plan
    from formcheck.definitions.program import load_program

    client, path = with_program
    info = client.get("/api/program").json()
    assert info["name"] == "Kneeling, toe reach and lifts" and len(info["exercises"]) == 3
    assert "2 x 2" in info["describe"] or "2 sets" in info["describe"], info["describe"]
    tiny = np.full(
        (24, 32, 3), 128, np.uint8
    )  # the replayed poses stand in for the model (only a dark frame is refused)
    lines: list[tuple[str, str | None]] = []
    with client.websocket_connect("/ws/live?program=1") as ws:
        for t in ReplayBackend(KNEELING).t:
            ws.send_bytes(frame_message(float(t) * 1000.0, tiny))
            state = json.loads(ws.receive_text())
            if not lines or lines[-1] != (state["exercise"], state["program"]):
                lines.append((state["exercise"], state["program"]))
        ws.send_text(json.dumps({"key": "quit"}))
        msg = json.loads(ws.receive_text())
        while msg["type"] != "report":
            msg = json.loads(ws.receive_text())
    lifts = [line for ex, line in lines if ex == "leg-lifts" and line]
    assert "set 1 of 2, left: 1 of 2; right: 2 of 2" in lifts  # counted up as the left leg lifted
    assert lifts[-1] == "set 1 of 2, left: 2 of 2; right: 2 of 2"
    assert "Program: Kneeling, toe reach and lifts" in msg["summary"]
    got = client.get(f"/sessions/{msg['id']}/report.json").json()["program"]
    ref = analyze_landmarks(KNEELING, plan=Plan.of_program(load_program(path, CATALOGUE), CATALOGUE))
    assert ref.program is not None
    assert got["complete"] is False and [i["sets_complete"] for i in got["items"]] == [
        i.sets_complete for i in ref.program.items
    ]
    # the history has the program session: the adherence page counts it
    a = client.get("/api/adherence").json()
    assert a["name"] == "Kneeling, toe reach and lifts" and "1 of 5" in a["text"], a["text"]
    plot = client.get("/api/adherence?plot=1")
    assert plot.headers["content-type"] == "image/png"


def test_the_program_is_refused_where_it_cannot_apply(client: TestClient, with_program: tuple[TestClient, Path]):
    with client.websocket_connect("/ws/live?program=1") as ws:  # a server started without --program
        assert "without --program" in json.loads(ws.receive_text())["message"]
    assert client.get("/api/program").json() is None and client.get("/api/adherence").status_code == 404
    r = client.post("/api/videos?program=1", content=CLIP.read_bytes())
    assert r.status_code == 400 and "without --program" in r.json()["error"]
    prog, path = with_program
    r = prog.post("/api/videos?program=1&exercise=leg-lifts", content=CLIP.read_bytes())
    assert r.status_code == 400 and "leave out --exercise" in r.json()["error"]
    path.write_text(PROGRAM.replace("reps = 2", "reps = 3"))  # the physio's edit: shown without a restart
    assert "2 x 3" in prog.get("/api/program").json()["describe"]
    path.write_text(PROGRAM.replace("reps = 2", "reps = -2"))  # the physio's edit went wrong: said at once
    r = prog.get("/api/program")
    assert r.status_code == 400 and "reps" in r.json()["error"]
    with prog.websocket_connect("/ws/live?program=1") as ws:
        msg = json.loads(ws.receive_text())["message"]
        assert "program.toml" in msg and "reps" in msg and "\n" not in msg


def test_serve_with_a_bad_program_says_why_in_one_line(tmp_path: Path):
    from cli_runner import run_formcheck

    bad = tmp_path / "p.toml"
    bad.write_text(PROGRAM.replace('"leg-lifts"', '"squats"'))
    r = run_formcheck("serve", "--program", str(bad), "--data-dir", str(tmp_path / "d"), "--port", "1")
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "squats" in r.stderr, r.stderr
