"""One exercise session, frame by frame: pose -> features -> variant detection -> engine(s).

The same ``Session`` serves a recorded video, a live camera and tests fed with synthetic landmarks. When
the variant is not given, an engine runs for every candidate variant (they are cheap) and for the variants
of the other exercises. While it runs, the detector's orientation and signature scores say which variant
to show. At the end the variant is the one whose reps and holds explain most of the session without faults
(``events.Fit``); when none of the named exercise's variants explains anything, the session says so and
reports no numbers, naming the exercise it looks like if one of the others fits.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from formcheck.definitions.schema import Exercise, Variant
from formcheck.definitions.vocabulary import SIDES, RuleKind, Side
from formcheck.engine.features import BodyFeatures, FeatureExtractor
from formcheck.engine.findings import TIE_RATIO, VariantResult
from formcheck.engine.snapshot import Snapshot, present
from formcheck.engine.variant_engine import VariantEngine
from formcheck.engine.variant_evidence import VariantDetector
from formcheck.pose.landmarks import LM, Pose


@dataclass
class FrameResult:
    pose: Pose | None
    features: BodyFeatures
    snapshot: Snapshot
    exercise: Exercise | None = None  # the exercise the snapshot is of (None: the session's own)


class NotJudged(str):
    """Why no variant of the exercise named fits a session (then nothing is counted or flagged): the report's
    ``undetermined``, "not judged as <exercise>: <reason>", which keeps its ``reason`` for the summary line."""

    def __new__(cls, exercise_title: str, reason: str) -> NotJudged:
        self = super().__new__(cls, f"not judged as {exercise_title.lower()}: {reason}")
        self.exercise_title, self.reason = exercise_title, reason
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return self.exercise_title, self.reason


@dataclass
class SessionSummary:
    """Everything a session measured, for the report: no engine internals."""

    exercise: Exercise
    variant: Variant
    variant_given: bool
    result: VariantResult
    variant_scores: dict[str, float]
    frames: int
    frames_with_pose: int
    cuts: int  # new shots (cuts in an edited video) where tracking restarted
    first_t: float | None
    last_t: float
    orientation: str | None  # the orientation seen most
    camera_side: str | None  # the side of the body the camera saw most
    undetermined: NotJudged | None = None  # why no variant of the exercise fits (then nothing is counted)
    looks_like: str | None = None  # "exercise title: variant title" of another exercise that fits
    also_fits: str | None = None  # another exercise's variant explaining the session about as well (ambiguous)
    tie: tuple[str, ...] = ()  # variants that fit about equally well (not a detection)
    # another variant of the exercise explaining the same reps, but only as done with faults: (name, title, the
    # faults' cues): "a clean knee drive, or a straight-leg lift done with a bent knee"
    faulted_alternative: tuple[str, str, tuple[str, ...]] | None = None
    frames_with_legs: int | None = None  # frames with a person in which at least one leg was measured
    subject_x: float | None = None  # where the person followed was across the frame (0 left, 1 right), on average
    dropped_frames: int = 0  # frames skipped: their timestamp was not after the last one (or not a number)


SHORT_S = 1.0  # a video shorter than this holds no rep or hold to judge (shorter than the quickest rep)
BETTER_RATIO = 1.5  # another exercise explaining this much more of the session makes the one named a mismatch
# An edited montage (this many cuts, the legs in view in less than this share of the frames: title cards,
# close-ups, other angles) is not one set done in front of a camera: what its shots add up to is not judged.
FAULTED_SHARE = 0.5  # faults through this share of a variant's reps: the movement is that variant done wrong
MONTAGE_CUTS = 4
MONTAGE_LEGS_SEEN = 0.6
# ...unless one shot shows the legs in this share of the frames they are seen in: a continuous recording with
# cuts only where the legs are out of view (the camera picked up at the end, a title card) is one set.
ONE_SHOT = 0.9


class Session:
    def __init__(
        self,
        exercise: Exercise,
        variant: str | None = None,
        others: Iterable[Exercise] = (),
        *,
        others_judged: bool = False,
    ) -> None:
        """``others``: the other exercises, whose engines say what a video that is not the exercise named looks
        like; ``others_judged``: their findings count as much as the named exercise's (a routine), so they are
        fed every frame."""
        self.exercise = exercise
        self.fixed_variant = exercise.variant(variant).name if variant else None
        variants = [exercise.variant(variant)] if variant else list(exercise.variants)
        self._engines = {v.name: VariantEngine(v) for v in variants}
        # The other exercises' variants, to say what the video looks like when it is not the exercise named.
        self._others = (
            [] if variant else [(e, VariantEngine(v)) for e in others if e.name != exercise.name for v in e.variants]
        )
        self._detector = VariantDetector(exercise)
        self._gate_others = not others_judged
        self._features = FeatureExtractor()
        self.frames = 0
        self.frames_with_pose = 0
        self.frames_with_legs = 0
        self._subject_x = [0.0, 0]  # sum and count of the hips' centre across the frame
        self.cuts = 0
        self._shot_legs = [0]  # frames with a leg measured, per shot (a cut starts the next)
        self.first_t: float | None = None
        self.last_t = 0.0
        self._chirality_frames = {1: 0, -1: 0}
        self._results: dict[str, VariantResult] | None = None  # the engines' findings, once finished
        self._others_results: list[tuple[Exercise, Variant, VariantResult]] | None = None
        self.dropped_frames = 0
        self._cut_dropped = False  # a dropped frame started a new shot: the next one does
        self._last_snapshot: Snapshot | None = None
        self._last_exercise: Exercise | None = None
        # (exercise name, variant name) of the engine to show, when something else chooses it (a routine)
        self.shown: tuple[str, str] | None = None

    @property
    def engines(self) -> Mapping[str, VariantEngine]:
        """The candidate variants' engines, to be read (not fed) by the per-frame trace (trace.py)."""
        return self._engines

    def current_variant(self) -> str:
        if self.fixed_variant:
            return self.fixed_variant
        return self._detector.best()[0].name

    def update(self, t: float, pose: Pose | None, cut: bool = False) -> FrameResult:
        """One frame. ``cut``: a new shot starts here (an edited video): tracking restarts. A frame whose
        timestamp is not after the last one's is dropped (see ``_dropped``)."""
        if not math.isfinite(t) or (self.first_t is not None and t <= self.last_t):
            return self._dropped(pose, cut)
        cut, self._cut_dropped = cut or self._cut_dropped, False
        self.frames += 1
        if self.first_t is None:
            self.first_t = t
        self.last_t = t
        f = self._features.update(t, pose, cut)
        if f.cut:
            self.cuts += 1
            self._shot_legs.append(0)
            self.interrupt(end_holds=False)
        if f.has_pose:
            self._count_pose(f, pose)
        self._detector.update(f)
        snap, shown_ex = self._feed_engines(f)
        assert snap is not None
        self._last_snapshot, self._last_exercise = snap, shown_ex
        return FrameResult(pose, f, snap, shown_ex)

    def _count_pose(self, f: BodyFeatures, pose: Pose | None) -> None:
        """What the report says of the frames with a person: legs seen, where the subject is, the chirality."""
        self.frames_with_pose += 1
        if any(lg.known for lg in f.legs):
            self.frames_with_legs += 1
            self._shot_legs[-1] += 1
        if pose is not None:
            # scalar arithmetic: a fancy-indexed numpy mean costs more than the rest of this per frame
            hips = float(pose.xy[LM.LEFT_HIP, 0]) + float(pose.xy[LM.RIGHT_HIP, 0])
            x = 0.5 * hips / max(pose.image_size[0], 1)
            if math.isfinite(x):
                self._subject_x[0] += x
                self._subject_x[1] += 1
        if f.chirality:
            self._chirality_frames[f.chirality] += 1

    def _feed_engines(self, f: BodyFeatures) -> tuple[Snapshot | None, Exercise | None]:
        """Every engine takes the frame; the one shown returns its snapshot (and its exercise, when it is
        another exercise's)."""
        snap, shown_ex = None, None
        own = self.exercise.name
        chosen = self.shown if self.shown is not None else (own, self.current_variant())
        for name, eng in self._engines.items():
            s = eng.update(f, show=chosen == (own, name))
            if s is not None:
                snap = s
        for ex, eng in self._others:
            show = chosen == (ex.name, eng.variant.name)
            if self._gate_others and not show and f.orientation not in (None, eng.variant.orientation) and eng.idle:
                # Another exercise's engine only says what the video looks like: in a posture its variant is
                # not done in, with nothing under way, it can find nothing, and is not fed (it is most of the
                # cost of a frame).
                eng.skip(f)
                continue
            s = eng.update(f, show=show)
            if s is not None:
                snap, shown_ex = s, ex
        return snap, shown_ex

    def _dropped(self, pose: Pose | None, cut: bool) -> FrameResult:
        """A frame with a timestamp not after the last one (repeated, set back, NaN: a broken clock or an
        edited recording). Every stage times by timestamps (speeds, holds, intervals), and time running
        backwards would make intervals end before they start: such a frame is skipped here, the one place
        every source's frames pass through, and counted for the report. Nothing changes; what is shown
        stays as it was."""
        self.dropped_frames += 1
        self._cut_dropped = self._cut_dropped or cut
        snap = self._last_snapshot
        if snap is None:  # nothing accepted yet: the current variant at rest
            eng = self._engines[self.current_variant()]
            counts = dict(eng.reps.counts) if eng.reps is not None else dict.fromkeys(SIDES, 0)
            snap = present(eng.variant, counts, False, None, None, None, [])
        return FrameResult(pose, BodyFeatures(t=self.last_t, has_pose=False), snap, self._last_exercise)

    def interrupt(self, end_holds: bool = True) -> None:
        """What is under way stops here: a rep in progress is dropped, open faults end, and holds end too
        when ``end_holds`` (the person switching sides) - at a cut a hold goes on if the person is still in
        position when the picture comes back."""
        for eng in (*self._engines.values(), *(eng for _, eng in self._others)):
            eng.interrupt(end_holds)

    def finish(self) -> SessionSummary:
        """Close every engine and summarise the session with the variant that fits best."""
        results = self._own_results()
        detector_best, detector_scores = self._detector.best()
        undetermined, looks_like, tie, also_fits, faulted = None, None, (), None, None
        if self.fixed_variant is not None:
            best = self.exercise.variant(self.fixed_variant)
        elif self._montage():
            best = detector_best
            legs_seen = (self.frames_with_legs or 0) / max(self.frames, 1)
            undetermined = NotJudged(
                self.exercise.title,
                f"an edited video ({self.cuts} cuts, the legs in view in {legs_seen:.0%} of it): what its shots add "
                "up to is not one set (analyse a continuous recording)",
            )
        else:
            ranked = sorted(
                self.exercise.variants,
                key=lambda v: (results[v.name].fit.score, detector_scores.get(v.name, 0.0)),
                reverse=True,
            )
            fitting = [v for v in ranked if results[v.name].fit.fits]
            if not fitting:
                best = detector_best
                undetermined = self._why_nothing_fits(results)
                looks_like = self._looks_like()
            else:
                best = fitting[0]
                faulted = self._faulted_alternative(best, results)
                top = results[best.name].fit.score
                tie = tuple(v.name for v in fitting if top > 0 and results[v.name].fit.score >= TIE_RATIO * top)
                tie = tie if len(tie) > 1 else ()
                # Another exercise's definition explaining the movement clearly better: this is not the one named.
                other = self._best_other()
                if other is not None and other[0] >= BETTER_RATIO * top:
                    undetermined = NotJudged(self.exercise.title, f"the movement fits {other[1]} better")
                    looks_like = other[1]
                elif other is not None and other[0] >= TIE_RATIO * top:
                    also_fits = other[1]
        right, left = self._chirality_frames[1], self._chirality_frames[-1]
        seen = self._detector.orientation_s
        return SessionSummary(
            exercise=self.exercise,
            variant=best,
            variant_given=self.fixed_variant is not None,
            result=results[best.name],
            variant_scores={v: round(results[v].fit.score, 2) for v in results},
            frames=self.frames,
            frames_with_pose=self.frames_with_pose,
            frames_with_legs=self.frames_with_legs,
            subject_x=self._subject_x[0] / self._subject_x[1] if self._subject_x[1] else None,
            dropped_frames=self.dropped_frames,
            cuts=self.cuts,
            first_t=self.first_t,
            last_t=self.last_t,
            orientation=max(seen, key=lambda o: seen[o]) if seen else None,
            camera_side=None if right == left else (Side.RIGHT if right > left else Side.LEFT),
            undetermined=undetermined,
            looks_like=looks_like,
            also_fits=also_fits,
            tie=tie,
            faulted_alternative=faulted,
        )

    def _faulted_alternative(
        self, best: Variant, results: dict[str, VariantResult]
    ) -> tuple[str, str, tuple[str, ...]] | None:
        """Another variant explaining about the same time as the clean ``best``, but with faults through most
        of it: the movement is a clean ``best`` or that variant done with those faults (a straight-leg lift
        done with a bent knee is a clean knee drive). Faults count against a variant's fit, so ``best`` is
        reported; the other reading is named, since a person may have meant it."""
        fit = results[best.name].fit
        if fit.fault_s > 0 or fit.explained_s <= 0:
            return None
        for v in self.exercise.variants:
            other = results[v.name]
            if v.name == best.name or other.fit.counted == 0 or other.fit.explained_s < TIE_RATIO * fit.explained_s:
                continue
            # (A hold cut short is no other form: a quick bridge is not a held bridge done wrong.)
            timed = {r.code for r in v.rules if r.kind == RuleKind.HOLD}
            faults = [f for f in other.faults if f.code not in timed]
            if sum(f.end_s - f.start_s for f in faults) >= FAULTED_SHARE * other.fit.explained_s:
                return v.name, v.title, tuple(dict.fromkeys(f.message for f in faults))
        return None

    def _montage(self) -> bool:
        legs = self.frames_with_legs or 0
        one_shot = legs > 0 and max(self._shot_legs) >= ONE_SHOT * legs
        return self.cuts >= MONTAGE_CUTS and legs < MONTAGE_LEGS_SEEN * self.frames and not one_shot

    def _why_nothing_fits(self, results: dict[str, VariantResult]) -> NotJudged:
        return NotJudged(self.exercise.title, self._reason_nothing_fits(results))

    def _reason_nothing_fits(self, results: dict[str, VariantResult]) -> str:
        if not self.frames_with_pose:
            return "no person was seen"
        if self.first_t is not None and self.last_t - self.first_t < SHORT_S:
            return f"the video is too short ({self.frames} frame(s))"
        orientations = sorted({v.orientation for v in self.exercise.variants})
        most = max(r.fit.orientation_s for r in results.values())
        if most < 1.0:
            return f"the body was never {' or '.join(orientations)}"
        # Why the variants in the posture the person was in did not take what they did.
        relevant = [r for r in results.values() if r.fit.orientation_s >= 0.5 * most]
        rejected = [why for r in relevant for why in r.rejected]
        if rejected:
            # the reason given most (counted by kind: "up 9 s" and "up 12 s" are one reason), as first said
            common = Counter(why.reason for why in rejected).most_common(1)[0][0]
            text = next(why.text for why in rejected if why.reason is common)
            return f"{len(rejected)} movement(s) seen, but {text}"
        return "no rep or hold of any of its variants was seen"

    def _own_results(self) -> dict[str, VariantResult]:
        if self._results is None:
            self._results = {name: eng.finish() for name, eng in self._engines.items()}
        return self._results

    def _other_results(self) -> list[tuple[Exercise, Variant, VariantResult]]:
        if self._others_results is None:
            self._others_results = [(ex, eng.variant, eng.finish()) for ex, eng in self._others]
        return self._others_results

    def all_engines(self) -> list[tuple[Exercise, VariantEngine]]:
        """Every engine, the named exercise's variants first (read, not fed: the session feeds them)."""
        return [(self.exercise, eng) for eng in self._engines.values()] + list(self._others)

    def all_results(self) -> list[tuple[Exercise, Variant, VariantResult]]:
        """Every engine's findings over the whole session: the named exercise's variants and (without a fixed
        variant) every other exercise's. A routine is segmented from these."""
        own = self._own_results()
        return [(self.exercise, v, own[v.name]) for v in self.exercise.variants if v.name in own] + list(
            self._other_results()
        )

    def _best_other(self) -> tuple[float, str] | None:
        """The best-fitting variant of the other exercises: (score, "exercise title: variant title")."""
        fits = [(r.fit.score, f"{ex.title}: {v.title}") for ex, v, r in self._other_results() if r.fit.fits]
        return max(fits, key=lambda x: x[0], default=None)

    def _looks_like(self) -> str | None:
        other = self._best_other()
        return other[1] if other is not None else None
