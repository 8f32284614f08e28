"""Small explicit state machines, all timed by frame timestamps (never by frame counts).

- ``RepCounter``: a rep cycle with hysteresis (enter past one threshold, leave past another) and a short
  confirmation time, so jitter at a threshold can never count twice.
- ``HoldTimer``: times a hold while the target position is held, bridging short losses (a dropped
  detection, a wobble) with a grace period.
- ``IntervalTracker``: turns a per-frame "violated?" signal into fault intervals (start, end).
- ``TransitionWatch``: the average speed of a movement between two angles (e.g. lowering a leg).

Every ``update`` accepts ``None`` for "unknown this frame": state is kept, nothing is invented.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum


class RepState(str, Enum):
    UNSEEN = "unseen"  # not yet seen at rest: a video that starts mid-rep does not count that rep
    REST = "rest"
    UP = "up"


@dataclass
class RepCounter:
    """One rep signal: "up" once it passes ``enter`` (below it, or above it when ``rising``), a rep once it
    comes back past ``exit``. Each change must hold for ``confirm_s``."""

    enter: float
    exit: float
    rising: bool = False
    confirm_s: float = 0.1
    state: RepState = RepState.UNSEEN
    up_since: float = math.nan
    _cand: RepState | None = field(default=None, repr=False)
    _cand_since: float = field(default=math.nan, repr=False)

    @property
    def idle(self) -> bool:
        """At rest (or not yet seen at rest) with no change pending."""
        return self.state is not RepState.UP and self._cand is None

    def update(self, t: float, value: float | None) -> str | None:
        """Returns "up" when the signal is confirmed up, "rep" when a full cycle completes, else None."""
        if value is None or math.isnan(value):
            return None
        sign = -1.0 if self.rising else 1.0
        if sign * value < sign * self.enter:
            want = RepState.UP
        elif sign * value > sign * self.exit:
            want = RepState.REST
        else:
            self._cand = None  # between the thresholds: hysteresis band, keep the state
            return None
        if want is self.state or (self.state is RepState.UNSEEN and want is RepState.UP):
            self._cand = None
            return None
        if self._cand is not want:
            self._cand, self._cand_since = want, t
        if t - self._cand_since < self.confirm_s:
            return None
        since = self._cand_since
        prev, self.state, self._cand = self.state, want, None
        if want is RepState.UP:
            self.up_since = since
            return "up"
        if prev is RepState.UP:
            return "rep"
        return None


class HoldState(str, Enum):
    IDLE = "idle"
    HOLDING = "holding"
    GRACE = "grace"  # briefly out of position or unseen; the hold continues if it comes back in time


@dataclass
class Hold:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass
class HoldTimer:
    """Times a stay in position. Gated on position alone: movement inside the target range (rocking gently in
    a stretch) is still holding, a brief exit is bridged by ``grace_s``. Its ends are placed where the person
    was still (``settled``): the way in and the way out pass through the range but are not holding. Someone
    never still at all is timed from entering to leaving the position."""

    grace_s: float = 1.0
    unseen_grace_s: float = 5.0
    confirm_s: float = 0.3
    min_hold_s: float = 2.0
    max_trim_s: float = 2.0  # a still moment further than this from an end does not move it
    # The shortest hold is a stay in position that long (a stretch: a person swaying into a short fold still
    # holds it, though the way in is not counted), or else that long still (a pause at the top of a rep).
    min_in_position: bool = True
    state: HoldState = HoldState.IDLE
    start_s: float = math.nan
    _last_in: float = field(default=math.nan, repr=False)
    _first_settled: float = field(default=math.nan, repr=False)
    _last_settled: float = field(default=math.nan, repr=False)
    _cand_since: float = field(default=math.nan, repr=False)

    @property
    def idle(self) -> bool:
        """No hold under way and none about to start."""
        return self.state is HoldState.IDLE and math.isnan(self._cand_since)

    def elapsed(self, t: float) -> float:
        return 0.0 if self.state is HoldState.IDLE else max(0.0, min(t, self._last_in) - self._start())

    def span(self, t: float) -> tuple[float, float] | None:
        """The hold under way as far as it has gone (start, last held), or None."""
        if self.state is HoldState.IDLE:
            return None
        start = self._start()
        return start, max(start, min(t, self._last_in))

    @property
    def last_in_s(self) -> float:
        """When the position was last held (NaN when no hold is under way)."""
        return self._last_in if self.state is not HoldState.IDLE else math.nan

    def _start(self) -> float:
        first = self._first_settled
        return first if not math.isnan(first) and first - self.start_s <= self.max_trim_s else self.start_s

    def update(self, t: float, in_position: bool | None, settled: bool = True) -> Hold | None:
        """Feed one frame; returns the finished ``Hold`` when one ends (if it lasted ``min_hold_s``)."""
        if self.state is not HoldState.IDLE and t - self._last_in > self.unseen_grace_s:
            # No frame at all for longer than an unseen stretch is bridged (the timestamps jumped: video
            # missing): the hold ended where it was last held, even if this frame is in position again.
            done = self.finish()
            self.update(t, in_position, settled)  # from idle: at most a new hold's first frame
            return done
        if self.state is HoldState.IDLE:
            if in_position:
                if math.isnan(self._cand_since) or t - self._last_in > self.unseen_grace_s:
                    # (a candidate last in position longer ago than an unseen stretch is bridged starts again)
                    self._cand_since, self._first_settled = t, math.nan
                self._last_in = t
                if settled and math.isnan(self._first_settled):
                    self._first_settled = t
                if t - self._cand_since >= self.confirm_s:
                    self.state, self.start_s, self._last_in = HoldState.HOLDING, self._cand_since, t
                    if settled:
                        self._last_settled = t
            elif in_position is False:
                self._cand_since = self._first_settled = math.nan
            return None
        if in_position:
            self.state = HoldState.HOLDING
            self._last_in = t
            if settled:
                self._last_settled = t
                if math.isnan(self._first_settled):
                    self._first_settled = t
            return None
        self.state = HoldState.GRACE
        # Out of position ends the hold after a moment; unseen (MediaPipe lost the person, an edited video
        # cut away) only after longer: nothing says the person stopped holding.
        if t - self._last_in > (self.grace_s if in_position is False else self.unseen_grace_s):
            return self.finish()
        return None

    def finish(self, keep_short: bool = False) -> Hold | None:
        """End the current hold now (end of video, or a change of leg); ``keep_short``: return it even if it
        is shorter than ``min_hold_s`` (a hold the whole video shows, whose start and end it does not)."""
        if self.state is HoldState.IDLE:
            self._cand_since = self._first_settled = math.nan
            return None
        start, end = self._start(), self._last_in
        in_position_s = self._last_in - self.start_s
        if not math.isnan(self._last_settled) and end - self._last_settled <= self.max_trim_s:
            end = self._last_settled  # leaving the position is not holding it
        hold = Hold(start, max(end, start))
        self.state, self._cand_since = HoldState.IDLE, math.nan
        self.start_s = self._last_in = self._first_settled = self._last_settled = math.nan
        long_enough = (in_position_s if self.min_in_position else hold.duration_s) >= self.min_hold_s
        return hold if long_enough or keep_short else None


@dataclass
class IntervalTracker:
    """Opens an interval after ``min_s`` of violation, closes it after ``merge_s`` without one."""

    min_s: float = 0.5
    merge_s: float = 0.75
    start_s: float = math.nan
    last_s: float = math.nan
    open: bool = False

    @property
    def idle(self) -> bool:
        return not self.open and math.isnan(self.start_s)

    def update(self, t: float, violated: bool | None) -> tuple[float, float] | None:
        if violated:
            if math.isnan(self.start_s):
                self.start_s = t
            self.last_s = t
            if not self.open and t - self.start_s >= self.min_s:
                self.open = True
            return None
        if violated is None and self.open:
            # Unknown while open: keep it open (unseen is not "fixed"), up to the merge window.
            return self.close() if t - self.last_s > self.merge_s else None
        if math.isnan(self.start_s):
            return None
        if not self.open:
            self.start_s = self.last_s = math.nan
            return None
        if t - self.last_s > self.merge_s:
            return self.close()
        return None

    def close(self) -> tuple[float, float] | None:
        out = (self.start_s, self.last_s) if self.open else None
        self.start_s = self.last_s = math.nan
        self.open = False
        return out


@dataclass
class TransitionWatch:
    """Average speed of a signal moving from ``from_value`` to ``to_value`` (either direction)."""

    from_value: float
    to_value: float
    _t_from: float = field(default=math.nan, repr=False)
    _prev: tuple[float, float] | None = field(default=None, repr=False)

    def update(self, t: float, value: float | None) -> tuple[float, float, float] | None:
        """Returns (start_s, end_s, degrees_per_second) when a transition completes."""
        if value is None or math.isnan(value):
            return None
        d = 1.0 if self.to_value > self.from_value else -1.0
        out = None
        if (value - self.from_value) * d <= 0:
            self._t_from = t
        elif self._prev is not None and (self._prev[1] - self.from_value) * d <= 0:
            self._t_from = _cross(self._prev, (t, value), self.from_value)
        if not math.isnan(self._t_from) and (value - self.to_value) * d >= 0 and self._prev is not None:
            t_to = _cross(self._prev, (t, value), self.to_value)
            dur = max(t_to - self._t_from, 1e-3)
            out = (self._t_from, t_to, abs(self.to_value - self.from_value) / dur)
            self._t_from = math.nan
        self._prev = (t, value)
        return out

    @property
    def idle(self) -> bool:
        return math.isnan(self._t_from)

    def reset(self) -> None:
        self._t_from, self._prev = math.nan, None


def _cross(a: tuple[float, float], b: tuple[float, float], level: float) -> float:
    """Time at which the segment a->b (t, value) crosses ``level`` (clamped to the segment)."""
    (ta, va), (tb, vb) = a, b
    if vb == va:
        return tb
    f = min(1.0, max(0.0, (level - va) / (vb - va)))
    return ta + f * (tb - ta)
