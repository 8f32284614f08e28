"""The rep / hold / form engine for one exercise variant, driven by ``BodyFeatures`` frame by frame.

Everything exercise-specific comes from the ``Variant`` definition (``poses/*.toml``); this module only
knows generic mechanics: leg roles, per-leg rep counters, hold timers, form rules as fault intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .exercises import Rule, Variant
from .features import BodyFeatures, LegFeatures, body_value, leg_value
from .machines import Hold, HoldState, HoldTimer, IntervalTracker, RepCounter, RepState, TransitionWatch

SETTLE_DPS = 25.0  # a hold starts/ends where the joints move slower than this (deg/s)
ROLE_SWITCH_S = 0.5  # a stance must fit the other way round this long before front/back swap
MERGE_S = 0.3  # a lowered leg unseen this long beside the resting leg has come down
# Shoulders and hips this far apart in the image (torso lengths) mean the camera is well off side-on
# (about 25 degrees or more): angles in the body's plane of movement are then foreshortened.
OBLIQUE_STACKED = 0.25


@dataclass(frozen=True)
class RepEvent:
    side: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class HoldEvent:
    side: str
    start_s: float
    end_s: float
    duration_s: float
    completed: bool


@dataclass(frozen=True)
class FaultEvent:
    code: str
    side: str | None
    start_s: float
    end_s: float
    message: str


@dataclass
class Snapshot:
    """What the engine has to show for the current frame (overlay, live view)."""

    variant: str
    reps: dict[str, int]
    phase: str
    working_side: str | None
    hold_elapsed_s: float | None
    hold_target_s: float | None
    alerts: list[str]  # cues of the form faults open right now
    hint: str | None  # what to do next in this phase, when there is no fault to fix
    in_position: bool | None
    reps_target: tuple[int, int] | None = None


@dataclass
class _Episode:
    """Label votes gathered while one track does one rep or hold: decides the side it is reported on."""

    vote: float = 0.0

    def side(self, fallback: str) -> str:
        if self.vote > 0:
            return "left"
        if self.vote < 0:
            return "right"
        return fallback


def _in_range(value: float, rng: tuple[float, float]) -> bool | None:
    if math.isnan(value):
        return None
    return rng[0] <= value <= rng[1]


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


@dataclass
class VariantEngine:
    variant: Variant
    reps: dict[str, int] = field(default_factory=lambda: {"left": 0, "right": 0})
    rep_events: list[RepEvent] = field(default_factory=list)
    holds: list[HoldEvent] = field(default_factory=list)
    faults: list[FaultEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        v = self.variant
        self.skipped_s: dict[str, float] = {}  # side-view-only rules not judged, seconds per rule code
        self._prev_t = math.nan
        self.counters = [RepCounter(v.reps.enter_below, v.reps.exit_above) for _ in (0, 1)] if v.reps else []
        self._rep_votes = [_Episode(), _Episode()]
        self.hold = HoldTimer(min_hold_s=v.min_hold_s) if v.mode == "hold" else None
        top = v.reps.hold_target_s if v.reps else None
        self.top_holds = [HoldTimer(min_hold_s=0.5) for _ in (0, 1)] if top else []
        self._top_done: list[HoldEvent | None] = [None, None]
        self._hold_track: int | None = None
        self._episode_track: int | None = None  # the leg of the current or last hold (for fault sides)
        self._hold_votes = _Episode()
        self._roles: dict[str, int] = {}
        self._role_alt_since = math.nan
        # Fault intervals per (rule code, leg track or None for the body); the side is named when the
        # interval closes, from the votes of the rep or hold it belongs to.
        self._trackers: dict[tuple[str, int | None], IntervalTracker] = {}
        self._transitions = {
            (r.code, k): TransitionWatch(r.from_value, r.to_value)  # type: ignore[arg-type]
            for r in v.rules
            if r.kind == "transition"
            for k in (0, 1)
        }
        self._sides = ("left", "right")
        self._rep_end = [math.nan, math.nan]  # when each track last completed a rep

    # --- feature access -------------------------------------------------------------------------
    def _leg_value(self, leg: LegFeatures, name: str) -> float:
        return leg_value(leg, name, self.variant.view)

    def _body_value(self, f: BodyFeatures, name: str) -> float:
        return body_value(f, name, self.variant.view)

    # --- per frame --------------------------------------------------------------------------------
    def update(self, f: BodyFeatures) -> Snapshot:
        t = f.t
        dt = 0.0 if math.isnan(self._prev_t) else min(max(t - self._prev_t, 0.0), 0.5)
        self._prev_t = t
        oblique = self.variant.view == "side" and f.stacked > OBLIQUE_STACKED
        legs = f.legs if f.has_pose and len(f.legs) == 2 else None
        if legs is not None:
            self._sides = (legs[0].side, legs[1].side)
        v = self.variant

        working = self._update_reps(t, legs)
        self._assign_roles(t, f, legs, working)
        in_pos = self._in_position(f, legs) if legs is not None else None
        settled = self._settled(legs)

        if self.hold is not None:
            self._update_hold(t, legs, in_pos, settled)
        if self.top_holds and working is not None:
            done = self.top_holds[working].update(t, in_pos, settled)
            if done is not None:
                self._top_done[working] = self._hold_event(done, self._rep_votes[working].side(self._sides[working]))

        holding = self.hold is not None and self.hold.state is not HoldState.IDLE
        if self.top_holds and working is not None:
            holding = self.top_holds[working].state is not HoldState.IDLE
        for rule in v.rules:
            if rule.kind == "range":
                if rule.side_view_only and oblique:
                    self.skipped_s[rule.code] = self.skipped_s.get(rule.code, 0.0) + dt
                    self._track_fault(t, rule, None, None)
                    continue
                self._apply_range_rule(t, rule, f, legs, working, holding)
            elif rule.kind == "transition":
                self._apply_transition_rule(t, rule, legs, working)
        return self._snapshot(t, working, in_pos)

    def _update_reps(self, t: float, legs: tuple[LegFeatures, ...] | None) -> int | None:
        if not self.counters:
            return None
        spec = self.variant.reps
        assert spec is not None
        for k in (0, 1):
            c, other = self.counters[k], self.counters[1 - k]
            val = self._leg_value(legs[k], spec.signal) if legs is not None else None
            if c.state is RepState.UNSEEN and other.state is RepState.REST and legs is not None and not legs[k].seen:
                # Side-on, a leg at rest hides behind the other: unseen while the other rests is resting too.
                c.state = RepState.REST
            was = c.state
            ev = c.update(t, val, other.state is RepState.UP)
            if ev is None and self._merged_back(t, c, other, legs, 1 - k):
                c.complete()
                ev = "rep"
            if ev == "up" or (c.state is RepState.LOCKED and was is not RepState.LOCKED):
                self._rep_votes[k] = _Episode()
            if c.state in (RepState.UP, RepState.LOCKED) and legs is not None:
                self._rep_votes[k].vote += legs[k].label_vote
            if ev == "rep" and other.state is RepState.LOCKED and legs is not None:
                oval = self._leg_value(legs[1 - k], spec.signal)
                if oval < spec.enter_below:
                    # Both legs went up together and this one came down while the other stays up: this
                    # track was following a phantom (the hidden leg drawn on the lifted one). The leg that
                    # stays up is the working leg; it takes over the rep, nothing is counted here.
                    other.state, other.up_since = RepState.UP, c.up_since
                    if self.top_holds:
                        self.top_holds[1 - k], self.top_holds[k] = self.top_holds[k], HoldTimer(min_hold_s=0.5)
                    continue
            if ev == "rep":
                side = self._rep_votes[k].side(self._sides[k])
                self.reps[side] += 1
                self.rep_events.append(RepEvent(side, c.up_since, t))
                self._rep_end[k] = t
                self._finish_top_hold(k, side, c.up_since, t)
        ups = [k for k in (0, 1) if self.counters[k].state is RepState.UP]
        return ups[0] if ups else None

    def _merged_back(
        self, t: float, c: RepCounter, other: RepCounter, legs: tuple[LegFeatures, ...] | None, o: int
    ) -> bool:
        """Side-on, a leg lowered back beside the resting one often vanishes into it: when the working leg
        was last seen on its way down (past the enter threshold) and has been unseen for a moment while the
        other leg is seen at rest, the rep is complete. A leg lost at the top (last seen up) is not."""
        spec = self.variant.reps
        if c.state is not RepState.UP or legs is None or legs[1 - o].seen or spec is None:
            return False
        other_val = self._leg_value(legs[o], spec.signal)
        return (
            c.last_value > spec.enter_below
            and t - c.last_seen >= MERGE_S
            and other.state is RepState.REST
            and not math.isnan(other_val)
            and other_val > spec.exit_above
        )

    def _finish_top_hold(self, k: int, side: str, up_s: float, down_s: float) -> None:
        if not self.top_holds:
            return
        done = self.top_holds[k].finish()
        ev = self._top_done[k] or (self._hold_event(done, side) if done else None)
        self._top_done[k] = None
        if ev is not None:
            ev = HoldEvent(side, ev.start_s, ev.end_s, ev.duration_s, ev.completed)
            self.holds.append(ev)
        for rule in self.variant.rules:
            if rule.kind == "hold":
                dur = ev.duration_s if ev else 0.0
                if dur < rule.min_s:
                    start, end = (ev.start_s, ev.end_s) if ev else (up_s, down_s)
                    self.faults.append(FaultEvent(rule.code, side, start, end, rule.message))

    def _hold_event(self, hold: Hold, side: str) -> HoldEvent:
        target = self.variant.reps.hold_target_s if self.variant.reps else self.variant.hold_target_s
        dur = hold.duration_s
        return HoldEvent(
            side, round(hold.start_s, 3), round(hold.end_s, 3), round(dur, 3), bool(target and dur >= target)
        )

    def _assign_roles(
        self, t: float, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None, working: int | None
    ) -> None:
        v = self.variant
        if v.legs == "both":
            self._roles = {}
            return
        if v.legs == "lift" and v.mode == "reps":
            if working is not None:
                self._roles = {"working": working, "support": 1 - working}
            return
        if legs is None:
            return
        roles = ("working", "support") if v.legs == "lift" else ("front", "back")
        cur = self._roles.get(roles[0])
        fits = [self._fit({roles[0]: k, roles[1]: 1 - k}, legs) for k in (0, 1)]
        best = 0 if fits[0] >= fits[1] else 1
        if cur is None:
            if max(fits) > 0:
                self._roles = {roles[0]: best, roles[1]: 1 - best}
            return
        if best != cur and fits[best] > fits[cur]:
            if math.isnan(self._role_alt_since):
                self._role_alt_since = t
            if t - self._role_alt_since >= ROLE_SWITCH_S:
                self._roles = {roles[0]: best, roles[1]: 1 - best}
                self._role_alt_since = math.nan
        else:
            self._role_alt_since = math.nan

    def _fit(self, roles: dict[str, int], legs: tuple[LegFeatures, ...]) -> float:
        score = 0.0
        for role, feats in self.variant.target.legs.items():
            for name, rng in feats.items():
                ok = _in_range(self._leg_value(legs[roles[role]], name), rng)
                score += 1.0 if ok else (0.25 if ok is None else 0.0)
        return score

    def _in_position(self, f: BodyFeatures, legs: tuple[LegFeatures, ...]) -> bool | None:
        tgt = self.variant.target
        checks: list[bool | None] = [_in_range(self._body_value(f, n), r) for n, r in tgt.body.items()]
        if self.variant.legs == "both":
            # Legs side by side often show as one (the hidden one collapsed): judge the legs that are seen.
            seen = [lg for lg in legs if lg.seen]
            if not seen:
                return None
            for feats in tgt.legs.values():
                for lg in seen:
                    checks += [_in_range(self._leg_value(lg, n), r) for n, r in feats.items()]
        else:
            for role, feats in tgt.legs.items():
                k = self._roles.get(role)
                if k is None:
                    return False
                checks += [_in_range(self._leg_value(legs[k], n), r) for n, r in feats.items()]
        return _all(checks)

    def _settled(self, legs: tuple[LegFeatures, ...] | None) -> bool:
        if legs is None:
            return False
        tracks = set(self._roles.values()) or {0, 1}
        return all(
            abs(legs[k].hip_speed) < SETTLE_DPS and abs(legs[k].knee_speed) < SETTLE_DPS for k in tracks if legs[k].seen
        )

    def _update_hold(self, t: float, legs: tuple[LegFeatures, ...] | None, in_pos: bool | None, settled: bool) -> None:
        assert self.hold is not None
        v = self.variant
        role = v.hold_side or ("working" if v.legs == "lift" else None)
        track = self._roles.get(role) if role else None
        was_idle = self.hold.state is HoldState.IDLE
        done = self.hold.update(t, in_pos, settled)
        if was_idle and self.hold.state is not HoldState.IDLE:
            self._hold_votes = _Episode()
        # The side is voted on whichever leg plays the stretched role frame by frame: if MediaPipe swaps the
        # legs and the roles follow, the hold goes on (changing legs means leaving the position anyway).
        if self.hold.state is not HoldState.IDLE and track is not None:
            self._hold_track = self._episode_track = track
            if legs is not None:
                self._hold_votes.vote += legs[track].label_vote
        if done is not None or (self.hold.state is HoldState.IDLE and not was_idle):
            self._end_hold(done)

    def _end_hold(self, hold: Hold | None) -> None:
        if hold is not None:
            if self.variant.legs == "both" or self._hold_track is None:
                side = "both"
            else:
                side = self._hold_votes.side(self._sides[self._hold_track])
            self.holds.append(self._hold_event(hold, side))
        self._hold_track = None

    def _rule_legs(self, rule: Rule) -> list[int]:
        if rule.leg in ("all", "any"):
            return [0, 1]
        k = self._roles.get(rule.leg or "")
        return [] if k is None else [k]

    def _side_of(self, k: int) -> str:
        """The side a leg is reported on: voted over its current or last rep, or over the current or last
        hold (the other leg of a stance is the opposite side); these outlast MediaPipe's label swaps."""
        if self.counters and self._rep_votes[k].vote:
            return self._rep_votes[k].side(self._sides[k])
        if self._episode_track == k:
            return self._hold_votes.side(self._sides[k])
        if self._episode_track == 1 - k:
            held = self._hold_votes.side(self._sides[1 - k])
            return "left" if held == "right" else "right"
        return self._sides[k]

    def _apply_range_rule(
        self,
        t: float,
        rule: Rule,
        f: BodyFeatures,
        legs: tuple[LegFeatures, ...] | None,
        working: int | None,
        holding: bool,
    ) -> None:
        active = (
            rule.during == "always"
            or (rule.during == "up" and working is not None)
            or (rule.during == "hold" and holding)
        )
        leg: int | None = None
        violated: bool | None = False
        if active and legs is None:
            violated = None
        elif active:
            assert rule.feature is not None
            if rule.leg is None:
                violated = self._violates(rule, self._body_value(f, rule.feature))
            else:
                ks = self._rule_legs(rule)
                vals = [self._violates(rule, self._leg_value(legs[k], rule.feature)) for k in ks]
                if rule.leg == "all":
                    # every leg that is seen (overlapping legs often show as one)
                    known = [x for x in vals if x is not None]
                    violated = _all(known) if known else None
                elif not ks:
                    violated = None
                elif rule.leg == "any":
                    violated = True if any(vals) else (None if None in vals else False)
                else:
                    violated = vals[0]
                    leg = ks[0]
        self._track_fault(t, rule, leg, violated)

    def _apply_transition_rule(
        self, t: float, rule: Rule, legs: tuple[LegFeatures, ...] | None, working: int | None
    ) -> None:
        spec = self.variant.reps
        assert spec is not None and rule.max_speed is not None
        for k in (0, 1):
            watch = self._transitions[(rule.code, k)]
            # Only the leg doing the rep (up, or just coming down from it) is watched.
            c = self.counters[k]
            recent = c.state is RepState.UP or t - self._rep_end[k] < 1.0
            if legs is None or not recent:
                watch.reset()
                continue
            res = watch.update(t, self._leg_value(legs[k], spec.signal))
            if res is not None and res[2] > rule.max_speed:
                side = self._side_of(k)
                self.faults.append(FaultEvent(rule.code, side, round(res[0], 3), round(res[1], 3), rule.message))

    @staticmethod
    def _violates(rule: Rule, value: float) -> bool | None:
        if math.isnan(value):
            return None
        return (rule.above is not None and value > rule.above) or (rule.below is not None and value < rule.below)

    def _track_fault(self, t: float, rule: Rule, leg: int | None, violated: bool | None) -> None:
        key = (rule.code, leg)
        tr = self._trackers.get(key)
        if tr is None:
            if not violated:
                return
            tr = self._trackers[key] = IntervalTracker(min_s=rule.min_s)
        closed = tr.update(t, violated)
        if closed is not None:
            self._add_fault(rule, leg, closed)

    def _add_fault(self, rule: Rule, leg: int | None, interval: tuple[float, float]) -> None:
        side = None if leg is None else self._side_of(leg)
        self.faults.append(FaultEvent(rule.code, side, round(interval[0], 3), round(interval[1], 3), rule.message))

    # --- end and display --------------------------------------------------------------------------
    def finish(self) -> None:
        """Close what is still open at the end of the video (holds, fault intervals)."""
        if self.hold is not None:
            self._end_hold(self.hold.finish())
        for (code, leg), tr in self._trackers.items():
            closed = tr.close()
            if closed is not None:
                self._add_fault(next(r for r in self.variant.rules if r.code == code), leg, closed)
        self.faults.sort(key=lambda e: (e.start_s, e.code))
        self.holds.sort(key=lambda e: e.start_s)

    def open_cues(self) -> list[str]:
        msgs = {r.code: r.message for r in self.variant.rules}
        return [msgs[code] for (code, _s), tr in self._trackers.items() if tr.open]

    def _snapshot(self, t: float, working: int | None, in_pos: bool | None) -> Snapshot:
        v = self.variant
        elapsed = None
        target = v.hold_target_s
        if self.hold is not None and self.hold.state is not HoldState.IDLE:
            elapsed = self.hold.elapsed(t)
        if self.top_holds and working is not None:
            target = v.reps.hold_target_s if v.reps else None
            if self.top_holds[working].state is not HoldState.IDLE:
                elapsed = self.top_holds[working].elapsed(t)
        if elapsed is not None:
            phase = "holding"
        elif working is not None:
            phase = "up"
        else:
            phase = "in position" if in_pos else "rest"
        side = None
        if working is not None:
            side = self._side_of(working)
        elif self._hold_track is not None:
            side = self._side_of(self._hold_track)
        return Snapshot(
            v.name,
            dict(self.reps),
            phase,
            side,
            elapsed,
            target,
            self.open_cues(),
            v.cues.get(phase),
            in_pos,
            v.reps_target,
        )
