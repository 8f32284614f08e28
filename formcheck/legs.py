"""Follow each leg by continuity, not by MediaPipe's left/right label.

When the legs overlap in a side view, MediaPipe swaps the labels on some frames and collapses the hidden
leg onto the visible one on others. A counter on one label's raw angle then counts phantom reps. Here each
frame's two leg observations are assigned to two persistent tracks by the cheaper of the two pairings
(knee and ankle positions relative to the hips, in torso lengths). The failure modes it handles:

- a collapsed leg (both observations on one leg) goes only to the track already there; the other track is
  unknown for that frame, unless it was unseen for a moment close by (a leg lowered back beside the other);
- a phantom (the hidden leg drawn just beside the visible one, where that track could not have moved);
- a glitch (both legs jumping at once in one frame) updates nothing.

Which anatomical side a track is comes from MediaPipe's labels *voted over time*, weighted by how far
apart the legs are (labels of overlapping legs are unreliable), so a few swapped frames cannot rename a leg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Two observations closer than this (torso lengths, knee and ankle each) are one leg seen twice.
DUPLICATE_DIST = 0.12
# Two observations this close are "side by side"; a track farther than FAR_DIST from both cannot have
# moved there since its last update (within STALE_S), so one of them is a phantom of the other leg.
NEAR_DIST = 0.35
FAR_DIST = 0.6
STALE_S = 2.0
REJOIN_S = 0.3
REJOIN_DIST = 1.0
# Both tracks jumping at least this far in one frame (knee + ankle, torso lengths; or this speed) is a glitch.
GLITCH_JUMP = 0.25
GLITCH_SPEED = 7.5
# Swap the pairing only when it is clearly cheaper; equal costs (overlapping legs) keep the identities.
SWAP_RATIO = 0.7
SWAP_MIN_GAIN = 0.08
# Label votes decay with this time constant (s): long enough to outvote swaps, short enough to follow
# a real change of working leg.
VOTE_TAU_S = 4.0
VOTE_FULL_SEPARATION = 0.8  # knee + ankle distance (torso lengths) at which a label counts fully


@dataclass
class LegObservation:
    """One leg as MediaPipe labelled it in one frame, in torso lengths relative to the hip midpoint."""

    label: str  # "left" | "right" as MediaPipe named it
    knee: np.ndarray
    ankle: np.ndarray
    usable: bool  # passed the visibility and plausibility gates
    confidence: float  # mean visibility of hip, knee, ankle


@dataclass
class LegTrack:
    """A leg followed through time. ``vote`` > 0 means it has mostly been labelled left."""

    knee: np.ndarray | None = None
    ankle: np.ndarray | None = None
    vote: float = 0.0
    last_t: float = -math.inf


@dataclass
class Assignment:
    """Which observation (index into the frame's observations, or None) each track takes this frame."""

    obs_for_track: tuple[int | None, int | None]
    label_votes: tuple[float, float]  # this frame's vote per track: +conf for "left", -conf for "right"
    collapsed: bool  # the two observations were one leg seen twice


@dataclass
class LegTracker:
    tracks: list[LegTrack] = field(default_factory=lambda: [LegTrack(), LegTrack()])

    def reset(self) -> None:
        self.tracks = [LegTrack(), LegTrack()]

    def update(self, t: float, obs: list[LegObservation]) -> Assignment:
        """Assign ``obs`` (left then right, as labelled) to the two tracks."""
        usable = [i for i, o in enumerate(obs) if o.usable]
        t0, t1 = self.tracks
        if not usable:
            return Assignment((None, None), (0.0, 0.0), False)

        if len(usable) == 2 and self._glitch(t, obs):
            # Both legs jumped at once: a moving leg can be fast, but the other one does not jump with it.
            # MediaPipe's transient misplacements (often a label swap on the far side) look like this;
            # keeping the tracks where they were lets continuity sort the legs out on the next frame.
            return Assignment((None, None), (0.0, 0.0), True)
        collapsed = len(usable) == 2 and _coincide(obs[0], obs[1], DUPLICATE_DIST)
        phantom = None
        if len(usable) == 2 and not collapsed and _coincide(obs[0], obs[1], NEAR_DIST):
            phantom = self._phantom(t, obs)
        if collapsed:
            # One leg seen twice. Give it to the track(s) already there; a track that was elsewhere keeps
            # its last state and reports nothing this frame (unknown, not a guess).
            o = obs[usable[0]]
            d = [_dist(tr, o) for tr in self.tracks]
            # Near: already there. A track unseen for a while may also rejoin from close by (a leg lowered
            # back beside the other while it was hidden); a lifted leg is farther than REJOIN_DIST.
            near = [
                tr.knee is None  # never seen: nothing says this leg is anywhere else
                or di < DUPLICATE_DIST * 2.5
                or (t - tr.last_t > REJOIN_S and di < REJOIN_DIST)
                for di, tr in zip(d, self.tracks)
            ]
            if not any(near) or all(near):
                pairing: tuple[int | None, int | None] = (0, 1)
            elif near[0]:
                pairing = (0, None)
            else:
                pairing = (None, 1)
        elif phantom is not None:
            pairing = phantom
            collapsed = True
        elif len(usable) == 1:
            i = usable[0]
            d = [_dist(tr, obs[i]) for tr in self.tracks]
            if math.isinf(d[0]) and math.isinf(d[1]):
                k = 0 if obs[i].label == "left" else 1
            else:
                k = 0 if d[0] <= d[1] else 1
            pairing = (i, None) if k == 0 else (None, i)
        else:
            straight = _dist(t0, obs[0]) + _dist(t1, obs[1])
            swapped = _dist(t0, obs[1]) + _dist(t1, obs[0])
            if math.isinf(straight) and math.isinf(swapped):
                pairing = (0, 1)
            elif swapped < SWAP_RATIO * straight and straight - swapped > SWAP_MIN_GAIN:
                pairing = (1, 0)
            else:
                pairing = (0, 1)

        separation = _separation(obs[0], obs[1]) if len(usable) == 2 else VOTE_FULL_SEPARATION / 2
        votes = [0.0, 0.0]
        for k, i in enumerate(pairing):
            if i is None:
                continue
            o = obs[i]
            tr = self.tracks[k]
            tr.knee, tr.ankle = o.knee.copy(), o.ankle.copy()
            # A collapsed frame says nothing about which leg is which, and MediaPipe's labels are only
            # trustworthy once the legs are apart: weight each vote by how far apart they are.
            if not collapsed:
                w = o.confidence * min(1.0, separation / VOTE_FULL_SEPARATION)
                votes[k] = w if o.label == "left" else -w
            decay = math.exp(-(t - tr.last_t) / VOTE_TAU_S) if math.isfinite(tr.last_t) else 0.0
            tr.vote = tr.vote * decay + votes[k]
            tr.last_t = t
        return Assignment(pairing, (votes[0], votes[1]), collapsed)

    def _glitch(self, t: float, obs: list[LegObservation]) -> bool:
        jumps = []
        for tr in self.tracks:
            dt = t - tr.last_t
            if not (0 < dt < 0.2):
                return False
            jumps.append(min(_dist(tr, o) for o in obs) / max(GLITCH_JUMP, GLITCH_SPEED * dt))
        return min(jumps) > 1.0

    def _phantom(self, t: float, obs: list[LegObservation]) -> tuple[int | None, int | None] | None:
        """Two observations side by side while one track was far away a moment ago: a leg cannot jump
        there between frames, so the second observation is the hidden leg drawn beside the visible one."""
        d = [[_dist(tr, o) for o in obs] for tr in self.tracks]
        recent = [t - tr.last_t < STALE_S for tr in self.tracks]
        near = [min(row) < NEAR_DIST * 2 for row in d]
        far = [min(row) > FAR_DIST and rec for row, rec in zip(d, recent)]
        for k in (0, 1):
            if near[k] and far[1 - k]:
                i = 0 if d[k][0] <= d[k][1] else 1
                return (i, None) if k == 0 else (None, i)
        return None

    def sides(self) -> tuple[str, str]:
        """Anatomical side of each track: the one more often labelled left is the left leg."""
        if self.tracks[0].vote >= self.tracks[1].vote:
            return ("left", "right")
        return ("right", "left")


def _coincide(a: LegObservation, b: LegObservation, dist: float) -> bool:
    return float(np.linalg.norm(a.knee - b.knee)) < dist and float(np.linalg.norm(a.ankle - b.ankle)) < dist


def _separation(a: LegObservation, b: LegObservation) -> float:
    return float(np.linalg.norm(a.knee - b.knee) + np.linalg.norm(a.ankle - b.ankle))


def _dist(tr: LegTrack, o: LegObservation) -> float:
    if tr.knee is None or tr.ankle is None:
        return math.inf
    return float(np.linalg.norm(tr.knee - o.knee) + np.linalg.norm(tr.ankle - o.ankle))
