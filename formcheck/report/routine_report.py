"""A whole routine's report: a ``BlockReport`` per exercise block and the contract's totals over the recording.

Each block is also a session of its exercise (``BlockReport.to_dict``): the history stores it as one, so
``formcheck progress`` follows an exercise through routines too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formcheck.analysis.blocks import Block
from formcheck.analysis.loop import RoutineFindings, RunInfo
from formcheck.analysis.program_check import ProgramCheck, check_program
from formcheck.analysis.range_of_motion import RangeOfMotion, Rom
from formcheck.definitions.program import Program
from formcheck.definitions.vocabulary import SIDES
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent
from formcheck.report import contract
from formcheck.report.exercise_report import reps_text
from formcheck.version import __version__


@dataclass(frozen=True)
class BlockReport:
    """One exercise block of a routine: what was done, when, how it went."""

    exercise: str
    variant: str
    exercise_title: str
    variant_title: str
    side: str | None  # left, right, both (legs together, or both sides in turn)
    start_s: float
    end_s: float
    counts_reps: bool  # the variant counts reps (else it times holds)
    reps: dict[str, int]
    rep_events: list[RepEvent]
    holds: list[HoldEvent]
    faults: list[FaultEvent]
    reps_target: tuple[int, int] | None
    hold_target_s: float | None
    also_fits: str | None  # another exercise's variant explaining the block about as well
    range_of_motion: Rom = field(default_factory=dict)
    video: str = ""
    partial: bool = False
    target_sources: dict[str, str] = field(default_factory=dict)  # where the reps and hold targets came from

    @classmethod
    def of(
        cls, block: Block, rom: RangeOfMotion, run: RunInfo, target_sources: dict[str, str] | None = None
    ) -> BlockReport:
        v = block.variant
        return cls(
            exercise=block.exercise.name,
            variant=v.name,
            exercise_title=block.exercise.title,
            variant_title=v.title,
            side=block.side,
            start_s=block.start_s,
            end_s=block.end_s,
            counts_reps=v.reps is not None,
            reps=dict(block.result.reps),
            rep_events=list(block.result.rep_events),
            holds=list(block.result.holds),
            faults=list(block.result.faults),
            reps_target=v.reps_target,
            hold_target_s=v.hold.target_s if v.hold is not None else None,
            also_fits=block.also_fits,
            range_of_motion=rom.of(v.view, (block.start_s, block.end_s)),
            video=run.video,
            partial=run.partial,
            target_sources=dict(target_sources or {}),
        )

    @property
    def title(self) -> str:
        return f"{self.exercise_title}: {self.variant_title}"

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def undetermined(self) -> None:
        """A block is a recognised exercise (a session of it, for the history)."""
        return None

    def segment_dict(self) -> dict[str, Any]:
        """The block as the routine's ``segments`` list gives it."""
        return {
            "exercise": self.exercise,
            "variant": self.variant,
            "exercise_title": self.exercise_title,
            "variant_title": self.variant_title,
            "side": self.side,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "reps": dict(self.reps),
            "rep_events": contract.event_dicts(self.rep_events),
            "holds": contract.event_dicts(self.holds),
            "faults": contract.event_dicts(self.faults),
            "reps_target": self.reps_target,
            "hold_target_s": self.hold_target_s,
            "also_fits": self.also_fits,
            "range_of_motion": self.range_of_motion,
            "target_sources": self.target_sources,
        }

    def to_dict(self) -> dict[str, Any]:
        """The block as a one-exercise session's report (the fields the history keeps). Times stay on the
        recording's timeline; ``routine_block`` says where the block was."""
        seg = self.segment_dict()
        return {
            "schema_version": contract.SCHEMA_VERSION,
            "exercise": self.exercise,
            "variant": self.variant,
            "video": self.video,
            "duration_s": round(self.duration_s, 3),
            "reps": seg["reps"],
            "rep_events": seg["rep_events"],
            "holds": seg["holds"],
            "faults": seg["faults"],
            "reps_target": self.reps_target,
            "hold_target_s": self.hold_target_s,
            "undetermined": None,
            "range_of_motion": self.range_of_motion,
            "target_sources": self.target_sources,
            "routine_block": {"start_s": seg["start_s"], "end_s": seg["end_s"]},
            "partial": self.partial,
            "formcheck_version": __version__,
        }

    def summary_line(self, i: int) -> str:
        what = []
        if self.counts_reps:
            what.append(f"reps {reps_text(self.reps, None)}")
        if self.holds:
            what.append("holds " + ", ".join(f"{h.side} {h.duration_s:.0f} s" for h in self.holds))
        faults = sorted({f.code for f in self.faults})
        what.append(f"faults: {', '.join(faults)}" if faults else "no faults")
        side = f" ({self.side})" if self.side else ""
        return (
            f"  {i}. {self.start_s:6.1f}-{self.end_s:6.1f} s  {self.exercise_title} - {self.variant_title}{side}: "
            + "; ".join(what)
        )


@dataclass(frozen=True)
class RoutineReport:
    """A routine's report: the JSON contract's fields over the whole recording (every block's reps, holds and
    faults, each tagged with its exercise) and ``segments``, one per block."""

    video: str
    duration_s: float
    frames: int
    frames_with_pose: int
    blocks: list[BlockReport]
    fps: float = 0.0
    width: int = 0
    height: int = 0
    backend: str = ""
    partial: bool = False
    notes: list[str] = field(default_factory=list)
    program: ProgramCheck | None = None  # the routine against the program it was done with

    @classmethod
    def build(
        cls,
        found: RoutineFindings,
        run: RunInfo,
        rom: RangeOfMotion,
        target_sources: Mapping[str, Mapping[str, str]] | None = None,
        program: Program | None = None,
    ) -> RoutineReport:
        """``target_sources``: per ``exercise/variant``, where its targets came from."""
        first = found.first_t or 0.0
        duration = found.last_t - first + (1.0 / run.fps if run.fps > 0 and found.frames else 0.0)
        notes = list(run.notes)
        if not found.blocks:
            notes.append("no exercise recognised: no rep or hold of any definition in poses/ was seen")
        for b in found.blocks:
            if b.also_fits:
                notes.append(
                    f"{b.start_s:.1f}-{b.end_s:.1f} s: the movement fits {b.also_fits} about as well as "
                    f"{b.title}; give --exercise to choose"
                )
        sources = target_sources or {}
        blocks = [BlockReport.of(b, rom, run, dict(sources.get(b.label, {}))) for b in found.blocks]
        return cls(
            video=run.video,
            duration_s=max(0.0, duration),
            frames=found.frames,
            frames_with_pose=found.frames_with_pose,
            blocks=blocks,
            fps=run.fps,
            width=run.size[0],
            height=run.size[1],
            backend=run.backend,
            partial=run.partial,
            notes=notes,
            program=None if program is None else check_program(program, blocks, [b.title for b in blocks]),
        )

    @property
    def pose_coverage(self) -> float:
        return self.frames_with_pose / self.frames if self.frames else 0.0

    @property
    def reps(self) -> dict[str, int]:
        """Every block's reps, per side."""
        reps = dict.fromkeys(SIDES, 0)
        for b in self.blocks:
            for side, n in b.reps.items():
                reps[side] = reps.get(side, 0) + n
        return reps

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": contract.SCHEMA_VERSION,
            "routine": True,
            "exercise": None,
            "variant": None,
            "duration_s": round(self.duration_s, 3),
            "frames": self.frames,
            "frames_with_pose": self.frames_with_pose,
            "reps": self.reps,
            "holds": [h for b in self.blocks for h in contract.event_dicts(b.holds, exercise=b.exercise)],
            "faults": [f for b in self.blocks for f in contract.event_dicts(b.faults, exercise=b.exercise)],
            "segments": [b.segment_dict() for b in self.blocks],
            "video": self.video,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "backend": self.backend,
            "partial": self.partial,
            "pose_coverage": round(self.pose_coverage, 4),
            "notes": self.notes,
            "program": self.program.to_dict() if self.program is not None else None,
            "formcheck_version": __version__,
        }

    def write_json(self, path: str | Path) -> None:
        contract.write_json(self.to_dict(), path)

    def summary(self) -> str:
        lines = [
            f"Routine - {len(self.blocks)} block(s) recognised",
            f"  {self.video}: {self.duration_s:.1f} s, {self.frames} frames, person seen in "
            f"{100 * self.pose_coverage:.0f}% of frames" + (" [PARTIAL]" if self.partial else ""),
        ]
        lines += [b.summary_line(i) for i, b in enumerate(self.blocks, 1)]
        if self.program is not None:
            lines += self.program.summary_lines()
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)
