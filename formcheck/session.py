"""One exercise session, frame by frame: pose -> features -> variant detection -> engine(s).

The same ``Session`` serves a recorded video, a live camera and tests fed with synthetic landmarks. When
the variant is not given, an engine runs for every candidate variant (they are cheap), the detector keeps
score, and the result is read from the engine of the winning variant.
"""

from __future__ import annotations

from dataclasses import dataclass

from .detect import VariantDetector
from .engine import Snapshot, VariantEngine
from .exercises import Exercise
from .features import BodyFeatures, FeatureExtractor
from .pose import Pose


@dataclass
class FrameResult:
    pose: Pose | None
    features: BodyFeatures
    snapshot: Snapshot


class Session:
    def __init__(self, exercise: Exercise, variant: str | None = None) -> None:
        self.exercise = exercise
        self.fixed_variant = exercise.variant(variant).name if variant else None
        variants = [exercise.variant(variant)] if variant else list(exercise.variants)
        self.engines = {v.name: VariantEngine(v) for v in variants}
        self.detector = VariantDetector(exercise)
        self.features = FeatureExtractor()
        self.frames = 0
        self.frames_with_pose = 0
        self.first_t: float | None = None
        self.last_t = 0.0
        self._chirality_frames = {1: 0, -1: 0}

    def current_variant(self) -> str:
        if self.fixed_variant:
            return self.fixed_variant
        return self.detector.best()[0].name

    def update(self, t: float, pose: Pose | None) -> FrameResult:
        self.frames += 1
        if self.first_t is None:
            self.first_t = t
        self.last_t = t
        f = self.features.update(t, pose)
        if f.has_pose:
            self.frames_with_pose += 1
            if f.chirality:
                self._chirality_frames[f.chirality] += 1
        self.detector.update(f)
        snap = None
        current = self.current_variant()
        for name, eng in self.engines.items():
            s = eng.update(f)
            if name == current:
                snap = s
        assert snap is not None
        return FrameResult(pose, f, snap)

    def finish(self) -> VariantEngine:
        for eng in self.engines.values():
            eng.finish()
        return self.engines[self.current_variant()]

    def camera_side(self) -> str | None:
        """The side of the body the camera saw most (chirality +1: the right side), if it could tell."""
        right, left = self._chirality_frames[1], self._chirality_frames[-1]
        if right == left:
            return None
        return "right" if right > left else "left"

    def orientation(self) -> str | None:
        seen = self.detector.orientation_s
        return max(seen, key=lambda o: seen[o]) if seen else None

    def variant_scores(self) -> dict[str, float]:
        return {k: round(v, 2) for k, v in self.detector.best()[1].items()}
