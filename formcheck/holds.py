"""Hold timing for one variant: how long the person stays in the target position.

A hold is timed while the position is held (``machines.HoldTimer``: grace for brief exits, the
definition's minimum), and reported on the side of the leg the definition names. With reps, the hold is
the stay at the top of each rep and is reported with that rep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import HoldEvent
from .exercises import HoldSpec
from .machines import Hold, HoldState, HoldTimer


@dataclass
class HoldTracker:
    spec: HoldSpec
    at_top: bool  # a hold at the top of each rep (the variant has reps too)
    events: list[HoldEvent] = field(default_factory=list)
    _side: str | None = None  # the held leg's side, last known during the current hold
    _pending: Hold | None = None  # a top hold that ended before its rep did

    def __post_init__(self) -> None:
        self._timer = HoldTimer(min_hold_s=self.spec.min_s)

    @property
    def holding(self) -> bool:
        return self._timer.state is not HoldState.IDLE

    def elapsed(self, t: float) -> float | None:
        return self._timer.elapsed(t) if self.holding else None

    def update(self, t: float, in_position: bool | None, settled: bool, side: str | None) -> None:
        """Feed one frame. ``side``: the held leg's side this frame (None when unknown; "both" for both legs)."""
        was_idle = not self.holding
        done = self._timer.update(t, in_position, settled)
        if self.holding and side is not None:
            self._side = side
        if self.at_top:
            self._pending = done or self._pending
        elif done is not None or (not self.holding and not was_idle):
            self._close(done, self._side)

    def end_rep(self, side: str) -> HoldEvent | None:
        """The rep this top hold belongs to has ended: report its hold (None if there was none)."""
        last = self._timer.finish()
        hold, self._pending = self._pending or last, None
        return self._close(hold, side)

    def finish(self) -> None:
        """End of the session: close a hold still running."""
        if not self.at_top:
            self._close(self._timer.finish(), self._side)

    def _close(self, hold: Hold | None, side: str | None) -> HoldEvent | None:
        self._side = None
        if hold is None:
            return None
        dur = hold.duration_s
        ev = HoldEvent(
            side or "both", round(hold.start_s, 3), round(hold.end_s, 3), round(dur, 3), dur >= self.spec.target_s
        )
        self.events.append(ev)
        return ev
