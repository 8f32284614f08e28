"""The analysis report: the JSON contract other tools rely on, and its human-readable summary.

Contract fields (kept stable): exercise, variant, duration_s, frames, frames_with_pose, reps {left, right},
holds [{side, start_s, end_s, duration_s, completed}], faults [{code, side, start_s, end_s, message}].
Times are seconds on the video's own timeline. Everything else is extra and may grow.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .engine import FaultEvent, HoldEvent, RepEvent

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
    notes: list[str] = field(default_factory=list)
    formcheck_version: str = ""

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
        how = "detected" if self.variant_detected else "given"
        lines = [
            f"{self.exercise_title or self.exercise} - {self.variant_title or self.variant} ({how})",
            f"  {self.video}: {self.duration_s:.1f} s, {self.frames} frames, "
            f"person seen in {100 * self.pose_coverage:.0f}% of frames" + (" [PARTIAL]" if self.partial else ""),
        ]
        if self.reps_target is not None or any(self.reps.values()):
            tgt = f" (target {self.reps_target[0]}-{self.reps_target[1]} per leg)" if self.reps_target else ""
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
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
