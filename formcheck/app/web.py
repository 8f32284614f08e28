"""``formcheck serve``: the local web app. Live coaching with the browser's camera, recorded videos uploaded
for the report, and the history and progress pages, all through the same engines, reports and history as
``live`` and ``analyze`` (Starlette on uvicorn; no account, offline, bound to 127.0.0.1 unless told).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from formcheck.app.session_outputs import Request, prepare
from formcheck.app.web_jobs import (
    FILES,
    Job,
    Jobs,
    UploadRejected,
    display_name,
    history_path,
    new_session_id,
    session_dir,
)
from formcheck.app.web_live import BadMessage, BrowserSource, Keys, StateToPage, decode_frame, parse_control
from formcheck.definitions.loader import Catalogue
from formcheck.definitions.program import Program
from formcheck.errors import FormcheckError
from formcheck.io.files import still_image_kind, video_kind
from formcheck.pose.backends import PoseBackend

PAGES = Path(__file__).with_name("web_pages")
CHUNK = 1 << 20


class WebApp:
    """The app's state: its data directory, the catalogue, the upload jobs and the one live session."""

    def __init__(
        self,
        data_dir: Path,
        catalogue: Catalogue,
        *,
        max_upload_mb: float = 500.0,
        public: bool = False,
        keep_landmarks: bool = False,
        program: Path | None = None,
        backend: Callable[[], PoseBackend] | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        (self.data_dir / "sessions").mkdir(parents=True, exist_ok=True)
        self.catalogue = catalogue
        self.max_upload = int(max_upload_mb * (1 << 20))
        self.public = public  # bound beyond this machine: the pages say it is unauthenticated
        self.keep_landmarks = keep_landmarks  # a live session's landmarks saved too (tests: replay it exactly)
        # ``serve --program``: a routine may be done as this program. Its path, not its contents: the file is
        # read for each use, so a physio's edit applies without a restart
        self.program = program
        self._backend = backend  # a live session's pose backend (tests: saved landmarks); None: the model
        self.jobs = Jobs(self.data_dir, catalogue)
        self._live = threading.Lock()

    # --- pages and small JSON -------------------------------------------------------------------------
    async def page(self, request: HttpRequest) -> Response:
        name = request.path_params.get("name", "index")
        path = PAGES / f"{name}.html"
        if name not in ("index", "live", "upload", "history") or not path.exists():
            return JSONResponse({"error": "no such page"}, status_code=404)
        html = path.read_text(encoding="utf-8")
        if self.public:
            html = html.replace(
                "<body>",
                '<body><p class="warn">This server is reachable from other machines '
                "and has no login: anyone who can reach it can use it.</p>",
                1,
            )
        return HTMLResponse(html)

    async def exercises(self, request: HttpRequest) -> Response:
        return JSONResponse(
            [
                {"name": e.name, "title": e.title, "variants": [{"name": v.name, "title": v.title} for v in e.variants]}
                for e in self.catalogue
            ]
        )

    async def program_info(self, request: HttpRequest) -> Response:
        """The server's program as its file is now (null: none), as ``formcheck program show`` describes it."""
        if self.program is None:
            return JSONResponse(None)
        try:
            p = self._program_now()
        except FormcheckError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"name": p.name, "describe": p.describe(), "exercises": [it.to_dict() for it in p.items]})

    async def adherence(self, request: HttpRequest) -> Response:
        """Adherence to the program per week, as ``formcheck progress --program`` gives it (``?plot=1``: the plot)."""
        from formcheck.history.adherence import adherence_text, plot_adherence, program_progress

        if self.program is None:
            return JSONResponse({"error": "the server was started without --program"}, status_code=404)
        try:
            a = await asyncio.to_thread(program_progress, self._program_now(), history_path(self.data_dir))
        except FormcheckError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if request.query_params.get("plot"):
            with tempfile.TemporaryDirectory(dir=self.data_dir) as tmp:
                png = Path(tmp) / "adherence.png"
                await asyncio.to_thread(plot_adherence, a, png)
                return Response(png.read_bytes(), media_type="image/png")
        return JSONResponse({"name": a.program.name, "text": adherence_text(a)})

    def _program_now(self) -> Program:
        """The program file as it is now (edited since the server started: the edit counts)."""
        from formcheck.definitions.program import load_program

        assert self.program is not None
        return load_program(self.program, self.catalogue)

    def _program_path(self, query: Any) -> Path | None:
        """``?program=1``: the routine is done as the server's program (refused when it has none)."""
        if not query.get("program"):
            return None
        if self.program is None:
            raise FormcheckError("the server was started without --program: there is no program to follow")
        return self.program

    async def sessions(self, request: HttpRequest) -> Response:
        from formcheck.history.store import History

        path = history_path(self.data_dir)
        if not path.exists():
            return JSONResponse([])
        with History(path) as store:
            rows = store.sessions(None, 200)
        return JSONResponse(
            [
                {
                    "id": r.id,
                    "started_at": r.started_at.strftime("%Y-%m-%d %H:%M"),
                    "kind": r.kind,
                    "video": Path(r.video).name,  # a file's name only: where it was stored is the server's
                    "exercise": r.exercise,
                    "variant": r.variant,
                    "duration_s": round(r.duration_s, 1),
                    "recognised": r.recognised,
                    "reps": r.reps,
                    "best_hold_s": r.best_hold_s,
                    "faults": r.faults,
                    "rom_hip_deg": r.rom_hip_deg,
                }
                for r in rows
            ]
        )

    async def progress(self, request: HttpRequest) -> Response:
        """The trend per day of one exercise: JSON, or the plot (``?plot=1``)."""
        from formcheck.history.progress import plot_days, trend

        name = request.query_params.get("exercise", "")
        try:
            ex = self.catalogue.resolve(name, None)
            title, _table, days = trend(ex, None, history_path(self.data_dir))
        except FormcheckError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if request.query_params.get("plot") and days:
            with tempfile.TemporaryDirectory(dir=self.data_dir) as tmp:
                png = Path(tmp) / "progress.png"
                await asyncio.to_thread(plot_days, days, png, title)
                return Response(png.read_bytes(), media_type="image/png")
        return JSONResponse({"title": title, "days": [d.__dict__ for d in days]})

    # --- recorded videos ------------------------------------------------------------------------------
    async def upload(self, request: HttpRequest) -> Response:
        """A video in the body (any name, any declared type: its content decides), exercise, variant and the
        file's own name (shown in the report, never used as a path) in the query; answers the job to poll."""
        exercise = request.query_params.get("exercise") or None
        variant = request.query_params.get("variant") or None
        name = display_name(request.query_params.get("name"))
        try:
            program = self._program_path(request.query_params)
            self.jobs.check(exercise, variant, program)
        except Exception as exc:  # a bad name: FormcheckError, or click's UsageError for a routine's variant
            return JSONResponse({"error": str(exc).splitlines()[0]}, status_code=400)
        job_id = new_session_id()
        directory = session_dir(self.data_dir, job_id)
        directory.mkdir(parents=True)
        part = directory / "upload.part"
        try:
            suffix = await self._receive(request, part)
        except UploadRejected as exc:
            part.unlink(missing_ok=True)
            directory.rmdir()
            return JSONResponse({"error": str(exc)}, status_code=413 if "larger" in str(exc) else 415)
        video = directory / f"upload{suffix}"
        part.rename(video)
        job = self.jobs.submit(video, Job(job_id, exercise, variant, name, program))
        return JSONResponse(job.as_json(), status_code=202)

    async def _receive(self, request: HttpRequest, part: Path) -> str:
        size, head = 0, b""
        with part.open("wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > self.max_upload:
                    raise UploadRejected(f"the video is larger than {self.max_upload >> 20} MB (--max-upload-mb)")
                if len(head) < 64:
                    head += chunk[: 64 - len(head)]
                fh.write(chunk)
        if size == 0:
            raise UploadRejected("the upload is empty: choose a video file")
        suffix = video_kind(head)
        if suffix is None or still_image_kind(part) is not None:  # a GIF of one frame is a picture
            raise UploadRejected("not a video formcheck can read (MP4, MOV, WebM, MKV, AVI or an animated GIF)")
        return suffix

    async def job(self, request: HttpRequest) -> Response:
        job = self.jobs.get(request.path_params["id"])
        if job is None:
            return JSONResponse({"error": "no such job"}, status_code=404)
        return JSONResponse(job.as_json())

    async def file(self, request: HttpRequest) -> Response:
        name = request.path_params["name"]
        try:
            path = session_dir(self.data_dir, request.path_params["id"]) / name
        except KeyError:
            return JSONResponse({"error": "no such session"}, status_code=404)
        if name not in FILES or not path.is_file():
            return JSONResponse({"error": "no such file"}, status_code=404)
        download = request.query_params.get("download")
        return FileResponse(path, media_type=FILES[name], filename=name if download else None)

    # --- live coaching --------------------------------------------------------------------------------
    async def live(self, ws: WebSocket) -> None:
        await ws.accept()
        if not self._live.acquire(blocking=False):
            await ws.send_json({"type": "error", "message": "another tab is coaching now: end that session first"})
            await ws.close(code=1013)
            return
        try:
            await self._coach(ws)
        finally:
            self._live.release()

    async def _coach(self, ws: WebSocket) -> None:
        exercise = ws.query_params.get("exercise") or None
        variant = ws.query_params.get("variant") or None
        try:
            program = self._program_path(ws.query_params)
            self.jobs.check(exercise, variant, program)
        except Exception as exc:
            await ws.send_json({"type": "error", "message": str(exc).splitlines()[0]})
            await ws.close(code=1008)
            return
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        source, keys = BrowserSource(), Keys()

        def send(msg: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(outbox.put_nowait, msg)

        session_id = new_session_id()
        worker = threading.Thread(
            target=self._live_session,
            args=(session_id, Request(exercise, variant, program=program), source, keys, send),
            daemon=True,
        )
        worker.start()
        sender = asyncio.create_task(self._send_all(ws, outbox))
        try:
            while worker.is_alive():
                try:
                    msg = await asyncio.wait_for(ws.receive(), timeout=0.5)
                except asyncio.TimeoutError:
                    continue
                if msg["type"] == "websocket.disconnect":
                    source.close("the page was closed")
                    break
                try:
                    if msg.get("bytes") is not None:
                        source.put_image(*decode_frame(msg["bytes"]))
                    elif msg.get("text") is not None:
                        key = parse_control(msg["text"])
                        keys.press(key)
                        if key == "quit":
                            source.close()  # no frame need follow: the session ends with the last one
                except BadMessage as exc:
                    send({"type": "error", "message": str(exc)})
        except WebSocketDisconnect:
            source.close("the page was closed")
        finally:
            source.close()
            await asyncio.to_thread(worker.join)
            await asyncio.sleep(0.05)  # the report message, queued by the worker's last act
            sender.cancel()

    async def _send_all(self, ws: WebSocket, outbox: asyncio.Queue[dict[str, Any]]) -> None:
        try:
            while True:
                msg = await outbox.get()
                if msg.get("type") == "state" and not outbox.empty():
                    continue  # a newer state is waiting: the page only needs the newest
                await ws.send_text(json.dumps(msg))
        except Exception:  # the page went away: nothing to send to
            return

    def _live_session(self, session_id: str, asked: Request, source: BrowserSource, keys: Keys, send: Any) -> None:
        """One live session in a worker thread: ``run_live`` as ``formcheck live`` runs it, then its outputs."""
        from formcheck.live.coach import run_live

        out = session_dir(self.data_dir, session_id)
        out.mkdir(parents=True)
        try:
            req = replace(asked, html=out / "report.html", history_path=history_path(self.data_dir))
            plan, outputs = prepare(self.catalogue, req)
            record = outputs.record(plan)
            started = time.time()
            sinks: list[Any] = [StateToPage(send), *((record,) if record is not None else ())]
            if self.keep_landmarks:
                from formcheck.analysis.sinks import RecordLandmarks

                sinks.append(RecordLandmarks(out / "landmarks.npz", lambda: {"video": "browser camera"}))
            try:
                report, _stats = run_live(
                    plan.analysis(live_recognition=True, engine_states=record is not None),
                    source,
                    keys=keys,
                    sinks=tuple(sinks),
                    backend=self._backend() if self._backend is not None else None,
                    target_sources=plan.target_sources,
                    program=plan.program,
                )
            except BaseException:
                outputs.close()
                raise
            if source.delivered:
                outputs.finish(
                    report, record, json_path=out / "report.json", video=None, kind="live", started_at=started
                )
            else:
                outputs.close()
            files = [name for name in FILES if (out / name).exists()]
            send(
                {
                    "type": "report",
                    "id": session_id,
                    "summary": report.summary(),
                    "files": files,
                    "dropped": source.dropped,
                    "delivered": source.delivered,
                }
            )
        except Exception as exc:
            send({"type": "error", "message": f"the session could not be analysed: {exc}"})


def create_app(data_dir: Path, catalogue: Catalogue | None = None, **kw: Any) -> Starlette:
    app = WebApp(data_dir, catalogue or Catalogue.load(None), **kw)
    routes = [
        Route("/", app.page),
        Route("/api/exercises", app.exercises),
        Route("/api/sessions", app.sessions),
        Route("/api/program", app.program_info),
        Route("/api/adherence", app.adherence),
        Route("/api/progress", app.progress),
        Route("/api/videos", app.upload, methods=["POST"]),
        Route("/api/jobs/{id}", app.job),
        Route("/sessions/{id}/{name}", app.file),
        WebSocketRoute("/ws/live", app.live),
        Mount("/static", StaticFiles(directory=PAGES), name="static"),
        Route("/{name}", app.page),
    ]
    web = Starlette(routes=routes)
    web.state.formcheck = app
    return web
