"""The Python API: ``analyze_video`` and ``analyze_landmarks``, each the whole spine as one call (the CLI is a
thin layer over them).

frames (decode thread) -> pose backend -> the one frame loop (``analysis.loop.run``) with its sinks -> the
report. A recording of saved landmarks goes through the same loop, its poses replayed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from formcheck.analysis.frame_record import FrameRecord
from formcheck.analysis.loop import Analysis, RunInfo, Sink, check_choice, run
from formcheck.analysis.range_of_motion import RangeOfMotion
from formcheck.analysis.sinks import Lighting, ProgressBar, RecordLandmarks
from formcheck.definitions.loader import Catalogue
from formcheck.definitions.program import Program
from formcheck.definitions.schema import Exercise
from formcheck.io.sources import VideoFileSource
from formcheck.pose.backends import PoseBackend, make_backend, quiet_native_stderr
from formcheck.pose.recording import ReplayBackend, ReplaySource, landmarks_meta
from formcheck.render.video import AnnotatedVideo
from formcheck.report.build import AnyReport, build_report


@dataclass(frozen=True)
class Plan:
    """What to analyse a recording as: an exercise (with the person's targets in it) or, None, a routine."""

    catalogue: Catalogue
    exercise: Exercise | None
    variant: str | None = None
    target_sources: Mapping[str, Mapping[str, str]] | None = None  # per variant: where its targets came from
    program: Program | None = None  # a routine is compared with it (its targets already in ``catalogue``)

    @classmethod
    def of(
        cls,
        exercise: str | Exercise | None,
        variant: str | None = None,
        *,
        catalogue: Catalogue | None = None,
        poses_dir: str | Path | None = None,
    ) -> Plan:
        cat = catalogue if catalogue is not None else Catalogue.load(poses_dir)
        return cls(cat, cat.find(exercise) if isinstance(exercise, str) else exercise, variant)

    @classmethod
    def of_program(cls, program: Program, catalogue: Catalogue) -> Plan:
        """A routine counted against ``program``'s reps and holds, and compared with it at the end."""
        return cls(program.catalogue(catalogue), None, None, program.target_sources(), program)

    def __post_init__(self) -> None:
        check_choice(self.exercise, self.variant)
        if self.program is not None and self.exercise is not None:
            raise ValueError("a program is compared with a whole routine, not one exercise")

    def analysis(self, *, live_recognition: bool = False, engine_states: bool = False) -> Analysis:
        return Analysis(
            self.catalogue,
            self.exercise,
            self.variant,
            live_recognition=live_recognition,
            engine_states=engine_states,
            program=self.program,
        )


def analyze_video(
    video: str | Path,
    exercise: str | Exercise | None = None,
    variant: str | None = None,
    *,
    plan: Plan | None = None,
    poses_dir: str | Path | None = None,
    backend: PoseBackend | None = None,
    model_complexity: int = 1,
    model_path: str | Path | None = None,
    annotate_to: str | Path | None = None,
    save_landmarks: str | Path | None = None,
    progress: bool | None = False,
    record: FrameRecord | None = None,
    sinks: Sequence[Sink] = (),
) -> AnyReport:
    """Analyse one recorded video. Interrupted (Ctrl-C), it returns what was measured, marked ``partial``.
    ``exercise`` None: a whole routine, recognised block by block from every definition (a ``RoutineReport``).
    ``progress``: a progress bar on stderr (None: only when stderr is a terminal). ``record``: keeps the
    frames for an HTML report or a frame CSV (its ``trace`` afterwards). ``sinks``: more outputs."""
    plan = plan or Plan.of(exercise, variant, poses_dir=poses_dir)
    # a routine's annotated video shows what live coaching would: the exercise recognised so far
    analysis = plan.analysis(live_recognition=annotate_to is not None, engine_states=record is not None)
    rom, light = RangeOfMotion(), Lighting()
    with VideoFileSource(video) as src, quiet_native_stderr() as stderr:
        own_backend = backend is None
        be = backend if backend is not None else make_backend(model_complexity, model_path)
        outputs: list[Sink] = [rom, light]
        try:
            if annotate_to is not None:
                outputs.append(AnnotatedVideo(annotate_to, src.info.fps, (src.info.width, src.info.height)))
            if save_landmarks is not None:
                fps = src.info.fps
                outputs.append(RecordLandmarks(save_landmarks, lambda: landmarks_meta(video, fps, be.name)))
            if progress or (progress is None and stderr.isatty()):
                outputs.append(ProgressBar(stderr, src.info.frame_count, Path(video).name))
            outputs += [s for s in (record,) if s is not None] + list(sinks)
            partial = run(src, be, analysis, outputs, ahead=True)
        finally:
            if own_backend:
                be.close()
        info = src.info
        notes = [*src.notes, *(n for s in outputs for n in s.notes())]
        inference = getattr(be, "inference_size", None)
    run_info = RunInfo(
        str(video), info.fps, (info.width, info.height), be.name, inference, partial, tuple(notes), light.dark
    )
    return build_report(analysis.finish(), run_info, rom, plan.target_sources, plan.program)


def analyze_landmarks(
    landmarks: str | Path,
    exercise: str | Exercise | None = None,
    variant: str | None = None,
    *,
    plan: Plan | None = None,
    poses_dir: str | Path | None = None,
    record: FrameRecord | None = None,
    sinks: Sequence[Sink] = (),
) -> AnyReport:
    """Re-analyse landmarks saved with ``save_landmarks`` (no video decoding, no model) through the same loop;
    ``exercise`` None: a routine, as in ``analyze_video``."""
    plan = plan or Plan.of(exercise, variant, poses_dir=poses_dir)
    analysis = plan.analysis(engine_states=record is not None)
    replay = ReplayBackend(landmarks)
    src = ReplaySource(replay)
    rom = RangeOfMotion()
    outputs: list[Sink] = [rom, *(s for s in (record,) if s is not None), *sinks]
    partial = run(src, replay, analysis, outputs)
    meta = replay.meta
    run_info = RunInfo(
        str(meta.get("video", landmarks)),
        src.info.fps,
        replay.size,
        f"replay of {meta.get('backend', 'saved landmarks')}",
        partial=partial,
        notes=tuple(n for s in outputs for n in s.notes()),
    )
    return build_report(analysis.finish(), run_info, rom, plan.target_sources, plan.program)
