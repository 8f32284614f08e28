"""The per-frame trace: what the engine saw and did in each frame, for the HTML report and the frame CSV.

``Trace.add`` is the one hook the analysis loops call (pipeline.py, live.py). Always, it only counts the
legs' angles into 1-degree histograms: the report's range of motion, in flat memory however long the video.
With ``frames`` it also keeps a compact row per frame (columns of ``array.array``: tens of bytes a frame)
for every candidate variant, because the variant is only chosen at the end; ``finish`` keeps the chosen
one's. With ``poses`` it keeps the landmarks too (about 400 bytes a frame), for the faults' still frames.
"""

from __future__ import annotations

import csv
import io
import math
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.schema import Variant
from formcheck.engine.legs import LegStatus
from formcheck.pose.landmarks import LM, NUM_LANDMARKS

if TYPE_CHECKING:
    from formcheck.analysis.session import FrameResult, Session
    from formcheck.engine.findings import FaultEvent
    from formcheck.report.exercise_report import Report

SIDES = ("left", "right")
_ANGLES = ("hip", "knee", "hip_u", "knee_u")  # signed (side views) and unsigned (front views)
_LEG_JOINTS = (LM.LEFT_HIP, LM.RIGHT_HIP, LM.LEFT_KNEE, LM.RIGHT_KNEE, LM.LEFT_ANKLE, LM.RIGHT_ANKLE)
ROM_MIN_FRAMES = 15  # fewer frames with a leg seen say nothing about its range of motion
ROM_PERCENTILES = (0.05, 0.95)  # a range robust to the odd mislabelled frame
NAN = math.nan

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


class _EngineColumns:
    """One candidate variant's state per frame."""

    def __init__(self, variant: Variant, rules: list[str]) -> None:
        self.variant = variant
        self.roles = vocab.LEG_ROLES[variant.legs]
        self.rules = rules  # rule codes, in the order of the bits of ``open``
        self.reps = {s: array("H") for s in ("left", "right", "both")}
        self.up = array("b")
        self.hold = array("f")
        self.open = array("Q")
        self.role = {s: array("b") for s in SIDES}


@dataclass
class FrameTrace:
    """The chosen variant's trace as numpy arrays, one entry per frame."""

    variant: Variant
    t: np.ndarray  # seconds on the session's timeline
    src_t: np.ndarray  # seconds on the source's own timeline (differs live after a pause)
    seen: np.ndarray  # bool: a person was found
    visibility: np.ndarray  # mean visibility of the hips, knees and ankles (NaN without a person)
    cut: np.ndarray  # bool
    angles: dict[str, dict[str, np.ndarray]]  # side -> "hip"/"knee" -> degrees, as the variant's view reads them
    roles: dict[str, list[str]]  # side -> the role the leg played in each frame ("" none)
    up: np.ndarray  # bool: a rep under way
    reps: dict[str, np.ndarray]  # "left"/"right"/"both" -> count so far
    hold_s: np.ndarray  # the hold clock (NaN: not holding)
    faults_open: list[str]  # space-separated codes of the faults whose cue shows in each frame
    labels: dict[str, np.ndarray] = field(default_factory=dict)  # side -> MediaPipe leg drawn for it (0 L, 1 R, -1)
    poses: np.ndarray | None = None  # (n, 33, 3): x, y in pixels and visibility; NaN without a person
    image_size: tuple[int, int] | None = None
    rule_values: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (feature, side|body) -> value

    def __len__(self) -> int:
        return len(self.t)

    @property
    def phase(self) -> list[str]:
        """What the engine was doing: "up" (a rep under way), "holding", "release" (held past the
        maximum) or "rest" (neither)."""
        hold = self.variant.hold
        max_s = hold.max_s if hold is not None and hold.max_s is not None else math.inf
        out = []
        for up, h in zip(self.up, self.hold_s):
            if h == h:  # not NaN
                out.append(vocab.PHASE_RELEASE if h >= max_s else vocab.PHASE_HOLDING)
            else:
                out.append(vocab.PHASE_UP if up else vocab.PHASE_REST)
        return out

    def write_csv(self, path: str | Path) -> None:
        from formcheck.report.exercise_report import write_atomic

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        both = self.variant.reps is not None and not self.variant.per_side_reps

        def num(x: float, fmt: str) -> str:
            return "" if x != x else format(x, fmt)

        for i, phase in enumerate(self.phase):
            a = self.angles
            w.writerow(
                (
                    f"{self.t[i]:.4f}",
                    int(self.seen[i]),
                    num(float(self.visibility[i]), ".3f"),
                    int(self.cut[i]),
                    num(float(a["left"]["hip"][i]), ".1f"),
                    num(float(a["left"]["knee"][i]), ".1f"),
                    num(float(a["right"]["hip"][i]), ".1f"),
                    num(float(a["right"]["knee"][i]), ".1f"),
                    self.roles["left"][i],
                    self.roles["right"][i],
                    phase,
                    int(self.up[i]),
                    int(self.reps["left"][i]),
                    int(self.reps["right"][i]),
                    int(self.reps["both"][i]) if both else "",
                    num(float(self.hold_s[i]), ".2f"),
                    self.faults_open[i],
                )
            )
        write_atomic(Path(path), buf.getvalue())

    def frame_at(self, t: float) -> int:
        """The index of the frame nearest ``t``."""
        return int(np.argmin(np.abs(self.t - t))) if len(self.t) else 0

    def worst_moment(self, fault: FaultEvent) -> int:
        """The frame of ``fault`` where its measurement was furthest past the rule's threshold; for rules
        without one (a movement too fast, a hold too short), the frame in the middle of the interval."""
        inside = np.flatnonzero((self.t >= fault.start_s - 1e-6) & (self.t <= fault.end_s + 1e-6))
        if not len(inside):
            return self.frame_at(fault.start_s)
        rule = next((r for r in self.variant.rules if r.code == fault.code), None)
        if rule is not None and rule.kind == "range" and rule.feature is not None:
            scopes = ["body"] if rule.leg is None else ([fault.side] if fault.side else list(SIDES))
            past = np.full(len(inside), -np.inf)
            for scope in scopes:
                values = self.rule_values.get((rule.feature, scope))
                if values is None:
                    continue
                v = values[inside].astype(np.float64)
                if rule.above is not None:
                    past = np.fmax(past, np.nan_to_num(v - rule.above, nan=-np.inf))
                if rule.below is not None:
                    past = np.fmax(past, np.nan_to_num(rule.below - v, nan=-np.inf))
            if np.isfinite(past).any():
                return int(inside[int(np.argmax(past))])
        seen = inside[self.seen[inside]]
        pool = seen if len(seen) else inside
        return int(pool[len(pool) // 2])


class Trace:
    """Fed one frame at a time by the analysis loop; see the module's doc for what it keeps."""

    def __init__(self, frames: bool = False, poses: bool = False) -> None:
        self.frames = frames or poses
        self.poses = poses
        self.result: FrameTrace | None = None
        self._session: Session | None = None

    def _start(self, session: Session) -> None:
        """A new session (the first frame, or counts reset live): the trace starts over with it."""
        self._session = session
        self._hist = {(s, a): [0] * 361 for s in SIDES for a in _ANGLES}
        self._t, self._src_t = array("d"), array("d")
        self._seen, self._cut, self._vis = array("b"), array("b"), array("f")
        self._angles = {(s, a): array("f") for s in SIDES for a in _ANGLES}
        self._labels = {s: array("b") for s in SIDES}
        self._engines = {
            name: _EngineColumns(eng.variant, [r.rule.code for r in eng.rules]) for name, eng in session.engines.items()
        }
        # The measurements the range rules judge, to find the worst moment of a fault (with the poses only).
        self._rule_keys = sorted(
            {
                (r.feature, eng.variant.view, r.leg is not None)
                for eng in session.engines.values()
                for r in eng.variant.rules
                if r.kind == "range" and r.feature is not None
            }
        )
        self._rule_values: dict[tuple[str, str, str], array] = {}
        self._xyv = array("f")
        self._size: tuple[int, int] | None = None

    def add(self, src_t: float, res: FrameResult, session: Session) -> None:
        """One analysed frame: ``src_t`` is its time on the source's timeline (to find it in the video again)."""
        if session is not self._session:
            self._start(session)
        f = res.features
        legs = {lg.side: lg for lg in f.legs}
        for side, lg in legs.items():
            if lg.status is LegStatus.SEEN:
                for a in _ANGLES:
                    v = lg.values[a]
                    if v == v:
                        self._hist[side, a][min(360, max(0, int(v)))] += 1
        if not self.frames:
            return
        self._t.append(f.t)
        self._src_t.append(src_t)
        self._seen.append(f.has_pose)
        self._cut.append(f.cut)
        pose = res.pose
        self._vis.append(float(pose.visibility[list(_LEG_JOINTS)].mean()) if pose is not None else NAN)
        for s in SIDES:
            lg = legs.get(s)
            known = lg is not None and lg.known
            for a in _ANGLES:
                self._angles[s, a].append(lg.values[a] if known else NAN)  # type: ignore[union-attr]
            label = lg.label if lg is not None and lg.status is LegStatus.SEEN else None
            self._labels[s].append(-1 if label is None else SIDES.index(label))
        for name, eng in session.engines.items():
            c = self._engines[name]
            counts = eng.reps.counts if eng.reps is not None else {}
            for k, col in c.reps.items():
                col.append(counts.get(k, 0))
            c.up.append(eng.reps is not None and eng.reps.up)
            elapsed = eng.hold.elapsed(f.t) if eng.hold is not None else None
            c.hold.append(NAN if elapsed is None else elapsed)
            c.open.append(sum(1 << i for i, r in enumerate(eng.rules) if r.open))
            role = dict.fromkeys(SIDES, -1)
            if len(f.legs) == 2:
                for name_, k in eng.roles.roles.items():
                    if name_ in c.roles:
                        role[f.legs[k].side] = c.roles.index(name_)
            for s in SIDES:
                c.role[s].append(role[s])
        if self.poses:
            self._add_pose(res, legs)

    def _add_pose(self, res: FrameResult, legs: dict) -> None:  # type: ignore[type-arg]
        pose, f = res.pose, res.features
        if pose is not None:
            self._size = self._size or pose.image_size
            self._xyv.extend(np.column_stack([pose.xy, pose.visibility]).astype(np.float32).ravel().tolist())
        else:
            self._xyv.extend([NAN] * (NUM_LANDMARKS * 3))
        for feature, view, on_leg in self._rule_keys:
            scopes = SIDES if on_leg else ("body",)
            for scope in scopes:
                col = self._rule_values.setdefault((feature, view, scope), array("f"))
                if scope == "body":
                    col.append(f.value(feature, view) if f.has_pose else NAN)
                else:
                    lg = legs.get(scope)
                    col.append(lg.value(feature, view) if lg is not None and lg.known else NAN)

    def range_of_motion(self, view: str = "side") -> dict[str, dict[str, list[float]] | None]:
        """Per side, the hip and knee angles the leg went through (5th to 95th percentile of the frames it
        was seen in, whole degrees); None for a leg seen in too few frames."""
        out: dict[str, dict[str, list[float]] | None] = dict.fromkeys(SIDES)
        if self._session is None:
            return out
        for s in SIDES:
            joints = {}
            for joint in ("hip", "knee"):
                hist = self._hist[s, f"{joint}_u" if view == "front" else joint]
                n = sum(hist)
                if n < ROM_MIN_FRAMES:
                    break
                joints[joint] = [float(_percentile(hist, n, q)) for q in ROM_PERCENTILES]
            else:
                out[s] = joints
        return out

    def finish(self, report: Report) -> None:
        """The session has ended: put the range of motion in ``report``, and keep the chosen variant's trace."""
        if self._session is None:
            return
        variant = self._session.exercise.variant(report.variant)
        report.range_of_motion = self.range_of_motion(variant.view)
        if not self.frames:
            return
        c = self._engines[variant.name]
        front = variant.view == "front"
        n = len(self._t)
        poses = None
        if self.poses:
            poses = _np(self._xyv, np.float32).reshape(n, NUM_LANDMARKS, 3)
        self.result = FrameTrace(
            variant=variant,
            t=_np(self._t, np.float64),
            src_t=_np(self._src_t, np.float64),
            seen=_np(self._seen, np.int8).astype(bool),
            visibility=_np(self._vis, np.float32),
            cut=_np(self._cut, np.int8).astype(bool),
            angles={
                s: {j: _np(self._angles[s, f"{j}_u" if front else j], np.float32) for j in ("hip", "knee")}
                for s in SIDES
            },
            roles={s: [c.roles[k] if k >= 0 else "" for k in c.role[s]] for s in SIDES},
            up=_np(c.up, np.int8).astype(bool),
            reps={k: np.asarray(col, dtype=np.int32) for k, col in c.reps.items()},
            hold_s=_np(c.hold, np.float32),
            faults_open=[" ".join(code for i, code in enumerate(c.rules) if m >> i & 1) for m in c.open],
            labels={s: _np(self._labels[s], np.int8) for s in SIDES},
            poses=poses,
            image_size=self._size,
            rule_values={
                (feature, scope): _np(col, np.float32)
                for (feature, view, scope), col in self._rule_values.items()
                if view == variant.view
            },
        )


def _np(values: array, dtype: type) -> np.ndarray:  # type: ignore[type-arg]
    return np.array(values, dtype=dtype)  # a copy: the recorder's arrays stay growable


def _percentile(hist: list[int], n: int, q: float) -> int:
    """The degree below which a share ``q`` of the counted frames lie."""
    need, acc = q * n, 0
    for deg, count in enumerate(hist):
        acc += count
        if acc >= need:
            return deg
    return len(hist) - 1
