"""Rep counting for one variant: which signal, read from which leg, on which side each rep is counted, and
which movements are not this variant's reps at all.

A definition names the rep signal (any feature of the vocabulary) and its direction. A body feature is
read from the body. A leg feature is read from the leg moving most in the rep's direction: with one leg
working at a time that leg is the working one, whichever track MediaPipe's confusions put it on, so a
phantom rising beside it or a hidden leg at rest cannot split or double a rep. A rep stays open while its
leg is unseen (a leg lost at the top of a lift has not come down); a leg hidden beside the other one is
where that leg is (the identity stage says so), which is how a leg lowered into the resting one ends its rep.

A completed cycle is counted only if it is a rep of this variant: not up longer than the variant allows (that
is a hold), in the variant's orientation (a lunge dips into kneeling, a squat is not lying down), seen from
the side where the variant needs it, with one leg working the other stays down (both legs bending together
is a squat, not a lift), and the body where the definition requires (``reps.require``). Cycles that fail
are kept as ``rejected``: evidence that the variant does not fit what the person is doing. (With both legs
working together, the other leg must move too.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.definitions.parts import RepSpec
from formcheck.definitions.vocabulary import SIDES, Direction, Side, View
from formcheck.engine.features import BodyFeatures, LegFeatures, leg_key
from formcheck.engine.findings import Refusal, Rejection, RepEvent
from formcheck.engine.legs import LegStatus
from formcheck.engine.statemachines import RepCounter, RepState

MOSTLY = 0.5  # "through most of a rep": the share of its known time a condition must hold
MIN_UP_S = 0.4  # an up phase shorter than this is a flicker or a stumble, not a rep
REQUIRED = 0.75  # a requirement (reps.require) holds at least this share of a rep's known time
TOGETHER_S = 0.5  # two legs going up this close in time rose together
SUPPORT_SEEN = 0.25  # in a one-leg rep the other leg is seen for at least this share of it
# A body this square to the camera (the left-right axis this close to the image plane, in 3D: about 55
# degrees or more off side-on) hides movements in its side plane: a side-view variant cannot be judged.
FRONTAL = 0.8
# ... and one turned this far side-on (the left-right axis within ~30 degrees of the camera's, standing or
# lying) hides movements across the body: a front-view variant (a side raise) cannot be judged.
SIDE_ON = 0.5
SIDE_ON_STACKED = 0.2  # shoulder and hip width in the picture, torso lengths (front-on ~0.6)


def _side_on(f: BodyFeatures) -> bool:
    """The body turned side-on to the camera: in 3D, little of its left-right axis in the image plane
    (whichever way it lies); without 3D, shoulders and hips drawn on top of each other."""
    frontal = math.hypot(f.value("facing_camera"), f.value("lr_vertical"))
    if not math.isnan(frontal):
        return frontal < SIDE_ON
    return f.value("stacked") < SIDE_ON_STACKED  # NaN: not known to be


@dataclass
class _RepChecks:
    """Seconds gathered over one up phase, to judge at its end whether it was a rep of this variant."""

    last_t: float = math.nan
    orient_known_s: float = 0.0
    orient_ok_s: float = 0.0
    frontal_s: float = 0.0
    side_on_s: float = 0.0
    support_seen_s: float = 0.0
    support_known_s: float = 0.0
    support_up_s: float = 0.0
    support_raised_s: float = 0.0  # the other leg not back down (the rep's own hysteresis: up until past exit)
    require_known_s: float = 0.0
    require_ok_s: float = 0.0


@dataclass
class RepTracker:
    spec: RepSpec
    per_side: bool  # count per leg (one leg works at a time) rather than both legs / the body together
    max_up_s: float = 8.0
    view: View = View.SIDE
    orientation: str | None = None  # the body's orientation in this variant
    counts: dict[str, int] = field(init=False)
    events: list[RepEvent] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    working: int | None = None  # the track doing the current (or last) rep, for leg signals
    last_end_s: float = -math.inf

    def __post_init__(self) -> None:
        self.counts = dict.fromkeys(SIDES, 0) if self.per_side else dict.fromkeys((*SIDES, Side.BOTH), 0)
        self._counter = RepCounter(self.spec.enter, self.spec.exit, rising=self.spec.direction == Direction.RISING)
        self._checks = _RepChecks()
        # Which tracked legs have been seen at rest: only they can lead a rep. A leg that never rests (the
        # bent bottom leg in a side-lying raise) is not a working leg that forgot to come down.
        self._rested = [False, False]
        self._up_since = [math.nan, math.nan]  # since when each leg's signal is past ``enter``
        self._seen_apart = [False, False]  # each tracked leg has been measured on its own at least once
        # Read every frame by every engine: the spec's constants, looked up once.
        self._leg_signal = self.spec.is_leg_signal
        self._key = leg_key(self.spec.signal, self.view)
        self._falling = self.spec.direction == Direction.FALLING
        self._enter, self._exit = float(self.spec.enter), float(self.spec.exit)

    @property
    def idle(self) -> bool:
        """No rep under way or starting."""
        return self._counter.idle

    @property
    def up(self) -> bool:
        return self._counter.state is RepState.UP

    def update(self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None) -> RepEvent | None:
        value, lead = self._signal(f, legs)
        ev = self._counter.update(f.t, value)
        if ev == "up":
            self._checks = _RepChecks(last_t=self._counter.up_since)
        up = self._counter.state is RepState.UP
        if lead is not None and (ev == "up" or up):
            self.working = lead  # the leg moving most is the one doing the rep
        if up or ev == "rep":
            self._gather(f, legs)
        if ev != "rep":
            return None
        start = self._counter.up_since
        why = self._not_a_rep(f.t - start)
        if why is not None:
            self.rejected.append(Rejection(why[0], why[1], start, f.t))
            return None
        side = Side.BOTH
        if self.per_side and legs is not None and self.working is not None:
            side = legs[self.working].side
        self.counts[side] += 1
        rep = RepEvent(side, start, f.t)
        self.events.append(rep)
        self.last_end_s = f.t
        return rep

    def under_way(self, t: float) -> RepEvent | None:
        """The rep under way as far as it has gone, if it passes this variant's checks so far (None: no rep
        under way, or one that would not count as it stands). Its side is not known before it ends."""
        if not self.up or self._not_a_rep(t - self._counter.up_since) is not None:
            return None
        return RepEvent(Side.BOTH, self._counter.up_since, t)

    def reset(self) -> None:
        """Forget a rep in progress (a cut in the video): the next one starts from rest."""
        self._counter = RepCounter(self.spec.enter, self.spec.exit, rising=self.spec.direction == Direction.RISING)
        self.working = None
        self._rested = [False, False]
        self._up_since = [math.nan, math.nan]
        self._seen_apart = [False, False]

    def _gather(self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None) -> None:
        """Add this frame's time to the up phase's checks (``_RepChecks``)."""
        c = self._checks
        dt = f.t - c.last_t if not math.isnan(c.last_t) else 0.0
        c.last_t = f.t
        if dt <= 0 or dt > 0.5:
            return
        if f.orientation is not None:
            c.orient_known_s += dt
            c.orient_ok_s += dt * (f.orientation == self.orientation)
        if self.view == View.SIDE and f.value("facing_camera") > FRONTAL:
            c.frontal_s += dt
        if self.view == View.FRONT and _side_on(f):
            c.side_on_s += dt
        if self.spec.is_leg_signal and legs is not None and self.working is not None:
            self._gather_support(legs, dt)
        if self.spec.require and f.has_pose:
            self._gather_require(f, legs, dt)

    def _gather_support(self, legs: tuple[LegFeatures, ...], dt: float) -> None:
        """Where the other leg (the one not doing the rep) is."""
        assert self.working is not None
        c, other = self._checks, legs[1 - self.working]
        value = other.value(self.spec.signal, self.view) if other.known else math.nan
        if not math.isnan(value):
            c.support_seen_s += dt
            if self._rested[1 - self.working]:
                c.support_known_s += dt
                c.support_up_s += dt * self.spec.is_up(value)
                c.support_raised_s += dt * (not self.spec.is_down(value))

    def _gather_require(self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None, dt: float) -> None:
        """Whether the body and legs are where ``reps.require`` keeps them."""
        req, c = self.spec.require, self._checks
        checks = [(f.value(n, self.view), r) for n, r in req.body.items()]
        if legs is not None and self.working is not None:
            for k, ranges in ((self.working, req.working), (1 - self.working, req.support)):
                checks += [(legs[k].value(n, self.view) if legs[k].known else math.nan, r) for n, r in ranges.items()]
        known = [(x, r) for x, r in checks if not math.isnan(x)]
        if known:
            c.require_known_s += dt
            c.require_ok_s += dt * all(r[0] <= x <= r[1] for x, r in known)

    def _not_a_rep(self, up_s: float) -> tuple[Refusal, str] | None:
        """Why the cycle just up for ``up_s`` is not a rep of this variant (the first check that fails), or None."""
        for check in (
            self._held,
            self._brief,
            self._posture,
            self._from_the_front,
            self._from_the_side,
            self._legs_together,
            self._one_leg,
            self._body_elsewhere,
        ):
            why = check(up_s)
            if why is not None:
                return why
        return None

    def _held(self, up_s: float) -> tuple[Refusal, str] | None:
        return (Refusal.HELD, f"up {up_s:.0f} s: a hold, not a rep") if up_s > self.max_up_s else None

    def _brief(self, up_s: float) -> tuple[Refusal, str] | None:
        return (Refusal.BRIEF, "too brief to be a rep") if up_s < MIN_UP_S else None

    def _posture(self, up_s: float) -> tuple[Refusal, str] | None:
        c = self._checks
        wrong = self.orientation is not None and c.orient_known_s > 0 and c.orient_ok_s < MOSTLY * c.orient_known_s
        return (Refusal.POSTURE, f"not {self.orientation}") if wrong else None

    def _from_the_front(self, up_s: float) -> tuple[Refusal, str] | None:
        if self._checks.frontal_s > MOSTLY * up_s:
            return Refusal.FRONT_VIEW, "filmed from the front: this movement needs a side view"
        return None

    def _from_the_side(self, up_s: float) -> tuple[Refusal, str] | None:
        if self._checks.side_on_s > MOSTLY * up_s:
            return Refusal.SIDE_VIEW, "filmed from the side: this movement needs a front view"
        return None

    def _legs_together(self, up_s: float) -> tuple[Refusal, str] | None:
        c = self._checks
        if not self.per_side:
            return None
        if c.support_known_s > 0 and c.support_up_s > MOSTLY * c.support_known_s:
            return Refusal.LEGS_TOGETHER, "both legs moved together"
        if c.support_seen_s < SUPPORT_SEEN * up_s and not self._seen_apart[1 - (self.working or 0)]:
            # One leg lifting leaves the other in view; a leg never once seen apart rose with it.
            return Refusal.LEGS_TOGETHER, "the other leg was never seen apart from it: both legs moved together"
        return None

    def _one_leg(self, up_s: float) -> tuple[Refusal, str] | None:
        c = self._checks
        both_work = not self.per_side and self.spec.is_leg_signal
        # Only a leg seen for a fair share of the rep can be said to have stayed down: side-on, the far leg of
        # two raised together is hidden behind the near one (a double-leg raise held up: unseen for seconds).
        seen = c.support_seen_s >= SUPPORT_SEEN * up_s
        # Raised as the rep counts it, up until back past ``exit``: seen only on the way down, the other leg of a
        # double-leg raise is between the thresholds, not up, and still moving with the first.
        if both_work and seen and c.support_known_s > 0 and c.support_raised_s < MOSTLY * c.support_known_s:
            return Refusal.ONE_LEG, "only one leg moved"
        return None

    def _body_elsewhere(self, up_s: float) -> tuple[Refusal, str] | None:
        c = self._checks
        if c.require_known_s > 0 and c.require_ok_s < REQUIRED * c.require_known_s:
            req = self.spec.require
            names = [*req.body, *(f"working {n}" for n in req.working), *(f"other leg's {n}" for n in req.support)]
            return Refusal.BODY_ELSEWHERE, f"the body was not where this exercise keeps it ({', '.join(names)})"
        return None

    def _signal(self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None) -> tuple[float | None, int | None]:
        """The signal's value this frame (None: unknown) and, for leg signals, the leg it came from."""
        spec = self.spec
        if not self._leg_signal:
            return f.value(spec.signal, self.view), None
        if legs is None:
            return None, None
        values = {}
        for k in (0, 1):
            if legs[k].known and (v := legs[k].values[self._key]) == v:  # (not NaN)
                values[k] = v
        self._watch_legs(f.t, legs, values)
        w = self.working
        if self.up and w is not None:
            return self._signal_up(values, w)
        values = {k: v for k, v in values.items() if self._rested[k]}
        if not values:
            return None, None  # only a leg that never rests is in view (a bent support leg): nothing to count
        # At rest, the leg moving most in the rep's direction leads (on a tie, the last working leg).
        sign = -1.0 if spec.direction == Direction.RISING else 1.0
        lead = min(values, key=lambda k: (sign * values[k], k != w))
        if not self.per_side:
            return sum(values.values()) / len(values), lead  # both legs together: their mean
        return values[lead], lead

    def _watch_legs(self, t: float, legs: tuple[LegFeatures, ...], values: dict[int, float]) -> None:
        """Which legs have been seen apart, seen at rest, and since when each is past ``enter``."""
        # (RepSpec.is_down and is_up, inlined: this runs for every engine every frame)
        falling, enter, exit_ = self._falling, self._enter, self._exit
        down = {k: (v > exit_ if falling else v < exit_) for k, v in values.items()}
        resting = any(down.values())
        seen_apart, rested, up_since = self._seen_apart, self._rested, self._up_since
        for k in (0, 1):
            seen = legs[k].status is LegStatus.SEEN
            if k in values:
                seen_apart[k] = seen_apart[k] or seen
                # A leg not yet seen apart, unseen while the other rests, is hidden behind it, resting too
                # (side-on, lying or standing). One seen apart and never at rest is a leg that does not rest
                # (bent support).
                if seen:
                    rested[k] = rested[k] or down[k]
                v = values[k]
                if v < enter if falling else v > enter:
                    up_since[k] = up_since[k] if not math.isnan(up_since[k]) else t
                else:
                    up_since[k] = math.nan
            else:
                rested[k] = rested[k] or (resting and not seen_apart[k])

    def _signal_up(self, values: dict[int, float], w: int) -> tuple[float | None, int | None]:
        """During a rep: the signal of the leg doing it (None while it is out of sight: it has not come down)."""
        if w not in values:
            return None, None
        o = 1 - w
        if not self.per_side:
            return sum(values.values()) / len(values), w  # both legs together: their mean
        rose_together = self._up_since[o] <= self._counter.up_since + TOGETHER_S
        if o in values and self._rested[o] and rose_together and not self.spec.is_up(values[w]):
            # Both rose together and this one came down while the other stays up: it was a phantom of the lifted
            # leg, and the other one carries the rep. (A leg that went up later is the next rep.)
            return values[o], o
        return values[w], w
