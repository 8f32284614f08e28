"""Form rules: a registry of rule kinds, each turning frames into fault intervals with a cue.

A definition's ``[[variants.rules]]`` entry names its ``kind``; ``make_rule`` builds the check for it.
Every kind sees the same per-frame ``FrameContext`` (what the engine knows this frame) and reports
``FaultEvent`` values. Adding a kind is one class and one registry entry (and its name in
``vocabulary.RULE_KIND_NAMES``, which the loader validates against).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from formcheck.definitions.parts import Rule
from formcheck.definitions.vocabulary import LEG_FEATURES, SIDES, During, Side
from formcheck.engine.features import BodyFeatures, LegFeatures
from formcheck.engine.findings import FaultEvent, HoldEvent, RepEvent
from formcheck.engine.statemachines import IntervalTracker, TransitionWatch

TRANSITION_AFTER_REP_S = 1.0  # a lowering is still watched this long after its rep completed
CUE_FRESH_S = 0.5  # a fault's cue is shown while it was seen this recently


@dataclass(slots=True)
class FrameContext:
    """What the engine knows in one frame, as the rules see it. Read-only by convention: it is built for every
    engine every frame, and a frozen dataclass's ``__init__`` costs three times as much."""

    t: float
    dt: float
    features: BodyFeatures
    legs: tuple[LegFeatures, ...] | None  # both tracked legs, None without a pose
    roles: Mapping[str, int]  # leg role -> track
    rep_up: bool  # a rep is in progress
    rep_leg: int | None  # the track doing the current or last rep (leg rep signals)
    since_rep_end_s: float
    holding: bool
    oblique: bool  # a side-view variant filmed well off side-on
    view: str


def _violates(rule: Rule, value: float) -> bool | None:
    if math.isnan(value):
        return None
    return (rule.above is not None and value > rule.above) or (rule.below is not None and value < rule.below)


def all_of(values: list[bool | None]) -> bool | None:
    """Three-valued AND: False if any is False, else None (unknown) if any is unknown, else True."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


class RuleCheck:
    """Base class: ``faults`` found so far, the cue while a fault is open, and notes for the report."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.faults: list[FaultEvent] = []
        self._sides: tuple[str, str] = SIDES

    def update(self, ctx: FrameContext) -> None:
        if ctx.legs is not None:
            self._sides = (ctx.legs[0].side, ctx.legs[1].side)

    def on_rep(self, rep: RepEvent, hold: HoldEvent | None) -> None:
        """A rep completed (with its top hold, if the variant has one)."""

    def finish(self) -> None:
        """End of the session: close what is open."""

    def interrupt(self) -> None:
        """A cut in the video: what was open ends here."""
        self.finish()

    @property
    def open(self) -> bool:
        return False

    @property
    def idle(self) -> bool:
        """Nothing under way: a frame that changes nothing else would change nothing here either."""
        return True

    def notes(self) -> list[str]:
        return []

    def _fault(self, side: str | None, start: float, end: float) -> None:
        self.faults.append(FaultEvent(self.rule.code, side, round(start, 3), round(end, 3), self.rule.message))


class RangeRule(RuleCheck):
    """A feature outside its allowed range for at least ``min_s``, during a phase; one interval per leg."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(rule)
        self._trackers: dict[int | None, IntervalTracker] = {}
        self.skipped_s = 0.0
        self.unjudged_s = 0.0
        self._t = -math.inf

    def update(self, ctx: FrameContext) -> None:
        if ctx.legs is not None:  # (RuleCheck.update, inlined: every rule of every engine, every frame)
            self._sides = (ctx.legs[0].side, ctx.legs[1].side)
        self._t = ctx.t
        rule = self.rule
        if rule.side_view_only and ctx.oblique:
            # Not judged while the camera is oblique: the angle is foreshortened away (said in the notes).
            self.skipped_s += ctx.dt
            self._unknown(ctx.t)
            return
        active = (
            rule.during == During.ALWAYS
            or (rule.during == During.UP and ctx.rep_up)
            or (rule.during == During.HOLD and ctx.holding)
        )
        if active and rule.when and not self._when(ctx):
            # Outside the conditions the rule can be judged in (say, a fold so deep the knees read straight).
            self.unjudged_s += ctx.dt
            self._unknown(ctx.t)
            return
        if not active:
            self._track(ctx.t, None, False)
        elif ctx.legs is None:
            self._track(ctx.t, None, None)
        else:
            self._track(ctx.t, *self._judge(ctx))

    def _unknown(self, t: float) -> None:
        """Nothing can be judged this frame: every open interval waits."""
        for leg in list(self._trackers):
            self._track(t, leg, None)

    def _judge(self, ctx: FrameContext) -> tuple[int | None, bool | None]:
        """(the leg the verdict is for, or None for the body or every leg; whether the rule is broken)."""
        rule = self.rule
        assert rule.feature is not None and ctx.legs is not None
        if rule.leg is None:
            return None, _violates(rule, ctx.features.value(rule.feature, ctx.view))
        ks = [0, 1] if rule.leg in ("all", "any") else [k for k in (ctx.roles.get(rule.leg),) if k is not None]
        vals = [_violates(rule, ctx.legs[k].value(rule.feature, ctx.view)) for k in ks]
        if rule.leg == "all":
            # every leg that is seen (overlapping legs often show as one)
            known = [x for x in vals if x is not None]
            return None, all_of(known) if known else None
        if not ks:
            return None, None
        if rule.leg == "any":
            return None, True if any(vals) else (None if None in vals else False)
        return ks[0], vals[0]

    @property
    def idle(self) -> bool:
        return all(tr.idle for tr in self._trackers.values())

    def _when(self, ctx: FrameContext) -> bool:
        for name, (lo, hi) in self.rule.when.items():
            x = ctx.features.value(name, ctx.view)
            if not math.isnan(x) and not lo <= x <= hi:
                return False
        return True

    def _track(self, t: float, leg: int | None, violated: bool | None) -> None:
        tr = self._trackers.get(leg)
        if tr is None:
            if not violated:
                return
            tr = self._trackers[leg] = IntervalTracker(min_s=self.rule.min_s)
        closed = tr.update(t, violated)
        if closed is not None:
            self._fault(None if leg is None else self._sides[leg], *closed)

    def finish(self) -> None:
        for leg, tr in self._trackers.items():
            closed = tr.close()
            if closed is not None:
                self._fault(None if leg is None else self._sides[leg], *closed)

    @property
    def open(self) -> bool:
        """A fault to show now: open, and seen lately (an interval stays open a moment past the movement)."""
        return any(tr.open and self._t - tr.last_s <= CUE_FRESH_S for tr in self._trackers.values())

    def notes(self) -> list[str]:
        out = []
        if self.skipped_s >= 1.0:
            secs = f"{self.skipped_s:.0f} s"
            out.append(f"{self.rule.code} not judged for {secs}: the camera was not side-on (film from the side)")
        if self.unjudged_s >= 1.0:
            where = ", ".join(f"{n} {lo:g}-{hi:g}" for n, (lo, hi) in self.rule.when.items())
            out.append(f"{self.rule.code} not judged for {self.unjudged_s:.0f} s: it is judged only with {where}")
        return out


class TransitionRule(RuleCheck):
    """The rep's movement between two values faster than ``max_speed`` (e.g. dropping a lifted leg)."""

    def __init__(self, rule: Rule, rep_signal: str) -> None:
        super().__init__(rule)
        assert rule.from_value is not None and rule.to_value is not None and rule.max_speed is not None
        self.feature = rule.feature or rep_signal
        self.max_speed = rule.max_speed
        self._watch = TransitionWatch(rule.from_value, rule.to_value)

    def update(self, ctx: FrameContext) -> None:
        super().update(ctx)
        recent = ctx.rep_up or ctx.since_rep_end_s < TRANSITION_AFTER_REP_S
        on_leg = self.feature in LEG_FEATURES
        if ctx.legs is None or not recent or (on_leg and ctx.rep_leg is None):
            self._watch.reset()
            return
        leg = ctx.rep_leg if on_leg else None
        value = ctx.legs[leg].value(self.feature, ctx.view) if leg is not None else ctx.features.value(self.feature)
        res = self._watch.update(ctx.t, value)
        if res is not None and res[2] > self.max_speed:
            self._fault(None if leg is None else self._sides[leg], res[0], res[1])

    def interrupt(self) -> None:
        self._watch.reset()

    @property
    def idle(self) -> bool:
        return self._watch.idle


class TopHoldRule(RuleCheck):
    """A rep's hold at the top lasted less than ``min_s``."""

    def on_rep(self, rep: RepEvent, hold: HoldEvent | None) -> None:
        dur = hold.duration_s if hold is not None else 0.0
        if dur < self.rule.min_s:
            start, end = (hold.start_s, hold.end_s) if hold is not None else (rep.start_s, rep.end_s)
            self._fault(rep.side if rep.side != Side.BOTH else None, start, end)


RULE_KINDS: dict[str, type[RuleCheck]] = {"range": RangeRule, "transition": TransitionRule, "hold": TopHoldRule}


def make_rule(rule: Rule, rep_signal: str | None) -> RuleCheck:
    """The check for one rule of a definition (``rep_signal``: the variant's rep signal, if it has reps)."""
    cls = RULE_KINDS.get(rule.kind)
    if cls is None:
        raise ValueError(f"unknown rule kind {rule.kind!r}; valid: {', '.join(RULE_KINDS)}")
    if cls is TransitionRule:
        assert rep_signal is not None
        return TransitionRule(rule, rep_signal)
    return cls(rule)
