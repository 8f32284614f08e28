"""One exercise session, frame by frame: pose -> features -> variant detection -> engine(s).

The same ``Session`` serves a recorded video, a live camera and tests fed with synthetic landmarks. When
the variant is not given, an engine runs for every candidate variant (they are cheap), the detector keeps
score, and the result is read from the engine of the winning variant.
"""

from __future__ import annotations

from dataclasses import dataclass

from .detect import VariantDetector
from .engine import VariantEngine
from .events import VariantResult
from .exercises import Exercise, Variant
from .features import BodyFeatures, FeatureExtractor
from .pose import Pose
from .presenter import Snapshot


@dataclass
class FrameResult:
    pose: Pose | None
    features: BodyFeatures
    snapshot: Snapshot


@dataclass
class SessionSummary:
    """Everything a session measured, for the report: no engine internals."""

    exercise: Exercise
    variant: Variant
    variant_given: bool
    result: VariantResult
    variant_scores: dict[str, float]
    detection_evidence_s: float  # seconds of body seen in a recognisable orientation
    frames: int
    frames_with_pose: int
    first_t: float | None
    last_t: float
    orientation: str | None  # the orientation seen most
    camera_side: str | None  # the side of the body the camera saw most


class Session:
    def __init__(self, exercise: Exercise, variant: str | None = None) -> None:
        self.exercise = exercise
        self.fixed_variant = exercise.variant(variant).name if variant else None
        variants = [exercise.variant(variant)] if variant else list(exercise.variants)
        self._engines = {v.name: VariantEngine(v) for v in variants}
        self._detector = VariantDetector(exercise)
        self._features = FeatureExtractor()
        self.frames = 0
        self.frames_with_pose = 0
        self.first_t: float | None = None
        self.last_t = 0.0
        self._chirality_frames = {1: 0, -1: 0}

    def current_variant(self) -> str:
        if self.fixed_variant:
            return self.fixed_variant
        return self._detector.best()[0].name

    def update(self, t: float, pose: Pose | None) -> FrameResult:
        self.frames += 1
        if self.first_t is None:
            self.first_t = t
        self.last_t = t
        f = self._features.update(t, pose)
        if f.has_pose:
            self.frames_with_pose += 1
            if f.chirality:
                self._chirality_frames[f.chirality] += 1
        self._detector.update(f)
        snap = None
        current = self.current_variant()
        for name, eng in self._engines.items():
            s = eng.update(f)
            if name == current:
                snap = s
        assert snap is not None
        return FrameResult(pose, f, snap)

    def finish(self) -> SessionSummary:
        """Close every engine and summarise the session with the winning variant's findings."""
        results = {name: eng.finish() for name, eng in self._engines.items()}
        best = self.exercise.variant(self.current_variant())
        right, left = self._chirality_frames[1], self._chirality_frames[-1]
        seen = self._detector.orientation_s
        return SessionSummary(
            exercise=self.exercise,
            variant=best,
            variant_given=self.fixed_variant is not None,
            result=results[best.name],
            variant_scores={k: round(v, 2) for k, v in self._detector.best()[1].items()},
            detection_evidence_s=self._detector.evidence_s,
            frames=self.frames,
            frames_with_pose=self.frames_with_pose,
            first_t=self.first_t,
            last_t=self.last_t,
            orientation=max(seen, key=lambda o: seen[o]) if seen else None,
            camera_side=None if right == left else ("right" if right > left else "left"),
        )
