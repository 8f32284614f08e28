"""The frame record: what the engine saw and did in each frame, for the HTML report and the frame CSV.

A sink kept only when one of those is asked for. It keeps a compact row per frame (columns of
``array.array``: tens of bytes a frame) for every candidate variant, because the variant is only chosen at the
end; ``trace`` gives the chosen one's. With ``poses`` it keeps the landmarks too (about 400 bytes a frame),
for the faults' still frames. It reads the frames' public state (features, engine states), never an engine.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

import numpy as np

from formcheck.analysis.loop import FrameState, Sink
from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.schema import Exercise, Variant
from formcheck.definitions.vocabulary import SIDES, RuleKind, Side, View
from formcheck.engine.findings import FaultEvent
from formcheck.engine.legs import LegStatus
from formcheck.engine.snapshot import phase_of
from formcheck.engine.state import EngineState
from formcheck.pose.landmarks import LM, NUM_LANDMARKS

_ANGLES = ("hip", "knee", "hip_u", "knee_u")  # signed (side views) and unsigned (front views)
_LEG_JOINTS = [LM.LEFT_HIP, LM.RIGHT_HIP, LM.LEFT_KNEE, LM.RIGHT_KNEE, LM.LEFT_ANKLE, LM.RIGHT_ANKLE]
NAN = math.nan


class _EngineColumns:
    """One candidate variant's state per frame."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.roles = vocab.LEG_ROLES[variant.legs]
        self.rules = [r.code for r in variant.rules]  # in the order of the bits of ``open``
        self.reps = {s: array("H") for s in (*SIDES, Side.BOTH)}
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
        """What the engine was doing in each frame (``snapshot.phase_of``; the record keeps no "in position")."""
        return [phase_of(self.variant, bool(up), float(h)) for up, h in zip(self.up, self.hold_s)]

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
        if rule is not None and rule.kind == RuleKind.RANGE and rule.feature is not None:
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


class FrameRecord(Sink):
    """Fed every analysed frame of a named exercise's session; ``trace`` gives the chosen variant's rows."""

    wants_engines = True

    def __init__(self, exercise: Exercise, poses: bool = False) -> None:
        self.exercise = exercise
        self.poses = poses
        self.restart()

    def restart(self) -> None:
        """A new session (counts reset live): the record starts over with it."""
        self._t, self._src_t = array("d"), array("d")
        self._seen, self._cut, self._vis = array("b"), array("b"), array("f")
        self._angles = {(s, a): array("f") for s in SIDES for a in _ANGLES}
        self._labels = {s: array("b") for s in SIDES}
        self._engines: dict[str, _EngineColumns] = {}
        # The measurements the range rules judge, to find the worst moment of a fault (with the poses only).
        self._rule_keys = sorted(
            {
                (r.feature, v.view, r.leg is not None)
                for v in self.exercise.variants
                for r in v.rules
                if r.kind == RuleKind.RANGE and r.feature is not None
            }
        )
        self._rule_values: dict[tuple[str, str, str], array] = {}  # type: ignore[type-arg]
        self._xyv = array("f")
        self._size: tuple[int, int] | None = None

    def add(self, state: FrameState) -> None:
        f = state.features
        legs = {lg.side: lg for lg in f.legs}
        pose = state.pose if state.counted else None
        self._t.append(f.t)
        self._src_t.append(state.frame.t)
        self._seen.append(f.has_pose)
        self._cut.append(f.cut)
        self._vis.append(float(pose.visibility[_LEG_JOINTS].mean()) if pose is not None else NAN)
        for s in SIDES:
            lg = legs.get(s)
            known = lg is not None and lg.known
            for a in _ANGLES:
                self._angles[s, a].append(lg.values[a] if known else NAN)  # type: ignore[union-attr]
            label = lg.label if lg is not None and lg.status is LegStatus.SEEN else None
            self._labels[s].append(-1 if label is None else SIDES.index(label))
        for es in state.engines:
            self._add_engine(es, f.legs)
        if self.poses:
            self._add_pose(state, legs)

    def _add_engine(self, es: EngineState, legs: tuple) -> None:  # type: ignore[type-arg]
        c = self._engines.get(es.variant)
        if c is None:
            c = self._engines[es.variant] = _EngineColumns(self.exercise.variant(es.variant))
        for k, col in c.reps.items():
            col.append(es.reps.get(k, 0))
        c.up.append(es.rep_up)
        c.hold.append(es.hold_s)
        c.open.append(es.open_rules)
        role = dict.fromkeys(SIDES, -1)
        if len(legs) == 2:
            for name, k in es.roles.items():
                if name in c.roles:
                    role[legs[k].side] = c.roles.index(name)
        for s in SIDES:
            c.role[s].append(role[s])

    def _add_pose(self, state: FrameState, legs: dict) -> None:  # type: ignore[type-arg]
        f = state.features
        pose = state.pose if state.counted else None
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

    def trace(self, variant_name: str) -> FrameTrace:
        """The chosen variant's trace, as numpy arrays."""
        variant = self.exercise.variant(variant_name)
        c = self._engines.get(variant.name) or _EngineColumns(variant)
        front = variant.view == View.FRONT
        n = len(self._t)
        poses = None
        if self.poses:
            poses = _np(self._xyv, np.float32).reshape(n, NUM_LANDMARKS, 3)
        return FrameTrace(
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
    return np.array(values, dtype=dtype)  # a copy: the record's arrays stay growable
