"""``analyze_video``: the whole spine for a recorded video, as one call (the CLI is a thin layer over it).

frames (decode thread) -> pose backend -> Session (features -> detector -> engines) -> Report, with the
annotated video and a landmark recording as optional side outputs. ``analyze_landmarks`` re-analyses such
a recording without the video or the model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from formcheck.analysis.frame_record import Trace
from formcheck.analysis.routine import RoutineReport, RoutineSession, panel
from formcheck.analysis.session import FrameResult, Session
from formcheck.definitions.loader import find_exercise, load_exercises
from formcheck.definitions.schema import Exercise
from formcheck.errors import FormcheckError
from formcheck.io.sources import Frame, VideoFileSource
from formcheck.live.setup_check import DARK_LUMA
from formcheck.pose.backends import LandmarkRecorder, PoseBackend, ReplayBackend, make_backend, quiet_native_stderr
from formcheck.render.overlay import AnnotatedVideoWriter, LiveStatus
from formcheck.report.exercise_report import Report

FrameCallback = Callable[[Frame, FrameResult], None]


def resolve_exercise(exercise: str, variant: str | None, poses_dir: str | Path | None = None) -> Exercise:
    """Load ``poses/`` and check the names early, before any video is opened."""
    ex = find_exercise(exercise, load_exercises(poses_dir))
    if variant is not None:
        ex.variant(variant)
    return ex


def analyze_video(
    video: str | Path,
    exercise: str | Exercise | None,
    variant: str | None = None,
    *,
    poses_dir: str | Path | None = None,
    backend: PoseBackend | None = None,
    model_complexity: int = 1,
    model_path: str | Path | None = None,
    annotate_to: str | Path | None = None,
    save_landmarks: str | Path | None = None,
    on_frame: FrameCallback | None = None,
    progress: bool | None = False,
    trace: Trace | None = None,
) -> Report | RoutineReport:
    """Analyse one recorded video. Interrupted (Ctrl-C), it returns what was measured, marked ``partial``.
    ``exercise`` None: a whole routine, recognised block by block from every definition (a ``RoutineReport``).
    ``progress``: a progress bar on stderr (None: only when stderr is a terminal). ``trace``: records the
    frames for an HTML report or a frame CSV (without it, only the range of motion is gathered)."""
    # a routine's annotated video shows what live coaching would: the exercise recognised so far
    routine = _routine(exercise, variant, poses_dir, trace is not None and trace.frames, live=bool(annotate_to))
    session = _session(exercise, variant, poses_dir)[1] if routine is None else routine.session
    feed = session.update if routine is None else routine.update
    trace = trace if trace is not None else Trace()
    partial = False
    light = _Light()
    with VideoFileSource(video) as src, quiet_native_stderr() as stderr:
        bar = progress_bar(stderr, src.info.frame_count, Path(video).name, progress)
        own_backend = backend is None
        be = backend if backend is not None else make_backend(model_complexity, model_path)
        writer = None
        recorder = LandmarkRecorder() if save_landmarks else None
        try:
            if annotate_to:
                writer = AnnotatedVideoWriter(annotate_to, src.info.fps, (src.info.width, src.info.height))
            for frame in src:
                pose = be.process(frame)
                cut = frame.cut
                res = feed(frame.t, pose, cut)
                trace.add(frame.t, res, session)
                light.add(frame.brightness, pose is not None)
                if writer is not None:
                    title, status = _shown(res, session, routine)
                    writer.draw(frame.image, pose, res.features, res.snapshot, title, live=status)
                if recorder is not None:
                    recorder.add(frame, pose, cut)
                if on_frame is not None:
                    on_frame(frame, res)
                if bar is not None:
                    bar.update()
        except KeyboardInterrupt:
            partial = True
        finally:
            if bar is not None:
                bar.close()
            if writer is not None:
                writer.close()
            if own_backend:
                be.close()
        if recorder is not None and save_landmarks:
            recorder.save(save_landmarks, landmarks_meta(video, src.info.fps, be.name))
        notes = list(src.notes) + light.notes()
        info = src.info
        inference = getattr(be, "inference_size", None)
    if routine is not None:
        blocks, _ = routine.finish()
        return RoutineReport.from_session(
            blocks,
            session,
            video=str(video),
            fps=info.fps,
            size=(info.width, info.height),
            backend=be.name,
            partial=partial,
            notes=notes,
        )
    report = Report.from_session(
        session.finish(),
        video=str(video),
        fps=info.fps,
        size=(info.width, info.height),
        backend=be.name,
        inference_size=inference,
        partial=partial,
        notes=notes,
    )
    trace.finish(report)
    return report


def _session(
    exercise: str | Exercise | None, variant: str | None, poses_dir: str | Path | None
) -> tuple[Exercise, Session]:
    ex = exercise if isinstance(exercise, Exercise) else resolve_exercise(str(exercise), variant, poses_dir)
    return ex, Session(ex, variant, others=load_exercises(poses_dir).values())


def _routine(
    exercise: str | Exercise | None,
    variant: str | None,
    poses_dir: str | Path | None,
    traced: object,
    live: bool = False,
) -> RoutineSession | None:
    """A routine session when no exercise is named (``live``: recognising the exercise as it goes, for an
    annotated video). Its blocks are known only at the end, so the outputs traced frame by frame for one
    exercise (HTML report, frame CSV) need one."""
    if exercise is not None:
        return None
    if variant is not None:
        raise FormcheckError("--variant needs --exercise")
    if traced:
        raise FormcheckError("an HTML report or frame CSV needs --exercise (not for a whole routine yet)")
    return RoutineSession(load_exercises(poses_dir).values(), live=live)


def _shown(res: FrameResult, session: Session, routine: RoutineSession | None) -> tuple[str, LiveStatus | None]:
    """The panel's title for a frame of an annotated video and, in a routine, the switch banner."""
    ex = res.exercise or session.exercise
    switch = routine.current if routine is not None else None
    title, banner = panel(ex, ex.variant(res.snapshot.variant), res.features.t, switch, routine is not None)
    return title, None if routine is None else LiveStatus(keys="", switched=banner)


class _Light:
    """Brightness of the frames where no person was found: an empty room and a dark one get different advice."""

    def __init__(self) -> None:
        self.frames = self.unseen = 0
        self.unseen_luma = 0.0

    def add(self, brightness: float, seen: bool) -> None:
        self.frames += 1
        if not seen and brightness == brightness:  # not NaN
            self.unseen += 1
            self.unseen_luma += brightness

    def notes(self) -> list[str]:
        if not self.unseen or self.unseen < 0.25 * self.frames:
            return []
        luma = self.unseen_luma / self.unseen
        if luma >= DARK_LUMA:
            return []
        return [
            f"the video is very dark where no person was found (mean brightness {luma:.0f} of 255): "
            "light the room so that the camera can see the person"
        ]


def analyze_landmarks(
    landmarks: str | Path,
    exercise: str | Exercise | None,
    variant: str | None = None,
    *,
    poses_dir: str | Path | None = None,
    trace: Trace | None = None,
) -> Report:
    """Re-analyse landmarks saved with ``save_landmarks`` (no video decoding, no model); ``exercise`` None: a
    routine, as in ``analyze_video``."""
    routine = _routine(exercise, variant, poses_dir, trace is not None and trace.frames)
    _, session = _session(exercise, variant, poses_dir) if routine is None else (None, routine.session)
    feed = session.update if routine is None else routine.update
    trace = trace if trace is not None else Trace()
    replay = ReplayBackend(landmarks)
    for i, t in enumerate(replay.t):
        trace.add(float(t), feed(float(t), replay.pose_at(i), replay.cut_at(i)), session)
    meta = replay.meta
    if routine is not None:
        blocks, _ = routine.finish()
        return RoutineReport.from_session(
            blocks,
            session,
            video=str(meta.get("video", landmarks)),
            fps=float(meta.get("fps", 0.0)),  # type: ignore[arg-type]
            size=replay.size,
            backend=f"replay of {meta.get('backend', 'saved landmarks')}",
        )
    report = Report.from_session(
        session.finish(),
        video=str(meta.get("video", landmarks)),
        fps=float(meta.get("fps", 0.0)),  # type: ignore[arg-type]
        size=replay.size,
        backend=f"replay of {meta.get('backend', 'saved landmarks')}",
    )
    trace.finish(report)
    return report


def landmarks_meta(video: str | Path, fps: float, backend: str) -> dict[str, object]:
    """What a landmarks file records about where it came from (to tell when it is out of date)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        mp_version = version("mediapipe")
    except PackageNotFoundError:  # pragma: no cover
        mp_version = "unknown"
    return {
        "video": Path(video).name,
        "video_sha256": file_sha256(video),
        "fps": fps,
        "backend": backend,
        "mediapipe": mp_version,
    }


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def progress_bar(stream: TextIO, total: int, name: str, enabled: bool | None) -> Any:
    """A tqdm bar of frames on ``stream`` (the real stderr while MediaPipe's is captured), or None when
    disabled; ``enabled=None``: only when that stream is a terminal."""
    if enabled is None:
        enabled = stream.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total or None, desc=name, unit="frame", file=stream, dynamic_ncols=True, leave=False)
