"""``analyze_video``: the whole spine for a recorded video, as one call (the CLI is a thin layer over it).

frames (decode thread) -> pose backend -> Session (features -> detector -> engines) -> Report, with the
annotated video and a landmark recording as optional side outputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .backends import LandmarkRecorder, PoseBackend, make_backend, quiet_native_stderr
from .exercises import Exercise, find_exercise, load_exercises
from .overlay import AnnotatedVideoWriter, draw_overlay
from .report import Report
from .session import FrameResult, Session
from .sources import Frame, VideoFileSource

FrameCallback = Callable[[Frame, FrameResult], None]


def resolve_exercise(exercise: str, variant: str | None, poses_dir: str | Path | None = None) -> Exercise:
    """Load ``poses/`` and check the names early, before any video is opened."""
    ex = find_exercise(exercise, load_exercises(poses_dir))
    if variant is not None:
        ex.variant(variant)
    return ex


def analyze_video(
    video: str | Path,
    exercise: str | Exercise,
    variant: str | None = None,
    *,
    poses_dir: str | Path | None = None,
    backend: PoseBackend | None = None,
    model_complexity: int = 1,
    model_path: str | Path | None = None,
    annotate_to: str | Path | None = None,
    save_landmarks: str | Path | None = None,
    on_frame: FrameCallback | None = None,
) -> Report:
    """Analyse one recorded video. Interrupted (Ctrl-C), it returns what was measured, marked ``partial``."""
    ex = exercise if isinstance(exercise, Exercise) else resolve_exercise(exercise, variant, poses_dir)
    session = Session(ex, variant)
    partial = False
    with VideoFileSource(video) as src, quiet_native_stderr():
        own_backend = backend is None
        be = backend if backend is not None else make_backend(model_complexity, model_path)
        writer = None
        recorder = LandmarkRecorder() if save_landmarks else None
        try:
            if annotate_to:
                writer = AnnotatedVideoWriter(annotate_to, src.info.fps, (src.info.width, src.info.height))
            for frame in src:
                pose = be.process(frame)
                res = session.update(frame.t, pose)
                if writer is not None:
                    v = ex.variant(res.snapshot.variant)
                    writer.write(draw_overlay(frame.image, pose, res.features, res.snapshot, f"{ex.title}: {v.title}"))
                if recorder is not None:
                    recorder.add(frame, pose)
                if on_frame is not None:
                    on_frame(frame, res)
        except KeyboardInterrupt:
            partial = True
        finally:
            if writer is not None:
                writer.close()
            if own_backend:
                be.close()
        if recorder is not None and save_landmarks:
            recorder.save(save_landmarks)
        notes = list(src.notes)
        info = src.info
        inference = getattr(be, "inference_size", None)
    engine = session.finish()
    return build_report(
        session,
        engine_variant=engine.variant.name,
        video=str(video),
        fps=info.fps,
        size=(info.width, info.height),
        backend=be.name,
        inference_size=inference,
        partial=partial,
        notes=notes,
    )


def build_report(
    session: Session,
    *,
    engine_variant: str,
    video: str,
    fps: float,
    size: tuple[int, int],
    backend: str,
    inference_size: tuple[int, int] | None,
    partial: bool,
    notes: list[str],
) -> Report:
    ex = session.exercise
    engine = session.engines[engine_variant]
    v = engine.variant
    duration = session.last_t - (session.first_t or 0.0)
    if session.frames:
        duration += 1.0 / fps if fps > 0 else duration / max(session.frames - 1, 1)
    notes = list(notes)
    if session.frames and session.frames_with_pose < session.frames:
        missing = 1 - session.frames_with_pose / session.frames
        if missing >= 0.05:
            notes.append(f"no person detected in {100 * missing:.0f}% of frames")
    for code, secs in engine.skipped_s.items():
        if secs >= 1.0:
            notes.append(f"{code} not judged for {secs:.0f} s: the camera was not side-on (film from the side)")
    if session.fixed_variant is None and session.detector.evidence_s < 1.0:
        notes.append(f"too little of the body was seen to recognise the variant; assumed {v.name}")
    return Report(
        exercise=ex.name,
        variant=v.name,
        duration_s=max(0.0, duration) if math.isfinite(duration) else 0.0,
        frames=session.frames,
        frames_with_pose=session.frames_with_pose,
        reps=dict(engine.reps),
        holds=list(engine.holds),
        faults=list(engine.faults),
        exercise_title=ex.title,
        variant_title=v.title,
        variant_detected=session.fixed_variant is None,
        variant_scores=session.variant_scores() if session.fixed_variant is None else {},
        rep_events=list(engine.rep_events),
        reps_target=v.reps_target,
        hold_target_s=v.reps.hold_target_s if v.reps and v.reps.hold_target_s else v.hold_target_s,
        orientation=session.orientation(),
        camera_side=session.camera_side(),
        video=video,
        fps=fps,
        width=size[0],
        height=size[1],
        backend=backend,
        inference_size=inference_size,
        partial=partial,
        notes=notes,
        formcheck_version=__version__,
    )
