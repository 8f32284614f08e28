"""Hold timing for one variant: how long the person stays in the target position.

A hold is timed while the position is held (``machines.HoldTimer``: grace for brief exits, the
definition's minimum), and reported on the side of the leg the definition names. With reps, the hold is
the stay at the top of each rep and is reported with that rep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from formcheck.definitions.parts import HoldSpec
from formcheck.definitions.vocabulary import Side
from formcheck.engine.findings import HoldEvent, Refusal, Rejection
from formcheck.engine.reps import MOSTLY
from formcheck.engine.statemachines import Hold, HoldState, HoldTimer

# A hold in position from the first frame judged to the last is reported whatever its length: the video shows
# neither its start nor its end (a short looping clip of someone in the stretch), so its length says nothing
# about how long the person held. It must still be at least this long, and its ends this close to the video's.
WHOLE_VIDEO_MIN_S = 1.0
WHOLE_VIDEO_SLACK_S = 0.5
WHOLE_VIDEO_POSTURE = 0.9  # the share of its known orientation that must be the variant's


@dataclass
class HoldTracker:
    spec: HoldSpec
    at_top: bool  # a hold at the top of each rep (the variant has reps too)
    one_leg: bool = False  # one leg is held at a time (the other can take over the position directly)
    events: list[HoldEvent] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    _side: str | None = None  # the held leg's side, last known during the current hold
    _pending: Hold | None = None  # a top hold that ended before its rep did
    _last_t: float = math.nan
    _orient_known_s: float = 0.0  # seconds of the current hold in a known orientation ...
    _orient_ok_s: float = 0.0  # ... and in the variant's
    _first_seen_t: float = math.nan  # the first frame whose position was known (in or out)
    whole_video: HoldEvent | None = None  # a hold from the first frame judged to the last (see WHOLE_VIDEO_MIN_S)

    def __post_init__(self) -> None:
        self._timer = HoldTimer(min_hold_s=self.spec.min_s, min_in_position=not self.at_top)

    @property
    def holding(self) -> bool:
        return self._timer.state is not HoldState.IDLE

    @property
    def idle(self) -> bool:
        """No hold under way, starting, or waiting for its rep to end."""
        return self._timer.idle and self._pending is None

    def elapsed(self, t: float) -> float | None:
        return self._timer.elapsed(t) if self.holding else None

    def running(self, t: float) -> HoldEvent | None:
        """The hold under way as far as it has gone, once it has lasted its minimum (a top hold: its rep's)."""
        span = self._timer.span(t)
        if span is None or span[1] - span[0] < self.spec.min_s:
            return None
        if not self.at_top and self._orient_ok_s < MOSTLY * self._orient_known_s:
            return None  # held in another posture so far: it would not be reported (``_close``)
        dur = span[1] - span[0]
        return HoldEvent(
            self._side or Side.BOTH, round(span[0], 3), round(span[1], 3), round(dur, 3), dur >= self.spec.target_s
        )

    def update(
        self, t: float, in_position: bool | None, settled: bool, side: str | None, orientation_ok: bool | None = None
    ) -> None:
        """Feed one frame. ``side``: the held leg's side this frame (None when unknown; "both" for both legs);
        ``orientation_ok``: whether the body is in the variant's orientation (None: not known)."""
        if self._other_leg_now(side):
            # The other leg is held now: the next hold, not this one going on. (In a stance both legs hold the
            # position all along: there a change of side is MediaPipe swapping the legs, and the hold goes on.)
            self._close(self._timer.finish(), self._side)
        if in_position is not None and math.isnan(self._first_seen_t):
            self._first_seen_t = t
        was_idle = not self.holding
        done = self._timer.update(t, in_position, settled)
        self._count_orientation(t, orientation_ok, started=was_idle and self.holding)
        if self.holding and side is not None:
            self._side = side
        if self.at_top:
            self._pending = done or self._pending
        elif done is not None or (not self.holding and not was_idle):
            self._close(done, self._side)

    def _other_leg_now(self, side: str | None) -> bool:
        return self.one_leg and not self.at_top and self.holding and side is not None and self._side not in (None, side)

    def _count_orientation(self, t: float, orientation_ok: bool | None, started: bool) -> None:
        """Time in the variant's orientation, and time it was known, over the hold under way."""
        if started:
            self._orient_known_s = self._orient_ok_s = 0.0
        dt = t - self._last_t if not math.isnan(self._last_t) else 0.0
        self._last_t = t
        if self.holding and orientation_ok is not None and 0 < dt <= 0.5:
            self._orient_known_s += dt
            self._orient_ok_s += dt * orientation_ok

    def end_rep(self, side: str) -> HoldEvent | None:
        """The rep this top hold belongs to has ended: report its hold (None if there was none)."""
        last = self._timer.finish()
        hold, self._pending = self._pending or last, None
        return self._close(hold, side)

    def interrupt(self, end_hold: bool = True) -> None:
        """What is under way stops: a top hold goes with its rep; a hold in position ends where it was last
        held if ``end_hold`` (the person switches sides), else waits to see if it goes on (a cut away)."""
        if self.at_top:
            self._timer.finish()
            self._pending = None
        elif end_hold:
            self._close(self._timer.finish(), self._side)

    def finish(self) -> None:
        """End of the session: close a hold still running."""
        if not self.at_top:
            whole = self._spans_whole_video()
            ev = self._close(self._timer.finish(keep_short=whole), self._side)
            if whole and ev is not None:
                self.whole_video = ev

    def _spans_whole_video(self) -> bool:
        """The hold under way began at the first frame judged and is held at the last, in the variant's
        orientation throughout (with no minimum to go by, the posture must be sure: a kneeling fold has the
        angles of a lying knee hug, and reads as lying now and then)."""
        timer = self._timer
        if timer.state is not HoldState.HOLDING:
            return False
        dur = timer.last_in_s - timer.start_s
        return (
            timer.start_s - self._first_seen_t <= WHOLE_VIDEO_SLACK_S
            and self._last_t - timer.last_in_s <= WHOLE_VIDEO_SLACK_S
            and dur >= WHOLE_VIDEO_MIN_S
            and self._orient_known_s >= MOSTLY * dur
            and self._orient_ok_s >= WHOLE_VIDEO_POSTURE * self._orient_known_s
        )

    def _close(self, hold: Hold | None, side: str | None) -> HoldEvent | None:
        self._side = None
        if hold is None:
            return None
        if not self.at_top and self._orient_ok_s < MOSTLY * self._orient_known_s:
            # The right angles in another posture (a standing fold has a hip and knee like a lying
            # straight-leg hold): not this variant's hold.
            self.rejected.append(Rejection(Refusal.POSTURE, "held in another posture", hold.start_s, hold.end_s))
            return None
        dur = hold.duration_s
        ev = HoldEvent(
            side or Side.BOTH, round(hold.start_s, 3), round(hold.end_s, 3), round(dur, 3), dur >= self.spec.target_s
        )
        self.events.append(ev)
        return ev
