"""One exercise variant, frame by frame: the parts a definition composes.

``RepTracker`` (reps.py), ``HoldTracker`` (holds.py) and the form rules (rules.py, by kind) do the work;
this module gives the legs their roles (working/support, front/back), decides whether the body is in the
target position, and hands the presenter what to show. Everything exercise-specific comes from the
``Variant`` definition (``poses/*.toml``). Legs arrive with their identity settled (legs.py): nothing
here repairs it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.schema import Variant
from formcheck.definitions.vocabulary import SIDES, During, LegMode, Role, Side, View
from formcheck.engine.features import BodyFeatures, LegFeatures, leg_key
from formcheck.engine.findings import FaultEvent, Fit, HoldEvent, RepEvent, VariantResult, overlap_s
from formcheck.engine.holds import HoldTracker
from formcheck.engine.reps import FRONTAL, RepTracker
from formcheck.engine.rules import FrameContext, RuleCheck, make_rule
from formcheck.engine.snapshot import GaugeTable, Snapshot, present

SETTLE_DPS = 25.0  # a hold starts/ends where the joints move slower than this (deg/s)
ROLE_SWITCH_S = 0.5  # a stance must fit the other way round this long before front/back swap


def leg_ranges(v: Variant) -> tuple[tuple[str, tuple[tuple[str, float, float], ...]], ...]:
    """The target position's leg ranges: (role, ((key, lo, hi), ...)), each feature by the key it is read from
    in the variant's view (``features.leg_key``)."""
    return tuple(
        (role, tuple((leg_key(n, v.view), lo, hi) for n, (lo, hi) in feats.items()))
        for role, feats in v.target.legs.items()
    )


@dataclass
class RoleAssigner:
    """Which tracked leg plays which role. With reps of one leg, the working leg is the one doing the rep;
    otherwise the assignment that fits the target position best, kept until the other one has fitted
    better for a moment (a stance does not flip on one noisy frame)."""

    variant: Variant
    roles: dict[str, int] = field(default_factory=dict)
    _alt_since: float = math.nan

    def __post_init__(self) -> None:
        self._fixed = self.variant.legs == LegMode.BOTH  # both legs do the same: no roles to give
        self._per_side = self.variant.per_side_reps
        self._ranges = leg_ranges(self.variant)

    def update(self, t: float, legs: tuple[LegFeatures, ...] | None, rep_leg: int | None) -> None:
        v = self.variant
        if self._fixed:
            return
        if self._per_side:
            if rep_leg is not None:
                self.roles = {Role.WORKING: rep_leg, Role.SUPPORT: 1 - rep_leg}
            return
        if legs is None or not all(lg.known for lg in legs):
            return  # a leg out of sight fits nothing: the roles wait until both are seen
        first, second = vocab.LEG_ROLES[v.legs]
        cur = self.roles.get(first)
        fits = [self._fit({first: k, second: 1 - k}, legs) for k in (0, 1)]
        best = 0 if fits[0] >= fits[1] else 1
        if cur is None:
            if max(fits) > 0:
                self.roles = {first: best, second: 1 - best}
            return
        if best != cur and fits[best] > fits[cur]:
            if math.isnan(self._alt_since):
                self._alt_since = t
            if t - self._alt_since >= ROLE_SWITCH_S:
                self.roles = {first: best, second: 1 - best}
                self._alt_since = math.nan
        else:
            self._alt_since = math.nan

    def _fit(self, roles: dict[str, int], legs: tuple[LegFeatures, ...]) -> float:
        score = 0.0
        for role, ranges in self._ranges:
            values = legs[roles[role]].values
            for key, lo, hi in ranges:
                x = values[key]
                score += 1.0 if lo <= x <= hi else (0.25 if x != x else 0.0)  # (x != x: NaN, unknown)
        return score


class VariantEngine:
    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        v = variant
        self.reps = (
            RepTracker(v.reps, v.per_side_reps, v.max_rep_up_s, v.view, v.orientation) if v.reps is not None else None
        )
        self.hold = (
            HoldTracker(v.hold, at_top=v.reps is not None, one_leg=v.legs == LegMode.LIFT)
            if v.hold is not None
            else None
        )
        self.roles = RoleAssigner(v)
        self.rules: list[RuleCheck] = [make_rule(r, v.reps.signal if v.reps else None) for r in v.rules]
        self._prev_t = math.nan
        self._orientation_s = 0.0
        # The target position, looked up once here rather than by every engine every frame.
        self._body_ranges = tuple((n, lo, hi) for n, (lo, hi) in v.target.body.items())
        self._leg_ranges = leg_ranges(v)
        self._gauges = GaugeTable(v)

    def update(self, f: BodyFeatures, show: bool = True) -> Snapshot | None:
        """One frame. ``show``: build the snapshot a display needs (only the variant on screen does)."""
        dt = self._tick(f)
        legs = f.legs if f.has_pose and len(f.legs) == 2 else None
        reps = self.reps
        rep, was_up, rep_up, rep_leg = None, False, False, None
        if reps is not None:
            was_up = reps.up
            rep = reps.update(f, legs)
            rep_up, rep_leg = reps.up, reps.working
        self.roles.update(f.t, legs, rep_leg if rep_up else None)
        in_pos = self._in_position(f, legs) if legs is not None else None
        hold_ev = self._step_hold(f, legs, rep, was_up and not rep_up, rep_up, in_pos)
        holding = self.hold is not None and self.hold.holding
        self._judge(self._context(f, dt, legs, rep_up, rep_leg, holding), rep, hold_ev)
        return self._snapshot(f, legs, rep_up, rep_leg, holding, in_pos) if show else None

    @property
    def idle(self) -> bool:
        """Nothing under way: no rep, no hold, no fault open or starting."""
        return (
            (self.reps is None or self.reps.idle)
            and (self.hold is None or self.hold.idle)
            and all(r.idle for r in self.rules)
        )

    def skip(self, f: BodyFeatures) -> None:
        """A frame this engine is not fed (the body in a posture it cannot count): only its clock moves on."""
        self._tick(f)

    def _tick(self, f: BodyFeatures) -> float:
        """The time since the last frame (capped: a gap is not time spent in any posture)."""
        dt = 0.0 if math.isnan(self._prev_t) else min(max(f.t - self._prev_t, 0.0), 0.5)
        self._prev_t = f.t
        if f.orientation == self.variant.orientation:
            self._orientation_s += dt
        return dt

    def _step_hold(
        self,
        f: BodyFeatures,
        legs: tuple[LegFeatures, ...] | None,
        rep: RepEvent | None,
        came_down: bool,
        rep_up: bool,
        in_pos: bool | None,
    ) -> HoldEvent | None:
        """The hold this frame; a top hold ends with its rep (returned with it)."""
        hold = self.hold
        if hold is None:
            return None
        ev = None
        if rep is not None:
            ev = hold.end_rep(rep.side)
        elif came_down and hold.at_top:
            # A cycle not counted (not a rep of this variant): its top hold goes with it, or it would be
            # reported with the next rep (and time the stretch between them as held).
            hold.interrupt()
        if not hold.at_top or rep_up:  # a top hold is only timed during a rep
            orient_ok = None if f.orientation is None else f.orientation == self.variant.orientation
            hold.update(f.t, in_pos, self._settled(legs), self._held_side(legs), orient_ok)
        return ev

    def _context(
        self,
        f: BodyFeatures,
        dt: float,
        legs: tuple[LegFeatures, ...] | None,
        rep_up: bool,
        rep_leg: int | None,
        holding: bool,
    ) -> FrameContext:
        v = self.variant
        return FrameContext(
            t=f.t,
            dt=dt,
            features=f,
            legs=legs,
            roles=self.roles.roles,
            rep_up=rep_up,
            rep_leg=rep_leg,
            since_rep_end_s=f.t - self.reps.last_end_s if self.reps is not None else math.inf,
            holding=holding,
            oblique=v.view == View.SIDE and f.value("obliqueness") > 1.0,
            view=v.view,
        )

    def _judge(self, ctx: FrameContext, rep: RepEvent | None, hold_ev: HoldEvent | None) -> None:
        for rule in self.rules:
            if rep is not None:
                rule.on_rep(rep, hold_ev)
            rule.update(ctx)

    def _snapshot(
        self,
        f: BodyFeatures,
        legs: tuple[LegFeatures, ...] | None,
        rep_up: bool,
        rep_leg: int | None,
        holding: bool,
        in_pos: bool | None,
    ) -> Snapshot:
        v = self.variant
        side = None
        if legs is not None:
            k = rep_leg if rep_up else (self.roles.roles.get(v.hold_role or "") if holding else None)
            side = legs[k].side if k is not None else None
        return present(
            v,
            self.reps.counts if self.reps is not None else dict.fromkeys(SIDES, 0),
            rep_up,
            self.hold.elapsed(f.t) if self.hold is not None else None,
            in_pos,
            side,
            [r.rule.message for r in self.rules if r.open],
            self._gauges.read(f, legs, self.roles.roles),
        )

    def _held_side(self, legs: tuple[LegFeatures, ...] | None) -> str | None:
        """The side of the leg the hold is reported for, this frame."""
        role = self.variant.hold_role
        if role is None:
            return Side.BOTH
        k = self.roles.roles.get(role)
        return legs[k].side if legs is not None and k is not None else None

    def _in_position(self, f: BodyFeatures, legs: tuple[LegFeatures, ...]) -> bool | None:
        """Three-valued: False if any measurement is out of its range, else None if any is unknown."""
        view = self.variant.view
        if view == View.SIDE and f.value("facing_camera") > FRONTAL:
            return None  # facing the camera: a side-view position cannot be judged
        verdict: bool | None = True
        for name, lo, hi in self._body_ranges:
            x = f.value(name, view)
            if not lo <= x <= hi:
                verdict = None if (x != x and verdict is not False) else False  # (x != x: NaN, unknown)
        if self.variant.legs == LegMode.BOTH:
            # Legs side by side often show as one (the hidden one collapsed): judge the legs that are seen.
            seen = [lg.values for lg in legs if lg.known]
            if not seen:
                return None
            checks = [(values, ranges) for _, ranges in self._leg_ranges for values in seen]
        else:
            roles = self.roles.roles
            checks = []
            for role, ranges in self._leg_ranges:
                k = roles.get(role)
                if k is None:
                    return False
                checks.append((legs[k].values, ranges))
        for values, ranges in checks:
            for key, lo, hi in ranges:
                x = values[key]
                if not lo <= x <= hi:
                    if x == x:
                        return False
                    verdict = verdict and None
        return verdict

    def _settled(self, legs: tuple[LegFeatures, ...] | None) -> bool:
        if legs is None:
            return False
        tracks = set(self.roles.roles.values()) or {0, 1}
        return all(
            abs(legs[k].hip_speed) < SETTLE_DPS and abs(legs[k].knee_speed) < SETTLE_DPS
            for k in tracks
            if legs[k].known
        )

    def interrupt(self, end_hold: bool = True) -> None:
        """A break in the session: a rep in progress is dropped (its end is not seen), open faults end where
        they were last seen, and the legs get their roles afresh. A hold ends too if ``end_hold`` (switching
        sides); at a cut it goes on if the person is still in position when the picture comes back."""
        if self.reps is not None:
            self.reps.reset()
        if self.hold is not None:
            self.hold.interrupt(end_hold)
        for rule in self.rules:
            rule.interrupt()
        self.roles = RoleAssigner(self.variant)

    def evidence(self, t: float) -> tuple[int, int, bool]:
        """Changes whenever the reps counted or the holds timed do (cheap: read every frame)."""
        running = self.hold is not None and self.hold.running(t) is not None
        return (
            len(self.reps.events) if self.reps is not None else 0,
            len(self.hold.events) if self.hold is not None else 0,
            running,
        )

    def so_far(self, t: float, under_way: bool = True) -> VariantResult:
        """The findings up to ``t`` without closing anything (a routine recognised while it is done): a hold
        under way counts as far as it has gone (``under_way``: a rep held at the top too); faults still open
        are left out."""
        rep_events = list(self.reps.events) if self.reps is not None else []
        holds = list(self.hold.events) if self.hold is not None else []
        running = self.hold.running(t) if self.hold is not None else None
        if running is not None and self.reps is None:
            holds.append(running)
        elif running is not None and self.reps is not None and under_way:
            # a rep held at the top past the hold's minimum (a 10 s lift hold) is evidence before it ends, if
            # it would count as it stands
            rep = self.reps.under_way(t)
            if rep is not None:
                rep_events.append(rep)
        return self._result(rep_events, holds, self._faults(self.rules, rep_events), [])

    def finish(self) -> VariantResult:
        """Close what is still open at the end of the session and return the findings."""
        notes: list[str] = []
        if self.hold is not None:
            self.hold.finish()
            if (whole := self.hold.whole_video) is not None:
                notes.append(
                    f"the {whole.side} hold lasts the whole video ({whole.duration_s:.1f} s): the video shows neither "
                    "its start nor its end, so the person may have held it longer"
                )
        for rule in self.rules:
            rule.finish()
            notes += rule.notes()
        rep_events = list(self.reps.events) if self.reps is not None else []
        faults = self._faults(self.rules, rep_events)
        holds = sorted(self.hold.events, key=lambda e: e.start_s) if self.hold is not None else []
        faults.sort(key=lambda e: (e.start_s, e.code))
        return self._result(rep_events, holds, faults, notes)

    @staticmethod
    def _faults(rules: list[RuleCheck], reps: list[RepEvent]) -> list[FaultEvent]:
        """The rules' faults; one judged during a rep's up phase only where that phase was counted as a rep (a
        movement this variant does not count, such as bending down to pick something up after the set, is not
        a faulty rep of it)."""
        out = []
        for rule in rules:
            for f in rule.faults:
                if rule.rule.during != During.UP or any(
                    f.start_s <= r.end_s + 1e-6 and f.end_s >= r.start_s - 1e-6 for r in reps
                ):
                    out.append(f)
        return out

    def _result(
        self, rep_events: list[RepEvent], holds: list[HoldEvent], faults: list[FaultEvent], notes: list[str]
    ) -> VariantResult:
        """The findings, with how well they explain the session (``Fit``)."""
        reps = self.reps
        if reps is not None:
            spans = [(e.start_s, e.end_s) for e in rep_events]
        else:
            spans = [(h.start_s, h.end_s) for h in holds]
        rejected = (list(reps.rejected) if reps is not None else []) + (list(self.hold.rejected) if self.hold else [])
        fit = Fit(
            orientation_s=round(self._orientation_s, 2),
            explained_s=round(sum(b - a for a, b in spans), 2),
            fault_s=round(sum(overlap_s((f.start_s, f.end_s), span) for f in faults for span in spans), 2),
            counted=len(spans),
            rejected=len(rejected),
        )
        return VariantResult(
            variant=self.variant.name,
            reps=dict(reps.counts) if reps is not None else dict.fromkeys(SIDES, 0),
            rep_events=rep_events,
            holds=holds,
            faults=faults,
            notes=notes,
            fit=fit,
            rejected=rejected,
        )
