"""Rep counting for one variant: which signal, read from which leg, and on which side each rep is counted.

A definition names the rep signal (any feature of the vocabulary) and its direction. A body feature is
read from the body. A leg feature is read from the leg moving most in the rep's direction: with one leg
working at a time that leg is the working one, whichever track MediaPipe's confusions put it on, so a
phantom rising beside it or a hidden leg at rest cannot split or double a rep. A rep stays open while its
leg is unseen (a leg lost at the top of a lift has not come down); a leg hidden beside the other one is
where that leg is (the identity stage says so), which is how a leg lowered into the resting one ends its rep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .events import RepEvent
from .exercises import RepSpec
from .features import BodyFeatures, LegFeatures
from .machines import RepCounter, RepState


@dataclass
class RepTracker:
    spec: RepSpec
    per_side: bool  # count per leg (one leg works at a time) rather than both legs / the body together
    view: str = "side"
    counts: dict[str, int] = field(init=False)
    events: list[RepEvent] = field(default_factory=list)
    working: int | None = None  # the track doing the current (or last) rep, for leg signals
    last_end_s: float = -math.inf

    def __post_init__(self) -> None:
        self.counts = {"left": 0, "right": 0} if self.per_side else {"left": 0, "right": 0, "both": 0}
        self._counter = RepCounter(self.spec.enter, self.spec.exit, rising=self.spec.direction == "rising")

    @property
    def up(self) -> bool:
        return self._counter.state is RepState.UP

    def update(self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None) -> RepEvent | None:
        value, lead = self._signal(f, legs)
        ev = self._counter.update(f.t, value)
        if lead is not None and (ev == "up" or self.up):
            self.working = lead  # the leg moving most is the one doing the rep
        if ev != "rep":
            return None
        side = "both"
        if self.per_side and legs is not None and self.working is not None:
            side = legs[self.working].side
        self.counts[side] += 1
        rep = RepEvent(side, self._counter.up_since, f.t)
        self.events.append(rep)
        self.last_end_s = f.t
        return rep

    def _signal(self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None) -> tuple[float | None, int | None]:
        """The signal's value this frame (None: unknown) and, for leg signals, the leg it came from."""
        spec = self.spec
        if not spec.is_leg_signal:
            return f.value(spec.signal, self.view), None
        if legs is None:
            return None, None
        values = {k: legs[k].value(spec.signal, self.view) for k in (0, 1) if legs[k].known}
        values = {k: v for k, v in values.items() if not math.isnan(v)}
        w = self.working
        if self.up and w is not None:
            if w not in values:
                return None, None  # the leg doing the rep is out of sight: it has not come down
            o = 1 - w
            if o in values and spec.is_up(values[o]) and not spec.is_up(values[w]):
                return values[o], o  # this one came down while the other stays up: that one carries the rep
            return values[w], w
        if not values:
            return None, None
        # At rest, the leg moving most in the rep's direction leads (on a tie, the last working leg).
        sign = -1.0 if spec.direction == "rising" else 1.0
        lead = min(values, key=lambda k: (sign * values[k], k != w))
        return values[lead], lead
