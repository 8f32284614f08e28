"""An exercise's report: the JSON contract (``contract.py``) and its human-readable summary.

Built once, from what the session measured, the run and what the run's sinks gathered (range of motion) and
the targets' sources, and never changed afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from formcheck.analysis.loop import RunInfo
from formcheck.analysis.range_of_motion import Rom
from formcheck.analysis.session import SessionSummary
from formcheck.definitions.vocabulary import Side
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent
from formcheck.report import contract
from formcheck.report.notes import session_notes
from formcheck.version import __version__


def reps_text(reps: Mapping[str, int], target: tuple[int, int] | None) -> str:
    """ "left 2, right 1 (target 10-15 per leg)", or "5 (target 10)" for reps of both legs together."""
    lo, hi = target or (0, 0)
    goal = f" (target {lo if lo == hi else f'{lo}-{hi}'}{'' if Side.BOTH in reps else ' per leg'})" if target else ""
    if Side.BOTH in reps:
        return f"{reps['both']}{goal}"
    return f"left {reps['left']}, right {reps['right']}{goal}"


@dataclass(frozen=True)
class Report:
    exercise: str
    variant: str
    duration_s: float
    frames: int
    frames_with_pose: int
    reps: dict[str, int]
    holds: list[HoldEvent]
    faults: list[FaultEvent]
    exercise_title: str = ""
    variant_title: str = ""
    variant_detected: bool = False
    variant_scores: dict[str, float] = field(default_factory=dict)
    rep_events: list[RepEvent] = field(default_factory=list)
    reps_target: tuple[int, int] | None = None
    hold_target_s: float | None = None
    video: str = ""
    fps: float = 0.0
    width: int = 0
    height: int = 0
    orientation: str | None = None  # standing / kneeling / supine / side-lying, the most seen
    camera_side: str | None = None  # which side of the body faced the camera (side views)
    backend: str = ""
    inference_size: tuple[int, int] | None = None
    partial: bool = False
    undetermined: str | None = None  # why no variant of the exercise fits: then nothing is counted or flagged
    looks_like: str | None = None  # another exercise whose definition fits, when this one does not
    notes: list[str] = field(default_factory=list)
    legs_seen: float | None = None  # share of the frames with a person in which the legs were measured
    subject_x: float | None = None  # the followed person's place across the picture (0 left, 1 right)
    formcheck_version: str = ""
    # Per side, the [low, high] hip and knee angles the leg went through, None where not seen.
    range_of_motion: dict[str, dict[str, list[float]] | None] = field(default_factory=dict)
    # Where reps_target and hold_target_s came from: the exercise definition, a user config, --target.
    target_sources: dict[str, str] = field(default_factory=dict)
    too_dark: bool = False  # most frames without a person were too dark to find one in

    @classmethod
    def build(
        cls,
        summary: SessionSummary,
        run: RunInfo,
        *,
        range_of_motion: Rom | None = None,
        target_sources: Mapping[str, str] | None = None,
    ) -> Report:
        """The report of a finished session: ``run`` says where the frames came from, ``range_of_motion`` is
        what the run measured of the legs, ``target_sources`` where the variant's targets came from."""
        v, res = summary.variant, summary.result
        duration = _duration(summary, run.fps)
        counted = summary.undetermined is None  # nothing is counted or flagged against a form that does not fit
        return cls(
            exercise=summary.exercise.name,
            variant=v.name,
            duration_s=max(0.0, duration) if math.isfinite(duration) else 0.0,
            frames=summary.frames,
            frames_with_pose=summary.frames_with_pose,
            reps=dict(res.reps) if counted else dict.fromkeys(res.reps, 0),
            holds=list(res.holds) if counted else [],
            faults=list(res.faults) if counted else [],
            exercise_title=summary.exercise.title,
            variant_title=v.title,
            variant_detected=not summary.variant_given and counted and not summary.tie,
            variant_scores={} if summary.variant_given else dict(summary.variant_scores),
            rep_events=list(res.rep_events) if counted else [],
            reps_target=v.reps_target,
            hold_target_s=v.hold.target_s if v.hold is not None else None,
            orientation=summary.orientation,
            camera_side=summary.camera_side,
            video=run.video,
            fps=run.fps,
            width=run.size[0],
            height=run.size[1],
            backend=run.backend,
            inference_size=run.inference_size,
            partial=run.partial,
            undetermined=summary.undetermined,
            looks_like=summary.looks_like,
            notes=[*run.notes, *session_notes(summary, duration)],
            legs_seen=_share(summary.frames_with_legs, summary.frames_with_pose),
            subject_x=round(summary.subject_x, 3) if summary.subject_x is not None else None,
            formcheck_version=__version__,
            range_of_motion=dict(range_of_motion or {}),
            target_sources=dict(target_sources or {}),
            too_dark=run.too_dark,
        )

    @property
    def pose_coverage(self) -> float:
        return self.frames_with_pose / self.frames if self.frames else 0.0

    @property
    def recognised(self) -> bool:
        return self.undetermined is None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["undetermined"] = None if self.undetermined is None else str(self.undetermined)
        d["schema_version"] = contract.SCHEMA_VERSION
        d["pose_coverage"] = round(self.pose_coverage, 4)
        d["duration_s"] = round(self.duration_s, 3)
        return d

    def write_json(self, path: str | Path) -> None:
        contract.write_json(self.to_dict(), path)

    def summary(self) -> str:
        lines = [self._headline(), self._source_line()]
        if self.reps_target is not None or any(self.reps.values()):
            lines.append(f"  Reps: {reps_text(self.reps, self.reps_target)}")
        if self.holds or self.hold_target_s:
            lines.append(self._holds_line())
        lines += self._fault_lines()
        if self.target_sources:
            lines.append(f"  Targets: {self.targets_text()}")
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _headline(self) -> str:
        title = self.exercise_title or self.exercise
        if self.undetermined is not None:
            reason = getattr(self.undetermined, "reason", self.undetermined)
            head = f"{title} - NOT RECOGNISED: {reason}"
            return head + (f" (it looks like {self.looks_like})" if self.looks_like else "")
        how = "detected" if self.variant_detected else ("given" if not self.variant_scores else "best guess")
        return f"{title} - {self.variant_title or self.variant} ({how})"

    def _source_line(self) -> str:
        return (
            f"  {self.video}: {self.duration_s:.1f} s, {self.frames} frames, "
            f"person seen in {100 * self.pose_coverage:.0f}% of frames" + (" [PARTIAL]" if self.partial else "")
        )

    def _holds_line(self) -> str:
        tgt = f" (target {self.hold_target_s:g} s)" if self.hold_target_s else ""
        held = ", ".join(f"{h.side} {h.duration_s:.1f} s{' ✓' if h.completed else ''}" for h in self.holds)
        return f"  Holds{tgt}: {held or 'none'}"

    def _fault_lines(self) -> list[str]:
        if not self.faults:
            return ["  Form: no faults flagged"]
        lines = [f"  Form: {len(self.faults)} fault(s)"]
        for f in self.faults:
            side = f" {f.side}" if f.side else ""
            lines.append(f"    {f.start_s:6.1f}-{f.end_s:5.1f} s{side}: {f.message} [{f.code}]")
        return lines

    def targets_text(self) -> str:
        """The targets used and where each came from, e.g. "reps 12 per leg (--target), hold 10 s (...)"."""
        parts = []
        if self.reps_target is not None:
            lo, hi = self.reps_target
            per = "" if Side.BOTH in self.reps else " per leg"
            parts.append(f"reps {lo if lo == hi else f'{lo}-{hi}'}{per} ({self.target_sources.get('reps', '?')})")
        if self.hold_target_s is not None:
            parts.append(f"hold {self.hold_target_s:g} s ({self.target_sources.get('hold', '?')})")
        return ", ".join(parts) or "none"


def _duration(summary: SessionSummary, fps: float) -> float:
    duration = summary.last_t - (summary.first_t or 0.0)
    if summary.frames:
        # the last frame lasts one frame interval too
        duration += 1.0 / fps if fps > 0 else duration / max(summary.frames - 1, 1)
    return duration


def _share(part: int | None, whole: int) -> float | None:
    return round(part / whole, 4) if whole and part is not None else None
