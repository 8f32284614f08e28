"""Turn a `ClipSpec` into a timeline: lead-in rest, per-side blocks of reps or holds with the scripted
faults, optional walk-in and walk-out, and the scene props (the wall for split-stance)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .body import BodyShape, Posture
from .exercises import VARIANTS, Ctx, Variant, side_lying_top
from .mannequin import Box, Outfit, pose_body, world_bounds
from .postures import OTHER, heading, toward_camera, walking, wall_normal
from .spec import ClipSpec, Fault
from .timeline import Step, Timeline

WALK_SPEED = 1.1  # m/s
STRIDE_S = 1.1  # one full gait cycle
HFOV_DEG = 62.0
MOVE_S = 1.5  # getting into or out of a stretch


@dataclass(frozen=True)
class Script:
    timeline: Timeline
    variant: Variant | None  # None: a negative clip (no exercise)
    props: tuple[Box, ...]
    look_at_y: float  # camera aim height


class Builder:
    def __init__(self, spec: ClipSpec, variant: Variant, ctx: Ctx) -> None:
        self.spec, self.v, self.ctx = spec, variant, ctx
        self.steps: list[Step] = []
        self.cache: dict[tuple[str, frozenset], Posture] = {}

    def target(self, side: str, faults: frozenset = frozenset()) -> Posture:
        key = (side, faults)
        if key not in self.cache:
            self.cache[key] = self.v.target(self.ctx, side, faults)
        return self.cache[key]

    def rest(self, side: str) -> Posture:
        return self.v.rest(self.ctx, side)

    def add(
        self,
        duration: float,
        pose: Posture | Callable[[float], Posture],
        phase: str,
        side: str | None = None,
        **kw: object,
    ) -> None:
        self.steps.append(Step(duration, pose, phase, side, **kw))

    # Hold variants --------------------------------------------------------------------------------
    def hold_block(self, side: str, faults: list[Fault], walk_out_after: float | None, hold_s: float) -> None:
        self.add(MOVE_S, self.target(side), "moving", side)
        t = 0.0
        events = sorted(faults, key=lambda f: f.at_s)
        for f in events:
            tag = (f.code, self.v.fault_side(f.code, side))
            if f.at_s > t:
                self._hold_until(side, t, f.at_s, walk_out_after)
            bad = self.target(side, frozenset({f.code}))
            self.add(1.0, bad, "holding", side, hold=side, fault=tag)
            self.add(f.dur_s, bad, "holding", side, hold=side, fault=tag)
            self.add(1.0, self.target(side), "holding", side, hold=side, fault=tag)
            t = f.at_s + f.dur_s + 2.0
        self._hold_until(side, t, hold_s, walk_out_after)
        self.add(MOVE_S, self.rest(side), "moving", side)

    def _hold_until(self, side: str, t0: float, t1: float, walk_out_after: float | None) -> None:
        """Hold the stretch from `t0` to `t1` seconds into the hold, leaving the frame on the way if due."""
        if walk_out_after is not None and t0 < walk_out_after < t1:
            self.add(walk_out_after - t0, self.target(side), "holding", side, hold=side)
            self.walk_out_and_back(side)
            t0 = walk_out_after
        if t1 > t0 and self.spec.rock_deg > 0:
            self._rock(side, t1 - t0)
        elif t1 > t0:
            self.add(t1 - t0, self.target(side), "holding", side, hold=side)

    def _rock(self, side: str, dur: float) -> None:
        """The hips rock forward and back by `rock_deg` every `rock_period_s` while the hold goes on (one
        continuous hold: the person never leaves the stretch)."""
        if self.v.rock is None:
            raise ValueError(f"{self.spec.name}: {self.v.name} has no rocking posture")
        half = 0.5 * self.spec.rock_period_s
        swings = max(int((dur - half) // half), 1)
        edge = 0.5 * (dur - swings * half)
        sign = 1.0
        self.add(edge, self.v.rock(self.ctx, side, self.spec.rock_deg), "holding", side, hold=side, ease="cosine")
        for _ in range(swings):
            sign = -sign
            pose = self.v.rock(self.ctx, side, sign * self.spec.rock_deg)
            self.add(half, pose, "holding", side, hold=side, ease="cosine")
        self.add(edge, self.target(side), "holding", side, hold=side, ease="cosine")

    # Rep variants ---------------------------------------------------------------------------------
    def rep_block(self, side: str, faults: list[Fault], reps: int) -> None:
        v = self.v
        holding = v.hold_target_s is not None or self.spec.top_hold_s is not None
        by_rep = {f.rep: f for f in faults}
        t_up = self.spec.t_up_s or v.t_up
        top_hold_s = self.spec.top_hold_s or v.top_s
        for r in range(reps):
            f = by_rep.get(r)
            code = f.code if f else None
            tag = (code, v.fault_side(code, side)) if code else None
            whole = code in v.whole_rep_faults  # the whole rep is performed badly
            top = self.target(side, frozenset({code}) if whole else frozenset())
            kw = {"fault": tag} if whole else {}
            self.add(t_up, top, "moving", side, **kw)
            top_s = v.short_hold_s if code == "hold_too_short" else top_hold_s
            if holding:
                self.add(
                    top_s,
                    top,
                    "holding",
                    side,
                    hold=side,
                    **({"fault": tag} if code == "hold_too_short" or whole else {}),
                )
            else:
                self.add(top_s, top, "moving", side, breathe=False, **kw)
            if code in ("knee_angle", "other_leg_lifts"):
                bad = self.target(side, frozenset({code}))
                self.add(0.7, bad, "moving", side, fault=tag, breathe=False)
                self.add(1.5, bad, "moving", side, fault=tag, breathe=False)
                self.add(0.7, top, "moving", side, fault=tag, breathe=False)
            if code == "lowering_too_fast":
                self.add(0.3, self.rest(side), "moving", side, fault=tag, ease="linear")
            else:
                self.add(v.t_down, self.rest(side), "moving", side, ease="cosine", **kw)
            self.add(v.rest_s, self.rest(side), "rest")

    # Walking --------------------------------------------------------------------------------------
    def walk(self, x0: float, x1: float, yaw: float) -> None:
        dur = abs(x1 - x0) / WALK_SPEED
        direction = math.copysign(1.0, x1 - x0)

        def gait(t: float, x0: float = x0) -> Posture:
            return walking(yaw, x0 + direction * WALK_SPEED * t, 2 * math.pi * t / STRIDE_S)

        self.add(dur, gait, "walking", breathe=False)

    def walk_out_and_back(self, side: str) -> None:
        spec, ctx = self.spec, self.ctx
        out_dir = 1.0 if spec.facing == "right" else -1.0
        far = ctx.x + out_dir * (_half_width(spec) + 1.0 + 0.5 * 4.0 * WALK_SPEED)
        self.add(1.6, self.rest(side), "moving", side)
        self.add(0.5, replace(self.rest(side), yaw=90.0 * out_dir, head_yaw=0.0), "moving")
        self.walk(ctx.x, far, 90.0 * out_dir)
        self.walk(far, ctx.x, -90.0 * out_dir)
        self.add(0.9, self.rest(side), "moving")
        self.add(MOVE_S, self.target(side), "moving", side)


def _half_width(spec: ClipSpec) -> float:
    """Half the field of view's width at the exercise spot (z = 0)."""
    return spec.camera_distance * math.tan(math.radians(HFOV_DEG) / 2)


def extent(postures: list[Posture], shape: BodyShape) -> tuple[float, float, float, float]:
    """World x and y range of the posed bodies' joints."""
    xs, ys = [], []
    for p in postures:
        body = pose_body(p, shape, Outfit())
        pts = np.stack(list(body.skeleton.joints.values()))
        xs += [pts[:, 0].min(), pts[:, 0].max()]
        ys += [pts[:, 1].min(), pts[:, 1].max()]
    return min(xs), max(xs), min(ys), max(ys)


def _slab(centre: np.ndarray, fwd: np.ndarray, half_side: float, half_height: float, half_fwd: float) -> Box:
    """Upright box standing on the floor, its local z along the horizontal direction `fwd`."""
    up = np.array([0.0, 1.0, 0.0])
    side_axis = np.cross(up, fwd)
    rot = np.stack([side_axis, up, fwd], axis=1)
    centre = np.array([centre[0], half_height, centre[2]])
    return Box(centre, rot, np.array([half_side, half_height, half_fwd]), "scene")


def _wall(posture: Posture, shape: BodyShape, reach: float = 0.5) -> Box:
    """A wall slab whose face is `reach` metres ahead of the shoulders, where the palms rest."""
    sk = pose_body(posture, shape, Outfit()).skeleton
    fwd = wall_normal(sk)
    mid = 0.5 * (sk.joints["shoulder_l"] + sk.joints["shoulder_r"])
    thick = 0.12
    return _slab(mid + (reach + thick / 2) * fwd, fwd, 0.65, 1.2, thick / 2)


def _block(posture: Posture, shape: BodyShape, side: str) -> Box:
    """A yoga block under the supporting hand: at a 40° lean this body's fingertips stop ~20 cm short
    of the floor, as many real people's do."""
    sk = pose_body(posture, shape, Outfit()).skeleton
    tip = sk.joints[f"hand_{side[0]}"]
    height = max(float(tip[1]) - 0.012, 0.02)
    return _slab(tip - 0.04 * sk.frames[f"hand_{side[0]}"][:, 1], wall_normal(sk), 0.075, height / 2, 0.115)


def props_for(variant: Variant, b: Builder, spec: ClipSpec) -> tuple[Box, ...]:
    if variant.name == "split-stance-wall":
        return (_wall(b.target(spec.sides[0]), b.ctx.shape),)
    if variant.name == "hand-supported":
        return tuple(_block(b.target(s), b.ctx.shape, OTHER[s]) for s in dict.fromkeys(spec.sides))
    return ()


def build_exercise(spec: ClipSpec) -> Script:
    """The script of a single-exercise clip (``build.build_script`` picks the builder for any clip)."""
    variant = VARIANTS[(spec.exercise, spec.variant)]
    view = variant.view or spec.view
    _check_filmable(spec, variant, view)
    shape = BodyShape(spec.body_height)
    ctx = _camera_ctx(spec, view, shape)
    dx, y0, y1 = _centring(spec, variant, ctx, shape)
    b = Builder(spec, variant, replace(ctx, x=dx))
    props = props_for(variant, b, spec)
    start = _lead_in(b, spec, dx)
    for i, side in enumerate(spec.sides):
        _side_block(b, spec, variant, i, side)
    return Script(Timeline(start, tuple(b.steps)), variant, props, _look_at(y0, y1))


def _check_filmable(spec: ClipSpec, variant: Variant, view: str) -> None:
    """Refuse specs the variant cannot be filmed as: another view than its own, the wrong top leg when lying
    on the side, or walking in or out of a lying exercise (ValueError naming the clip)."""
    if view != spec.view:
        raise ValueError(f"{spec.name}: {spec.variant} is filmed with view={view!r}")
    if variant.name == "side-lying" and set(spec.sides) != {side_lying_top(spec.facing)}:
        raise ValueError(
            f"{spec.name}: filmed from the front with feet {spec.facing}, the top leg is {side_lying_top(spec.facing)}"
        )
    if variant.lying and (spec.walk_in or spec.walk_out_after_s is not None):
        raise ValueError(f"{spec.name}: lying variants cannot walk in or out")


def _camera_ctx(spec: ClipSpec, view: str, shape: BodyShape) -> Ctx:
    """The posture context at x = 0: the body's heading for the view, and the head turned towards the
    camera (fully side-on, a little at three-quarter, not at all from the front)."""
    head = toward_camera(spec.facing, spec.head_turn) if view == "side" else 0.0
    if view == "three-quarter":
        head = toward_camera(spec.facing, 0.4 * spec.head_turn)
    return Ctx(shape, heading(spec.facing, view) if view != "front" else 0.0, head, opts=spec.pose_opts)


def _centring(spec: ClipSpec, variant: Variant, ctx: Ctx, shape: BodyShape) -> tuple[float, float, float]:
    """The x shift that centres the exercise horizontally in the frame, from the rest and target postures
    (and the props) at x = 0; and the postures' height range, which the camera aim is taken from."""
    probe = Builder(spec, variant, ctx)
    key = [probe.rest(s) for s in spec.sides] + [probe.target(s) for s in spec.sides]
    x0, x1, y0, y1 = extent(key, shape)
    for prop in props_for(variant, probe, spec):
        lo, hi = world_bounds(prop)
        x0, x1 = min(x0, lo[0]), max(x1, hi[0])
    return -0.5 * (x0 + x1), y0, y1


def _lead_in(b: Builder, spec: ClipSpec, dx: float) -> Posture:
    """Script the start: walking in from off-frame (``walk_in``) to the spot, then the lead-in rest; the
    posture the timeline starts from."""
    start = b.rest(spec.sides[0])
    if spec.walk_in:
        enter_from = -1.0 if spec.facing == "right" else 1.0  # from the side their back will be to
        x_start = dx + enter_from * (_half_width(spec) + 0.6 + 2.5 * WALK_SPEED)
        yaw = -90.0 * enter_from
        start = walking(yaw, x_start, 0.0)
        b.walk(x_start, dx, yaw)
        b.add(1.0, b.rest(spec.sides[0]), "moving")
    b.add(spec.lead_in_s, b.rest(spec.sides[0]), "rest")
    return start


def _side_block(b: Builder, spec: ClipSpec, variant: Variant, i: int, side: str) -> None:
    """Script the ``i``-th side block (a hold or a set of reps, with its scripted faults) and the rest after
    it: the gap before the next block, or the tail after the last."""
    faults = [f for f in spec.faults if f.set_index == i]
    for f in faults:
        if f.code not in variant.faults:
            raise ValueError(f"{spec.name}: {f.code} is not a fault of {variant.name}")
    if variant.kind == "hold":
        b.hold_block(side, faults, spec.walk_out_after_s if i == 0 else None, spec.hold_for(i))
    else:
        b.rep_block(side, faults, spec.reps_for(i))
    b.add(spec.block_gap_s if i < len(spec.sides) - 1 else spec.tail_s, b.rest(side), "rest")


def _look_at(y0: float, y1: float) -> float:
    """Aim at half the body's joint span above its lowest joint (about mid-body for any posture), and never
    below 0.25 m."""
    look_at = 0.5 * (y0 + y1) - (y0 if y0 > 0 else 0.0)
    return max(look_at, 0.25)
