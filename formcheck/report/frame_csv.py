"""The frame CSV (``--csv``): one row per analysed frame, the angles as judged and the chosen variant's state."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from formcheck.analysis.frame_record import FrameTrace
from formcheck.definitions.vocabulary import Side
from formcheck.io.files import write_atomic

CSV_COLUMNS = (
    "t",
    "pose_seen",
    "visibility",
    "cut",
    "left_hip",
    "left_knee",
    "right_hip",
    "right_knee",
    "left_role",
    "right_role",
    "phase",
    "rep_up",
    "reps_left",
    "reps_right",
    "reps_both",
    "hold_s",
    "faults_open",
)


def _num(x: float, fmt: str) -> str:
    return "" if x != x else format(x, fmt)


def write_frame_csv(trace: FrameTrace, path: str | Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    v = trace.variant
    both = v.reps is not None and not v.per_side_reps
    a = trace.angles
    for i, phase in enumerate(trace.phase):
        w.writerow(
            (
                f"{trace.t[i]:.4f}",
                int(trace.seen[i]),
                _num(float(trace.visibility[i]), ".3f"),
                int(trace.cut[i]),
                _num(float(a[Side.LEFT]["hip"][i]), ".1f"),
                _num(float(a[Side.LEFT]["knee"][i]), ".1f"),
                _num(float(a[Side.RIGHT]["hip"][i]), ".1f"),
                _num(float(a[Side.RIGHT]["knee"][i]), ".1f"),
                trace.roles[Side.LEFT][i],
                trace.roles[Side.RIGHT][i],
                phase,
                int(trace.up[i]),
                int(trace.reps[Side.LEFT][i]),
                int(trace.reps[Side.RIGHT][i]),
                int(trace.reps[Side.BOTH][i]) if both else "",
                _num(float(trace.hold_s[i]), ".2f"),
                trace.faults_open[i],
            )
        )
    write_atomic(Path(path), buf.getvalue())
