"""Compare an analysis with a clip's ground truth (``sample_videos/*.json``): the accuracy contract.

Used by the end-to-end tests and ``bench/accuracy.py`` so both judge by the same rules:
- reps: exact per side;
- holds: each true hold matched to a reported hold of the same side that overlaps it; error = |duration|;
- faults: a true fault is found when a reported fault has the same code, overlaps its interval (with a
  small tolerance for smoothing lag) and, where the truth names a side, the same side.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formcheck.report.exercise_report import Report

FAULT_TOLERANCE_S = 0.5  # a reported interval this close to the true one counts as overlapping


@dataclass
class Truth:
    path: Path
    data: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path) -> Truth:
        p = Path(path)
        return cls(p, json.loads(p.read_text()))

    @property
    def video(self) -> Path:
        return self.path.with_name(self.data["clip"])

    @property
    def exercise(self) -> str:
        return str(self.data["exercise"])

    @property
    def variant(self) -> str:
        return str(self.data["variant"])

    @property
    def good_form(self) -> bool:
        return not self.data["faults"]


@dataclass
class HoldMatch:
    side: str
    true_s: float
    measured_s: float | None  # None: missed

    @property
    def error_s(self) -> float:
        return math.inf if self.measured_s is None else abs(self.measured_s - self.true_s)


@dataclass
class Evaluation:
    clip: str
    variant_ok: bool
    reps_true: dict[str, int]
    reps_measured: dict[str, int]
    holds: list[HoldMatch]
    extra_holds: int
    faults_true: int
    faults_found: int
    faults_reported: int
    faults_correct: int
    missed_faults: list[str] = field(default_factory=list)
    false_faults: list[str] = field(default_factory=list)

    @property
    def reps_exact(self) -> bool:
        return self.reps_true == self.reps_measured

    @property
    def reps_error(self) -> int:
        sides = set(self.reps_true) | set(self.reps_measured)
        return sum(abs(self.reps_true.get(s, 0) - self.reps_measured.get(s, 0)) for s in sides)

    @property
    def fault_recall(self) -> float:
        return self.faults_found / self.faults_true if self.faults_true else 1.0

    @property
    def fault_precision(self) -> float:
        return self.faults_correct / self.faults_reported if self.faults_reported else 1.0


def _overlap(a0: float, a1: float, b0: float, b1: float, tol: float = 0.0) -> float:
    return min(a1, b1) + tol - max(a0, b0)


def evaluate(report: Report, truth: Truth) -> Evaluation:
    td = truth.data
    # Holds: greedy by overlap, one reported hold per true hold.
    used: set[int] = set()
    holds: list[HoldMatch] = []
    for th in td["holds"]:
        best, best_ov = None, 0.0
        for i, h in enumerate(report.holds):
            if i in used or h.side != th["side"]:
                continue
            ov = _overlap(th["start_s"], th["end_s"], h.start_s, h.end_s)
            if ov > best_ov:
                best, best_ov = i, ov
        if best is not None:
            used.add(best)
        holds.append(
            HoldMatch(th["side"], th["duration_s"], report.holds[best].duration_s if best is not None else None)
        )

    def same(tf: dict[str, Any], f: Any) -> bool:
        return (
            f.code == tf["code"]
            and (tf["side"] is None or f.side is None or f.side == tf["side"])
            and _overlap(tf["start_s"], tf["end_s"], f.start_s, f.end_s, FAULT_TOLERANCE_S) > 0
        )

    found = [tf for tf in td["faults"] if any(same(tf, f) for f in report.faults)]
    correct = [f for f in report.faults if any(same(tf, f) for tf in td["faults"])]
    return Evaluation(
        clip=str(td["clip"]),
        variant_ok=report.variant == truth.variant,
        reps_true=dict(td["reps"]),
        reps_measured=dict(report.reps),
        holds=holds,
        extra_holds=len(report.holds) - len(used),
        faults_true=len(td["faults"]),
        faults_found=len(found),
        faults_reported=len(report.faults),
        faults_correct=len(correct),
        missed_faults=[f"{tf['code']}/{tf['side']}@{tf['start_s']:.1f}" for tf in td["faults"] if tf not in found],
        false_faults=[f"{f.code}/{f.side}@{f.start_s:.1f}-{f.end_s:.1f}" for f in report.faults if f not in correct],
    )
