"""Routines: a whole workout filmed in one take. A routine is an ordered list of steps, each an exercise
block (`Exercise`: a variant, its side(s), reps or hold durations, exactly as a single clip scripts them)
or a transition (`Transition`: resting standing or lying, walking in, out, or out and back, lying down,
getting up). It is rendered as one continuous clip: the same person, room and fixed camera, no cuts.

A routine is a `ClipSpec` with `routine` set (and `exercise`/`variant` None); the spec's filming fields
(person, outfit, room, camera, fps, facing, seed) apply to the whole take. The truth adds `routine: true`,
`segment_rule` and `segments` (one per exercise block, see `SEGMENT_RULE`) to the per-clip fields, and
`routine_steps` (every step's span in the script).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .body import BodyShape, Posture
from .exercises import VARIANTS
from .exercises_more import FLAT_HIP, FLAT_KNEE
from .postures import heading, standing, supine, toward_camera, walking
from .postures_floor import supine_legs
from .postures_standing import anchor
from .postures_transition import crouch, floor_sit, planted
from .script import HFOV_DEG, STRIDE_S, WALK_SPEED, Builder, Script, extent, props_for
from .spec import REST_KINDS, ClipSpec, Exercise, RoutineStep, Transition
from .timeline import Step, Timeline
from .truth import TruthSeries, both_hips, count_reps, fault_intervals, intervals
from .variant import Ctx, Variant

SEGMENT_RULE = (
    "One segment per exercise block. It starts at the first frame of the block's first scripted movement: "
    "the first rep leaving the variant's rest posture, or the body starting to move from that rest posture "
    "into the hold position (kneeling down into a kneeling stretch, bending into a toe reach, pulling the "
    "knee in). It ends at the first frame after the block's last movement is over: the last rep back in "
    "the rest posture, or the body back in the rest posture after releasing the last hold. Side blocks of "
    "one exercise (right, then left) and the rest between them are one segment. Settling into the "
    "variant's rest posture before the first movement and the rest after the last one are outside it; "
    "everything outside segments is rest or transition. start_s/end_s are frame times (frame index / fps). "
    "Inside a segment, reps, holds and faults follow the per-clip rules (holds start when the body arrives "
    "in the stretch and end when it starts to leave)."
)

# Pace of the moves between exercises (seconds).
SETTLE_S = 1.2  # easing into a variant's rest posture from another one (legs drawn up, arms placed)
DOWN_S = (1.4, 1.4, 1.6)  # standing -> squat -> floor sit -> lying back
UP_S = (1.6, 1.4, 1.4)  # lying -> floor sit -> squat -> standing


def _same(a: Posture, b: Posture) -> bool:
    return all(abs(getattr(a, f) - getattr(b, f)) < 1e-3 for f in a.__dataclass_fields__)


@dataclass(frozen=True)
class Block:
    """An exercise block as scripted: its step, the per-block spec and variant, and the timeline indices
    of its first and last movement steps (the segment)."""

    exercise: Exercise
    spec: ClipSpec
    variant: Variant
    first_move: int
    last_move: int


@dataclass(frozen=True)
class Part:
    """A routine step's span of timeline steps [first, end)."""

    step: RoutineStep
    first: int
    end: int


@dataclass(frozen=True)
class RoutineScript(Script):
    blocks: tuple[Block, ...] = ()
    parts: tuple[Part, ...] = ()


class _BlockBuilder(Builder):
    """The single-clip builder, its rest postures solved once per side (a routine asks for them often)."""

    def __init__(self, spec: ClipSpec, variant: Variant, ctx: Ctx) -> None:
        super().__init__(spec, variant, ctx)
        self.rests: dict[str, Posture] = {}

    def rest(self, side: str) -> Posture:
        if side not in self.rests:
            self.rests[side] = super().rest(side)
        return self.rests[side]


class _Take:
    """Builds the one timeline of a routine, keeping track of the posture the person is in."""

    def __init__(self, spec: ClipSpec, x: float) -> None:
        self.spec = spec
        self.shape = BodyShape(spec.body_height)
        self.yaw = heading(spec.facing, spec.view)
        self.head = toward_camera(spec.facing, spec.head_turn) if spec.view == "side" else 0.0
        self.x_lie = x
        self.lie = supine(self.yaw, self.shape, head_yaw=self.head, x=x)  # the supine variants' rest
        flat = {"left": FLAT_HIP, "right": FLAT_HIP}, {"left": FLAT_KNEE, "right": FLAT_KNEE}
        self.flat = supine_legs(self.yaw, self.shape, hip_flex=flat[0], knee_flex=flat[1], head_yaw=self.head, x=x)
        lies = any(
            (isinstance(s, Exercise) and VARIANTS[(s.exercise, s.variant)].lying)
            or (isinstance(s, Transition) and s.kind in ("lie-down", "rest-lying", "rest-lying-flat"))
            for s in spec.routine
        )
        # Standing where lying down puts the feet (heels where the supine rest has them).
        self.stand = standing(self.yaw, self.head, x)
        if lies:
            self.stand = anchor(self.stand, self.shape, "heel_l", self.lie)
        self.steps: list[Step] = []
        self.start: Posture | None = None
        self.current: Posture | None = None
        self.blocks: list[Block] = []
        self.parts: list[Part] = []
        self.props: list = []

    # plumbing --------------------------------------------------------------------------------------
    def add(self, step: Step) -> None:
        self.steps.append(step)
        self.current = step.pose(step.duration) if callable(step.pose) else step.pose

    def settle(self, pose: Posture, seconds: float = SETTLE_S) -> None:
        """Ease into `pose` (a transition) unless the person is already in it; the first posture of the
        routine is where the take starts."""
        if self.current is None:
            self.start = self.current = pose
        elif not _same(self.current, pose):
            self.add(Step(seconds, pose, "moving"))

    def half_width(self) -> float:
        """Half the field of view's width at the exercise line (z = 0), from the camera's axis (x = 0)."""
        return self.spec.camera_distance * math.tan(math.radians(self.spec.hfov_deg or HFOV_DEG) / 2)

    def walk(self, x0: float, x1: float, yaw: float) -> None:
        d = math.copysign(1.0, x1 - x0)

        def gait(t: float, x0: float = x0) -> Posture:
            return walking(yaw, x0 + d * WALK_SPEED * t, 2 * math.pi * t / STRIDE_S)

        self.add(Step(abs(x1 - x0) / WALK_SPEED, gait, "walking", breathe=False))

    def moves(self, keys: list[Posture], durations: tuple[float, ...], ref: Posture) -> None:
        """Through `keys` (from the current posture), the feet planted where they are in `ref`."""
        prev = self.current
        assert prev is not None
        for key, dur in zip(keys, durations):
            self.add(Step(dur, self._blend(prev, key, dur, ref), "moving", breathe=False))
            prev = key

    def _blend(self, a: Posture, b: Posture, dur: float, ref: Posture) -> Callable[[float], Posture]:
        at = planted(a, b, self.shape, ref)
        return lambda t: at(t / dur)

    # routine steps ---------------------------------------------------------------------------------
    def run(self, step: RoutineStep) -> None:
        first = len(self.steps)
        if isinstance(step, Exercise):
            self.exercise(step)
        else:
            self.transition(step)
        self.parts.append(Part(step, first, len(self.steps)))

    def transition(self, tr: Transition) -> None:
        spec, kind = self.spec, tr.kind
        direction = 1.0 if spec.facing == "right" else -1.0  # the way the toes point
        if kind in REST_KINDS:
            pose = {"rest-standing": self.stand, "rest-lying": self.lie, "rest-lying-flat": self.flat}[kind]
            self.settle(pose)
            self.add(Step(float(tr.seconds or 0.0), pose, "rest"))
        elif kind == "walk-in":
            if self.current is not None:
                raise ValueError(f"{spec.name}: walk-in must be the first step")
            x0 = -direction * (self.half_width() + 0.9 + (tr.seconds or 1.5) * WALK_SPEED)
            self.start = self.current = walking(self.yaw, x0, 0.0)
            self.walk(x0, self.stand.root_x, self.yaw)
            self.add(Step(1.0, self.stand, "moving"))
        elif kind == "walk-out":
            self._upright(kind)
            self.add(Step(0.6, replace(self.stand, head_yaw=0.0), "moving"))
            out = direction * (self.half_width() + 0.9)
            self.walk(self.stand.root_x, out, self.yaw)
            self.add(Step(tr.seconds or 1.0, standing(self.yaw, 0.0, out), "rest"))
        elif kind == "walk-out-and-back":
            self._upright(kind)
            out = direction * (self.half_width() + 0.9 + 0.5 * (tr.seconds or 3.0) * WALK_SPEED)
            self.add(Step(0.6, replace(self.stand, head_yaw=0.0), "moving"))
            self.walk(self.stand.root_x, out, self.yaw)
            self.walk(out, self.stand.root_x, -self.yaw)
            self.add(Step(0.9, self.stand, "moving"))
        elif kind == "lie-down":
            self._upright(kind)
            self.settle(self.stand)
            scale = (tr.seconds or sum(DOWN_S)) / sum(DOWN_S)
            keys = [
                crouch(self.yaw, self.shape, head_yaw=self.head, x=self.stand.root_x),
                floor_sit(self.yaw, self.shape, head_yaw=self.head, x=self.x_lie),
                self.lie,
            ]
            self.moves(keys, tuple(scale * d for d in DOWN_S), self.lie)
        elif kind == "get-up":
            if self.current is None or abs(self.current.pitch) < 45.0:
                raise ValueError(f"{spec.name}: get-up needs the person lying down")
            self.settle(self.lie)
            scale = (tr.seconds or sum(UP_S)) / sum(UP_S)
            keys = [
                floor_sit(self.yaw, self.shape, head_yaw=self.head, x=self.x_lie),
                crouch(self.yaw, self.shape, head_yaw=self.head, x=self.stand.root_x),
                self.stand,
            ]
            self.moves(keys, tuple(scale * d for d in UP_S), self.lie)

    def _upright(self, kind: str) -> None:
        if self.current is not None and abs(self.current.pitch) > 45.0:
            raise ValueError(f"{self.spec.name}: {kind} needs the person standing (get up first)")

    def exercise(self, ex: Exercise) -> None:
        spec = self.spec
        variant = VARIANTS[(ex.exercise, ex.variant)]
        if (variant.view or spec.view) != spec.view:
            raise ValueError(f"{spec.name}: {ex.variant} is filmed with view={variant.view!r}")
        if variant.view == "front" or not ex.sides:
            raise ValueError(f"{spec.name}: {ex.variant} cannot be part of a side-view routine")
        for f in ex.faults:
            if f.code not in variant.faults:
                raise ValueError(f"{spec.name}: {f.code} is not a fault of {variant.name}")
        x = self.x_lie if variant.lying else self.stand.root_x
        ctx = Ctx(self.shape, self.yaw, self.head, x=x, opts=ex.pose_opts)
        bspec = replace(
            spec,
            name=f"{spec.name}#{len(self.blocks)}",
            exercise=ex.exercise,
            variant=ex.variant,
            sides=ex.sides,
            reps=ex.reps,
            hold_s=ex.hold_s,
            block_reps=ex.block_reps,
            holds_s=ex.holds_s,
            block_gap_s=ex.gap_s,
            t_up_s=ex.t_up_s,
            pose_opts=ex.pose_opts,
            faults=ex.faults,
            walk_in=False,
            walk_out_after_s=None,
            routine=(),
        )
        b = _BlockBuilder(bspec, variant, ctx)
        self.props += list(props_for(variant, b, bspec))
        self.settle(b.rest(ex.sides[0]))
        first = len(self.steps)
        b.steps = self.steps  # the block's steps go straight into the take
        for i, side in enumerate(ex.sides):
            faults = [f for f in ex.faults if f.set_index == i]
            if variant.kind == "hold":
                b.hold_block(side, faults, None, bspec.hold_for(i))
            else:
                b.rep_block(side, faults, bspec.reps_for(i))
            if i < len(ex.sides) - 1:
                b.add(ex.gap_s, b.rest(side), "rest")
        moving = [k for k in range(first, len(self.steps)) if self.steps[k].phase != "rest"]
        self.current = b.rest(ex.sides[-1])
        self.blocks.append(Block(ex, bspec, variant, moving[0], moving[-1]))


def _take(spec: ClipSpec, x: float) -> _Take:
    take = _Take(spec, x)
    for step in spec.routine:
        take.run(step)
    if not take.steps or take.start is None:
        raise ValueError(f"{spec.name}: a routine needs at least one step with a duration")
    return take


def build_routine(spec: ClipSpec) -> RoutineScript:
    """The routine's one timeline, placed so every posture it passes through (walks aside) is centred in
    the frame; the camera aims at the middle of the tallest of them."""
    if spec.exercise is not None or spec.variant is not None or spec.sides:
        raise ValueError(f"{spec.name}: a routine names its exercises in its steps (exercise/variant/sides unset)")
    probe = _take(spec, 0.0)
    shape = BodyShape(spec.body_height)
    walks = {
        k
        for part in probe.parts
        if isinstance(part.step, Transition) and part.step.kind.startswith("walk")
        for k in range(part.first, part.end)
    }
    keys: list[Posture] = []
    for k, st in enumerate(probe.steps):
        if k in walks:  # partly outside the frame by design
            continue
        if callable(st.pose):
            keys += [st.pose(st.duration * f) for f in (0.0, 0.5, 1.0)]
        else:
            keys.append(st.pose)
    x0, x1, y0, y1 = extent(keys, shape)
    take = _take(spec, -0.5 * (x0 + x1))
    assert take.start is not None
    look_at = 0.5 * (y0 + y1) - (y0 if y0 > 0 else 0.0)
    return RoutineScript(
        Timeline(take.start, tuple(take.steps)),
        None,
        tuple(take.props),
        max(look_at, 0.25),
        tuple(take.blocks),
        tuple(take.parts),
    )


# Truth ---------------------------------------------------------------------------------------------
def _segment(block: Block, idx: np.ndarray, truth: TruthSeries, steps: list[Step]) -> dict:
    """One segment's truth: `idx` holds every frame's timeline step index (-1 for none)."""
    v, spec, fps = block.variant, block.spec, truth.fps
    inside = np.flatnonzero((idx >= block.first_move) & (idx <= block.last_move))
    i0, i1 = int(inside[0]), int(inside[-1]) + 1
    hold_tags = [s.hold if i0 <= i < i1 else None for i, s in enumerate(steps)]
    fault_tags = [s.fault if i0 <= i < i1 else None for i, s in enumerate(steps)]
    holds = []
    for side, t0, t1 in intervals(hold_tags, fps):
        dur = round(t1 - t0, 3)
        holds.append(
            {
                "side": side,
                "start_s": round(t0, 3),
                "end_s": round(t1, 3),
                "duration_s": dur,
                "completed": v.hold_target_s is not None and dur >= v.hold_target_s,
            }
        )
    thresholds = {"rep_low": v.rep_low, "rep_high": v.rep_high, "rep_direction": v.rep_direction}
    reps: dict[str, int] = {"left": 0, "right": 0}
    if v.kind == "reps":
        for side in dict.fromkeys(spec.sides):
            signal = both_hips(truth) if side == "both" else np.asarray(truth.hip[side], float)
            reps[side] = count_reps(list(signal[i0:i1]), v.rep_low, v.rep_high, v.rep_direction)
            scripted = spec.scripted_reps(side)
            if reps[side] != scripted:
                raise ValueError(f"{spec.name}: truth counts {reps[side]} {side} reps, script has {scripted}")
    sides = set(spec.sides)
    return {
        "exercise": spec.exercise,
        "variant": spec.variant,
        "side": sides.pop() if len(sides) == 1 else "both",
        "start_s": round(i0 / fps, 3),
        "end_s": round(i1 / fps, 3),
        "reps": reps,
        "holds": holds,
        "faults": fault_intervals(truth, fault_tags, thresholds),
        "hold_target_s": v.hold_target_s,
        "rep_thresholds": (
            {"low": v.rep_low, "high": v.rep_high, "direction": v.rep_direction} if v.kind == "reps" else None
        ),
    }


def _step_label(step: RoutineStep) -> dict:
    if isinstance(step, Exercise):
        return {"step": "exercise", "exercise": step.exercise, "variant": step.variant, "sides": list(step.sides)}
    return {"step": step.kind}


def routine_fields(out: dict, spec: ClipSpec, script: RoutineScript, truth: TruthSeries, steps: list[Step]) -> dict:
    """The sidecar of a routine: the per-clip fields that make sense for a whole take (totals of reps,
    every hold and fault), plus `routine`, `segment_rule`, `segments` and `routine_steps`."""
    index = {id(s): k for k, s in enumerate(script.timeline.steps)}
    idx = np.array([index.get(id(s), -1) for s in steps])
    segments = [_segment(b, idx, truth, steps) for b in script.blocks]
    starts = [*script.timeline.step_starts(), script.timeline.duration]
    reps: dict[str, int] = {"left": 0, "right": 0}
    for seg in segments:
        for side, n in seg["reps"].items():
            reps[side] = reps.get(side, 0) + n
    extra = {
        "reps": reps,
        "holds": [h for seg in segments for h in seg["holds"]],
        "faults": [f for seg in segments for f in seg["faults"]],
        "negative": False,
        "routine": True,
        "segment_rule": SEGMENT_RULE,
        "segments": segments,
        "routine_steps": [
            {
                **_step_label(p.step),
                "start_s": round(starts[p.first], 3),
                "end_s": round(starts[p.end], 3),
            }
            for p in script.parts
        ],
    }
    merged = {k: v for k, v in out.items() if k != "frames_truth"}
    merged.update(extra)
    merged["frames_truth"] = out["frames_truth"]
    return merged
