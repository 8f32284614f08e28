"""Leg identity, in one stage: which observation is which leg, and which anatomical side each leg is.

MediaPipe labels legs left/right, but side-on, where the legs overlap, it swaps the labels on some frames,
collapses the hidden leg onto the visible one on others, and draws phantoms beside it. Counting on one
label's raw angle then counts phantom reps. Here each frame's two leg observations are assigned to two
persistent tracks by continuity (knee and ankle positions relative to the hips, in torso lengths), and
every repair of identity happens here, so nothing downstream second-guesses which leg is which:

- a **collapsed** leg (both observations on one leg) goes only to the track already there; the other
  track is unseen that frame, unless it was unseen for a moment close by (a leg lowered back beside the
  other rejoins it);
- a **phantom** (the hidden leg drawn just beside the visible one, where its track could not have moved);
- a **glitch** (both legs jumping at once in one frame) and a **leap** (an angle changing faster than a
  leg can move) update nothing: that leg is unseen for the frame;
- a **flicker** (an angle zig-zagging by large steps frame to frame, which no limb can do: MediaPipe's
  guess at a leg it cannot see, e.g. one drawn on an empty floor) makes that leg unseen for a moment;
- a leg hidden behind the other is **merged**: unseen for a moment, last seen where the other leg is now,
  so it is taken to lie beside it (side-on, a resting leg hides behind the other, and a lowered leg
  vanishes into the resting one).

The anatomical side of a track comes from MediaPipe's labels *voted over time*, weighted by how far apart
the legs are (labels of overlapping legs are unreliable), so a few swapped frames cannot rename a leg.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from formcheck.definitions.vocabulary import SIDES, Side
from formcheck.pose.geometry import Vec, norm, seg_len

# Two observations closer than this (torso lengths, knee and ankle each) are one leg seen twice.
DUPLICATE_DIST = 0.12
# Two observations this close are "side by side"; a track farther than FAR_DIST from both cannot have
# moved there since its last update (within STALE_S), so one of them is a phantom of the other leg.
NEAR_DIST = 0.35
FAR_DIST = 0.6
STALE_S = 2.0
# A track unseen this long within REJOIN_DIST (knee + ankle) of the other leg has come to lie beside it.
REJOIN_S = 0.3
REJOIN_DIST = 1.0
MERGE_S = 0.3
# Both tracks jumping at least this far in one frame (knee + ankle, torso lengths; or this speed) is a glitch.
GLITCH_JUMP = 0.25
GLITCH_SPEED = 7.5
# A hip angle changing faster than this between frames is a detection leap, not a movement.
MAX_STEP_DPS = 1500.0
LEAP_WINDOW_S = 0.5
# An angle stepping at least this far one way and then back in the next frame reverses faster than a limb
# can (that takes a tenth of a second or more). Now and then that is MediaPipe's jitter on a real leg (up to
# ~20 deg measured on a rocking kneel); FLICKER_REVERSALS of them within FLICKER_WINDOW_S is a leg MediaPipe
# is guessing at, unseen until FLICKER_S after the last one.
FLICKER_STEP_DEG = 8.0
FLICKER_REVERSALS = 3
FLICKER_WINDOW_S = 0.5
FLICKER_S = 0.5
# A track's velocity is smoothed over frames seen at most VELOCITY_GAP_S apart, and followed ahead for at most
# PREDICT_MAX_S when pairing (a leg does not keep its speed for long).
VELOCITY_GAP_S = 0.1
VELOCITY_SMOOTHING = 0.5
PREDICT_MAX_S = 0.3
LOST_MOVING = 1.5  # torso lengths a second (knee and ankle together): a leg swung, not one at rest
# Swap the pairing only when it is clearly cheaper; equal costs (overlapping legs) keep the identities.
SWAP_RATIO = 0.7
SWAP_MIN_GAIN = 0.08
# Label votes decay with this time constant (s): long enough to outvote swaps, short enough to follow a
# real change of working leg.
VOTE_TAU_S = 4.0
VOTE_FULL_SEPARATION = 0.8  # knee + ankle distance (torso lengths) at which a label counts fully
# While the legs coincide, which track is which side fades with this time constant: two legs drawn in one
# place can come apart either way round, and the labels seen once they are apart decide afresh.
COINCIDE_TAU_S = 0.5


class LegStatus(str, Enum):
    SEEN = "seen"  # its own observation this frame
    MERGED = "merged"  # not seen apart from the other leg, and taken to lie beside it
    UNSEEN = "unseen"  # unknown this frame


@dataclass
class LegObservation:
    """One leg as MediaPipe labelled it in one frame, in torso lengths relative to the hip midpoint."""

    label: str  # "left" | "right" as MediaPipe named it
    knee: Vec
    ankle: Vec
    usable: bool  # passed the visibility and plausibility gates
    confidence: float  # mean visibility of hip, knee, ankle
    values: Mapping[str, float] = field(default_factory=dict)  # raw measurements (angles...) of this leg


@dataclass(frozen=True)
class TrackedLeg:
    """What the identity stage hands on for one track and one frame."""

    track: int
    side: str  # anatomical side, from the label vote
    status: LegStatus
    observation: LegObservation | None  # the observation this track took (None unless SEEN)
    vote: float  # this frame's evidence that the track is the left leg (+) or the right (-)


@dataclass
class _Track:
    knee: Vec | None = None
    ankle: Vec | None = None
    velocity: tuple[float, ...] | None = None  # knee and ankle (4 values, torso lengths a second), while seen
    hip: float = math.nan  # last raw hip angle, for the leap check
    vote: float = 0.0  # > 0: mostly labelled left
    last_t: float = -math.inf
    angles: dict[str, float] = field(default_factory=dict)  # last raw hip/knee angles, for the flicker check
    steps: dict[str, float] = field(default_factory=dict)  # ... and their last frame-to-frame steps
    flicker_until: float = -math.inf
    reversals: list[float] = field(default_factory=list)  # times of recent large zig-zags


@dataclass
class LegTracker:
    """Stateful: feed frames in time order; ``reset()`` at a scene cut or between unrelated clips."""

    _tracks: list[_Track] = field(default_factory=lambda: [_Track(), _Track()])
    _last_t: float = -math.inf
    _t: float = -math.inf  # the frame being paired

    def reset(self) -> None:
        self._tracks = [_Track(), _Track()]
        self._last_t = -math.inf

    def sides(self) -> tuple[str, str]:
        """Anatomical side of each track: the one more often labelled left is the left leg."""
        return SIDES if self._tracks[0].vote >= self._tracks[1].vote else SIDES[::-1]

    def update(self, t: float, obs: list[LegObservation]) -> tuple[TrackedLeg, TrackedLeg]:
        """Assign ``obs`` (the frame's two observations, left then right as labelled) to the two tracks."""
        self._t = t
        pairing, coincide = self._pair(t, obs)
        pairing = self._reject_leaps(t, obs, pairing)
        pairing = self._reject_flicker(t, obs, pairing)
        separation = _separation(obs[0], obs[1]) if len(obs) == 2 else 0.0
        votes = [0.0, 0.0]
        for k, i in enumerate(pairing):
            if i is None:
                continue
            o, tr = obs[i], self._tracks[k]
            # A collapsed frame says nothing about which leg is which, and MediaPipe's labels are only
            # trustworthy once the legs are apart: weight each vote by how far apart they are.
            if not coincide:
                w = o.confidence * min(1.0, separation / VOTE_FULL_SEPARATION)
                votes[k] = w if o.label == Side.LEFT else -w
            decay = math.exp(-(t - tr.last_t) / VOTE_TAU_S) if math.isfinite(tr.last_t) else 0.0
            tr.vote = tr.vote * decay + votes[k]
            tr.velocity = _velocity(tr, o, t)
            tr.knee, tr.ankle = tuple(o.knee), tuple(o.ankle)
            tr.hip = o.values.get("hip", math.nan)
            tr.last_t = t
        status = [LegStatus.SEEN if i is not None else LegStatus.UNSEEN for i in pairing]
        for k in (0, 1):
            if status[k] is LegStatus.UNSEEN and status[1 - k] is LegStatus.SEEN and self._merged(t, k, obs, pairing):
                status[k] = LegStatus.MERGED
        if (coincide or LegStatus.MERGED in status) and math.isfinite(self._last_t):
            fade = math.exp(-max(t - self._last_t, 0.0) / COINCIDE_TAU_S)
            for tr in self._tracks:
                tr.vote *= fade
        self._last_t = t
        sides = self.sides()
        return tuple(  # type: ignore[return-value]
            TrackedLeg(k, sides[k], status[k], obs[i] if i is not None else None, votes[k])
            for k, i in enumerate(pairing)
        )

    # --- assignment -------------------------------------------------------------------------------
    def _pair(self, t: float, obs: list[LegObservation]) -> tuple[tuple[int | None, int | None], bool]:
        """Which observation each track takes, and whether the two legs coincide this frame."""
        usable = [i for i, o in enumerate(obs) if o.usable]
        if not usable:
            return (None, None), False
        if len(usable) == 1:
            return self._pair_one(obs, usable[0]), False
        if self._glitch(t, obs):
            # Both legs jumped at once: a moving leg can be fast, but the other one does not jump with it.
            # MediaPipe's transient misplacements (often a label swap on the far side) look like this;
            # keeping the tracks where they were lets continuity sort the legs out on the next frame.
            return (None, None), True
        if _coincide(obs[0], obs[1], DUPLICATE_DIST):
            return self._pair_collapsed(t, obs[usable[0]]), True
        if _coincide(obs[0], obs[1], NEAR_DIST):
            phantom = self._phantom(t, obs)
            if phantom is not None:
                return phantom, True
        return self._pair_two(obs), False

    def _pair_collapsed(self, t: float, o: LegObservation) -> tuple[int | None, int | None]:
        """One leg seen twice. Give it to the track(s) already there; a track that was elsewhere keeps its last
        state and is unseen this frame (unknown, not a guess)."""
        near = [
            tr.knee is None  # never seen: nothing says this leg is anywhere else
            or (di := _dist(tr, o)) < DUPLICATE_DIST * 2.5
            # unseen for a while and close by: a leg lowered back beside the other while hidden
            or (t - tr.last_t > REJOIN_S and di < REJOIN_DIST)
            for tr in self._tracks
        ]
        if not any(near) or all(near):
            return 0, 1
        return (0, None) if near[0] else (None, 1)

    def _pair_one(self, obs: list[LegObservation], i: int) -> tuple[int | None, int | None]:
        """One usable observation: the nearer track takes it (by its label before any track was seen)."""
        d = [_dist(tr, obs[i]) for tr in self._tracks]
        first = obs[i].label == Side.LEFT if math.isinf(d[0]) and math.isinf(d[1]) else d[0] <= d[1]
        return (i, None) if first else (None, i)

    def _pair_two(self, obs: list[LegObservation]) -> tuple[int | None, int | None]:
        """Two legs apart: swapped only when that is clearly cheaper (equal costs keep the identities)."""
        where = _pairing(self._tracks[0], self._tracks[1], obs)
        # A track lost for a moment, where it was heading: two legs crossing (one hugged in as the other is let
        # go) meet in the picture, and where the lost one was last seen says less than where it was going. Where
        # the two readings of continuity disagree, the one MediaPipe's labels agree with decides.
        ahead = [_ahead(tr, self._t) for tr in self._tracks]
        if sum(a is not None for a in ahead) != 1 or min(self._t - tr.last_t for tr in self._tracks) > VELOCITY_GAP_S:
            return where  # only one leg lost on the move, the other seen a frame ago (two lost: nothing to go by)
        heading = _pairing(*(a or tr for a, tr in zip(ahead, self._tracks)), obs)
        if heading != where and self._labels_agree(obs, heading):
            return heading
        return where

    def _labels_agree(self, obs: list[LegObservation], pairing: tuple[int, int]) -> bool:
        sides = self.sides()
        return all(obs[i].label == sides[k] for k, i in enumerate(pairing))

    def _glitch(self, t: float, obs: list[LegObservation]) -> bool:
        jumps = []
        for tr in self._tracks:
            dt = t - tr.last_t
            if not (0 < dt < 0.2):
                return False
            jumps.append(min(_dist(tr, o) for o in obs) / max(GLITCH_JUMP, GLITCH_SPEED * dt))
        return min(jumps) > 1.0

    def _phantom(self, t: float, obs: list[LegObservation]) -> tuple[int | None, int | None] | None:
        """Two observations side by side while one track was far away a moment ago: a leg cannot jump
        there between frames, so the second observation is the hidden leg drawn beside the visible one."""
        d = [[_dist(tr, o) for o in obs] for tr in self._tracks]
        recent = [t - tr.last_t < STALE_S for tr in self._tracks]
        near = [min(row) < NEAR_DIST * 2 for row in d]
        far = [min(row) > FAR_DIST and rec for row, rec in zip(d, recent)]
        for k in (0, 1):
            if near[k] and far[1 - k]:
                i = 0 if d[k][0] <= d[k][1] else 1
                return (i, None) if k == 0 else (None, i)
        return None

    def _reject_leaps(
        self, t: float, obs: list[LegObservation], pairing: tuple[int | None, int | None]
    ) -> tuple[int | None, int | None]:
        """An observation whose hip angle leapt faster than a leg moves is not this leg this frame."""
        out = list(pairing)
        for k, i in enumerate(pairing):
            tr = self._tracks[k]
            dt = t - tr.last_t
            if i is None or not (0 < dt < LEAP_WINDOW_S) or math.isnan(tr.hip):
                continue
            hip = obs[i].values.get("hip", math.nan)
            if not math.isnan(hip) and abs(hip - tr.hip) / dt > MAX_STEP_DPS:
                out[k] = None
        return out[0], out[1]

    def _reject_flicker(
        self, t: float, obs: list[LegObservation], pairing: tuple[int | None, int | None]
    ) -> tuple[int | None, int | None]:
        out = list(pairing)
        for k, i in enumerate(pairing):
            tr = self._tracks[k]
            if i is None:
                continue
            recent = 0 < t - tr.last_t < 0.1
            for name in ("hip", "knee"):
                x = obs[i].values.get(name, math.nan)
                prev, step = tr.angles.get(name, math.nan), tr.steps.get(name, 0.0)
                new_step = x - prev if recent and not math.isnan(x) and not math.isnan(prev) else 0.0
                if abs(new_step) >= FLICKER_STEP_DEG and abs(step) >= FLICKER_STEP_DEG and new_step * step < 0:
                    tr.reversals = [r for r in tr.reversals if t - r <= FLICKER_WINDOW_S] + [t]
                    if len(tr.reversals) >= FLICKER_REVERSALS:
                        tr.flicker_until = t + FLICKER_S
                tr.angles[name], tr.steps[name] = x, new_step
            if t < tr.flicker_until:
                out[k] = None
        return out[0], out[1]

    def _merged(self, t: float, k: int, obs: list[LegObservation], pairing: tuple[int | None, int | None]) -> bool:
        """Track ``k`` is unseen, the other is seen: is ``k`` hidden beside it?"""
        tr = self._tracks[k]
        other = pairing[1 - k]
        if tr.knee is None or other is None or t - tr.last_t < MERGE_S:
            return False
        return _dist(tr, obs[other]) < REJOIN_DIST


def _coincide(a: LegObservation, b: LegObservation, dist: float) -> bool:
    return seg_len(a.knee, b.knee) < dist and seg_len(a.ankle, b.ankle) < dist


def _separation(a: LegObservation, b: LegObservation) -> float:
    return seg_len(a.knee, b.knee) + seg_len(a.ankle, b.ankle)


def _pairing(t0: _Track, t1: _Track, obs: list[LegObservation]) -> tuple[int, int]:
    """Which observation each track takes by distance: swapped only when that is clearly cheaper."""
    straight = _dist(t0, obs[0]) + _dist(t1, obs[1])
    swapped = _dist(t0, obs[1]) + _dist(t1, obs[0])
    if not (math.isinf(straight) and math.isinf(swapped)) and (
        swapped < SWAP_RATIO * straight and straight - swapped > SWAP_MIN_GAIN
    ):
        return 1, 0
    return 0, 1


def _velocity(tr: _Track, o: LegObservation, t: float) -> tuple[float, ...] | None:
    """The track's knee and ankle velocity with this observation (smoothed; None after a gap)."""
    dt = t - tr.last_t
    if tr.knee is None or tr.ankle is None or not 0 < dt <= VELOCITY_GAP_S:
        return None
    (kx, ky), (ax, ay) = tr.knee, tr.ankle
    step = ((o.knee[0] - kx) / dt, (o.knee[1] - ky) / dt, (o.ankle[0] - ax) / dt, (o.ankle[1] - ay) / dt)
    if tr.velocity is None:
        return step
    keep = 1 - VELOCITY_SMOOTHING
    return tuple(VELOCITY_SMOOTHING * v + keep * s for v, s in zip(tr.velocity, step))


def _ahead(tr: _Track, t: float) -> _Track | None:
    """A track lost a moment ago (VELOCITY_GAP_S to PREDICT_MAX_S) while moving (LOST_MOVING speed or more),
    moved on to ``t`` at its last velocity; None for any other track (it is where it was last seen)."""
    gap = t - tr.last_t
    if tr.velocity is None or tr.knee is None or tr.ankle is None or not VELOCITY_GAP_S < gap <= PREDICT_MAX_S:
        return None
    if norm(tr.velocity) < LOST_MOVING:
        return None
    v = tr.velocity
    return _Track(
        knee=(tr.knee[0] + v[0] * gap, tr.knee[1] + v[1] * gap),
        ankle=(tr.ankle[0] + v[2] * gap, tr.ankle[1] + v[3] * gap),
    )


def _dist(tr: _Track, o: LegObservation) -> float:
    if tr.knee is None or tr.ankle is None:
        return math.inf
    return seg_len(tr.knee, o.knee) + seg_len(tr.ankle, o.ankle)
