"""The analysis report: the JSON contract other tools rely on, and its human-readable summary.

Contract fields (kept stable): exercise, variant, duration_s, frames, frames_with_pose, reps {left, right},
holds [{side, start_s, end_s, duration_s, completed}], faults [{code, side, start_s, end_s, message}].
Times are seconds on the video's own timeline. Everything else is extra and may grow.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from formcheck.analysis.session import SHORT_S, SessionSummary
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent
from formcheck.version import __version__

SCHEMA_VERSION = 1


@dataclass
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
    # Per side, the [low, high] hip and knee angles the leg went through (trace.py), None where not seen.
    range_of_motion: dict[str, dict[str, list[float]] | None] = field(default_factory=dict)
    # Where reps_target and hold_target_s came from: the exercise definition, a user config, --target.
    target_sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_session(
        cls,
        summary: SessionSummary,
        *,
        video: str,
        fps: float,
        size: tuple[int, int],
        backend: str,
        inference_size: tuple[int, int] | None = None,
        partial: bool = False,
        notes: list[str] | None = None,
    ) -> Report:
        ex, v, res = summary.exercise, summary.variant, summary.result
        duration = summary.last_t - (summary.first_t or 0.0)
        if summary.frames:
            # the last frame lasts one frame interval too
            duration += 1.0 / fps if fps > 0 else duration / max(summary.frames - 1, 1)
        out_notes = list(notes or [])
        if summary.frames and summary.frames_with_pose < summary.frames:
            missing = 1 - summary.frames_with_pose / summary.frames
            if missing >= 0.05:
                out_notes.append(f"no person detected in {100 * missing:.0f}% of frames")
        short = summary.frames > 0 and duration < SHORT_S
        if summary.frames_with_pose and summary.frames_with_legs is not None and not short:
            unseen = 1 - summary.frames_with_legs / summary.frames_with_pose
            if unseen >= 0.25:
                out_notes.append(
                    f"the legs were not seen in {100 * unseen:.0f}% of the frames with a person (out of the picture "
                    "or hidden): nothing was measured from those frames"
                )
        if summary.subject_x is not None and abs(summary.subject_x - 0.5) > 0.2:
            where = "left" if summary.subject_x < 0.5 else "right"
            out_notes.append(
                f"followed the person in the {where} part of the picture (hips at {100 * summary.subject_x:.0f}% "
                "of its width on average)"
            )
        if short and summary.undetermined is None:
            out_notes.append(
                f"the video is only {duration:.2f} s long ({summary.frames} frame(s)): too short for a rep or a hold"
            )
        if summary.dropped_frames:
            out_notes.append(
                f"{summary.dropped_frames} frame(s) skipped: their timestamp was not after the frame before "
                "(repeated, set back or missing)"
            )
        if summary.cuts:
            out_notes.append(
                f"{summary.cuts} cut(s) in the video: tracking restarted at each, and a rep under way there was dropped"
            )
        out_notes += res.notes
        undetermined = summary.undetermined
        if undetermined is not None:
            out_notes.append(undetermined)
            if summary.looks_like and summary.looks_like not in undetermined:
                out_notes.append(f"it looks like {summary.looks_like}")
        elif summary.also_fits:
            out_notes.append(
                f"the same movement fits {summary.also_fits} about as well: check that this is the exercise meant"
            )
        if undetermined is None and summary.tie:
            names = " and ".join(summary.tie)
            out_notes.append(f"{names} fit about equally well; reported as {v.name} (choose with --variant)")
        if v.hold is not None and v.hold.max_s is not None:
            for h in res.holds:
                if h.duration_s > v.hold.max_s:
                    out_notes.append(
                        f"the {h.side} hold of {h.duration_s:.0f} s went past the {v.hold.max_s:g} s the guide asks for"
                    )
        counted = undetermined is None  # nothing is counted or flagged against a form that does not fit
        return cls(
            exercise=ex.name,
            variant=v.name,
            duration_s=max(0.0, duration) if math.isfinite(duration) else 0.0,
            frames=summary.frames,
            frames_with_pose=summary.frames_with_pose,
            reps=dict(res.reps) if counted else dict.fromkeys(res.reps, 0),
            holds=list(res.holds) if counted else [],
            faults=list(res.faults) if counted else [],
            exercise_title=ex.title,
            variant_title=v.title,
            variant_detected=not summary.variant_given and counted and not summary.tie,
            variant_scores={} if summary.variant_given else dict(summary.variant_scores),
            rep_events=list(res.rep_events) if counted else [],
            reps_target=v.reps_target,
            hold_target_s=v.hold.target_s if v.hold is not None else None,
            orientation=summary.orientation,
            camera_side=summary.camera_side,
            video=video,
            fps=fps,
            width=size[0],
            height=size[1],
            backend=backend,
            inference_size=inference_size,
            partial=partial,
            undetermined=undetermined,
            looks_like=summary.looks_like,
            notes=out_notes,
            legs_seen=(
                round(summary.frames_with_legs / summary.frames_with_pose, 4)
                if summary.frames_with_pose and summary.frames_with_legs is not None
                else None
            ),
            subject_x=round(summary.subject_x, 3) if summary.subject_x is not None else None,
            formcheck_version=__version__,
        )

    @property
    def pose_coverage(self) -> float:
        return self.frames_with_pose / self.frames if self.frames else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["schema_version"] = SCHEMA_VERSION
        d["pose_coverage"] = round(self.pose_coverage, 4)
        d["duration_s"] = round(self.duration_s, 3)
        return d

    def write_json(self, path: str | Path) -> None:
        """Atomic: a reader never sees half a report, and an interruption never leaves one."""
        write_atomic(Path(path), json.dumps(self.to_dict(), indent=2) + "\n")

    def summary(self) -> str:
        title = self.exercise_title or self.exercise
        if self.undetermined is not None:
            head = f"{title} - NOT RECOGNISED: {self.undetermined.removeprefix(f'not judged as {title.lower()}: ')}"
            if self.looks_like:
                head += f" (it looks like {self.looks_like})"
        else:
            how = "detected" if self.variant_detected else ("given" if not self.variant_scores else "best guess")
            head = f"{title} - {self.variant_title or self.variant} ({how})"
        lines = [
            head,
            f"  {self.video}: {self.duration_s:.1f} s, {self.frames} frames, "
            f"person seen in {100 * self.pose_coverage:.0f}% of frames" + (" [PARTIAL]" if self.partial else ""),
        ]
        if self.reps_target is not None or any(self.reps.values()):
            lo, hi = self.reps_target or (0, 0)
            tgt = f" (target {lo if lo == hi else f'{lo}-{hi}'} per leg)" if self.reps_target else ""
            if "both" in self.reps:
                lines.append(f"  Reps: {self.reps['both']}{tgt.replace(' per leg', '')}")
            else:
                lines.append(f"  Reps: left {self.reps['left']}, right {self.reps['right']}{tgt}")
        if self.holds or self.hold_target_s:
            tgt = f" (target {self.hold_target_s:g} s)" if self.hold_target_s else ""
            lines.append(
                f"  Holds{tgt}: "
                + (
                    ", ".join(f"{h.side} {h.duration_s:.1f} s{' ✓' if h.completed else ''}" for h in self.holds)
                    or "none"
                )
            )
        if self.faults:
            lines.append(f"  Form: {len(self.faults)} fault(s)")
            for f in self.faults:
                side = f" {f.side}" if f.side else ""
                lines.append(f"    {f.start_s:6.1f}-{f.end_s:5.1f} s{side}: {f.message} [{f.code}]")
        else:
            lines.append("  Form: no faults flagged")
        if self.target_sources:
            lines.append(f"  Targets: {self.targets_text()}")
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def targets_text(self) -> str:
        """The targets used and where each came from, e.g. "reps 12 per leg (--target), hold 10 s (...)"."""
        parts = []
        if self.reps_target is not None:
            lo, hi = self.reps_target
            per = "" if "both" in self.reps else " per leg"
            parts.append(f"reps {lo if lo == hi else f'{lo}-{hi}'}{per} ({self.target_sources.get('reps', '?')})")
        if self.hold_target_s is not None:
            parts.append(f"hold {self.hold_target_s:g} s ({self.target_sources.get('hold', '?')})")
        return ", ".join(parts) or "none"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once, at import: os.umask can only be read by setting it


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # as an ordinary file would be (mkstemp makes it private)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
