"""Per-frame body features: the angles and positions exercises are judged on.

``FeatureExtractor`` turns a stream of ``Pose`` (or None) into ``BodyFeatures``: every feature of the
vocabulary (``vocabulary.py``), gated by visibility and anatomical plausibility; the legs' identity comes
from ``legs.LegTracker``, and their angles are smoothed per tracked leg on real timestamps. A value that
could not be measured is NaN ("unknown"), never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.vocabulary import View
from formcheck.engine.body import VIS_MIN, Point, body_values, classify_orientation, find_trunk, midpoint, observe_leg
from formcheck.engine.filters import OneEuro
from formcheck.engine.legs import LegStatus, LegTracker
from formcheck.pose import geometry as g
from formcheck.pose.landmarks import LEG_CHAIN, LM, Pose

NAN = math.nan

FILTER_RESET_S = 0.5  # after a gap this long, smoothing restarts instead of bridging it
CHIRALITY_TAU_S = 1.0
CHIRALITY_ON = 0.25  # hysteresis on the smoothed chirality evidence
CHIRALITY_OFF = 0.1
# Shoulders and hips this far apart in the image (torso lengths), or the body's left-right axis turned this
# far towards the camera in 3D (about 27 degrees): the camera is oblique, and angles in the body's plane of
# movement are foreshortened. A property of the set-up, so smoothed over about a second.
OBLIQUE_STACKED = 0.25
OBLIQUE_FACING = 0.45
OBLIQUE_TAU_S = 1.0
# The hips moving this many torso lengths within JUMP_WINDOW_S is no movement: a new shot.
JUMP_TORSOS = 1.5
JUMP_WINDOW_S = 0.2


# Values measured per leg: the vocabulary's leg features, plus unsigned angles for front views (where
# front and back cannot be told apart) and what the overlay draws.
_LEG_VALUES = (*vocab.LEG_FEATURES, "hip_u", "knee_u")
_SMOOTHED = ("hip", "knee", "hip_u", "knee_u", "hip_3d", "knee_3d")
_UNSIGNED_IN_FRONT_VIEW = {"hip": "hip_u", "knee": "knee_u"}


def leg_key(name: str, view: str) -> str:
    """The key of ``LegFeatures.values`` a leg feature is read from in ``view`` (for ``LegFeatures.value``,
    and for the engines, which look it up once rather than every frame)."""
    return _UNSIGNED_IN_FRONT_VIEW.get(name, name) if view == View.FRONT else name


@dataclass
class LegFeatures:
    """One tracked leg in one frame. Angles in degrees (NaN = unknown); speeds in degrees per second."""

    track: int
    side: str  # anatomical side, from the identity stage's label vote
    status: LegStatus = LegStatus.UNSEEN
    values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_LEG_VALUES, NAN))
    hip_speed: float = 0.0
    knee_speed: float = 0.0
    label: str | None = None  # which of MediaPipe's legs this track took this frame (for drawing)
    # Measured this frame, or hidden beside the other leg (then it carries that leg's values). Set once the
    # frame's legs are settled: every engine asks, many times a frame.
    known: bool = False

    def value(self, name: str, view: str = View.SIDE) -> float:
        """A leg feature by name. In a front view front/back is not visible, so angles are unsigned."""
        return self.values[leg_key(name, view)]

    @property
    def hip(self) -> float:
        return self.values["hip"]

    @property
    def knee(self) -> float:
        return self.values["knee"]


@dataclass
class BodyFeatures:
    t: float
    has_pose: bool
    orientation: str | None = None
    chirality: int = 0  # +1 faces image-right when upright (camera sees the right side), -1 mirrored, 0 unknown
    values: dict[str, float] = field(default_factory=dict)  # the vocabulary's body features (NaN = unknown)
    legs: tuple[LegFeatures, ...] = field(default_factory=tuple)
    cut: bool = False  # a new shot starts here (a cut in the video, or the body jumping across the frame)

    def value(self, name: str, view: str = View.SIDE) -> float:
        """A body feature by name; ``hip_min`` etc. are the smaller/larger value over the known legs. A name
        the vocabulary does not have is an error (a typo must not read as "unknown")."""
        agg = _AGGREGATES.get(name)
        if agg is None:
            try:
                return self.values[name]
            except KeyError:
                if name not in vocab.BODY_FEATURES:
                    raise KeyError(f"unknown body feature {name!r}") from None
                return NAN
        joint, pick = agg
        vals = [x for x in (lg.value(joint, view) for lg in self.legs if lg.known) if not math.isnan(x)]
        return pick(vals) if vals else NAN

    def leg(self, side: str) -> LegFeatures | None:
        return next((lg for lg in self.legs if lg.side == side), None)


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


_AGGREGATES = {
    "hip_min": ("hip", min),
    "hip_max": ("hip", max),
    "knee_min": ("knee", min),
    "knee_max": ("knee", max),
    "hip_mean": ("hip", _mean),
    "knee_mean": ("knee", _mean),
}


@dataclass
class _LegSmoothing:
    filters: dict[str, OneEuro] = field(default_factory=lambda: {n: OneEuro() for n in _SMOOTHED})
    last_t: float = -math.inf

    def update(self, t: float, raw: Mapping[str, float]) -> dict[str, float]:
        if t - self.last_t > FILTER_RESET_S:
            for f in self.filters.values():
                f.reset()
        self.last_t = t
        out = dict(raw)
        for name, f in self.filters.items():
            x = raw.get(name, NAN)
            out[name] = f(t, x) if not math.isnan(x) else NAN
        return out


class FeatureExtractor:
    """Stateful: feed frames in time order. ``reset()`` at a scene cut or between unrelated clips."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.tracker = LegTracker()
        self._smoothing = [_LegSmoothing(), _LegSmoothing()]
        self._chir_ema = 0.0
        self._chirality = 0
        self._last_t = -math.inf
        self._torso_scale = NAN
        self._last_hip: Point | None = None
        self._last_hip_t = -math.inf
        self._obliqueness = 0.0
        self._oblique_t = -math.inf

    def update(self, t: float, pose: Pose | None, cut: bool = False) -> BodyFeatures:
        """One frame. ``cut``: a new shot starts here, so nothing is carried over from the last one."""
        if cut:
            self.reset()
        if pose is None:
            self._last_t = t
            return BodyFeatures(t=t, has_pose=False, cut=cut)
        trunk = find_trunk(pose)
        if trunk is None:
            self._last_t = t
            return BodyFeatures(t=t, has_pose=False, cut=cut)
        if trunk.torso < 1e-6:
            return BodyFeatures(t=t, has_pose=False, cut=cut)
        if self._jumped(t, trunk.mid_hip, trunk.torso):
            # The body cannot cross the frame between two frames: a cut the pixels did not show, or MediaPipe
            # finding the person again somewhere else. Start afresh rather than read it as a movement.
            self.reset()
            cut = True
        self._last_hip, self._last_hip_t = trunk.mid_hip, t
        # Body scale: the torso barely foreshortens in the side views formcheck works with; a slow
        # average keeps one noisy frame from rescaling everything.
        torso = trunk.torso
        self._torso_scale = torso if math.isnan(self._torso_scale) else 0.9 * self._torso_scale + 0.1 * torso
        scale = self._torso_scale
        chir = self._update_chirality(t, pose, trunk.trunk, scale)
        values = body_values(pose, trunk, scale)
        values["obliqueness"] = self._update_obliqueness(t, values["stacked"], values["facing_camera"])
        out = BodyFeatures(t=t, has_pose=True, chirality=chir, values=values, cut=cut)
        out.legs = self._legs_features(t, pose, trunk.mid_hip, trunk.trunk, scale, chir)
        out.orientation = classify_orientation(out.values)
        self._last_t = t
        return out

    def _update_obliqueness(self, t: float, stacked: float, facing: float) -> float:
        scores = [x for x in (stacked / OBLIQUE_STACKED, facing / OBLIQUE_FACING) if not math.isnan(x)]
        if scores:
            dt = t - self._oblique_t if math.isfinite(self._oblique_t) else math.inf
            a = 1.0 - math.exp(-dt / OBLIQUE_TAU_S) if dt > 0 else 0.0
            self._obliqueness += a * (max(scores) - self._obliqueness)
            self._oblique_t = t
        return self._obliqueness

    def _jumped(self, t: float, mid_hip: Point, torso: float) -> bool:
        if self._last_hip is None or not (0 < t - self._last_hip_t < JUMP_WINDOW_S):
            return False
        return g.seg_len(self._last_hip, mid_hip) > JUMP_TORSOS * torso

    def _update_chirality(self, t: float, pose: Pose, trunk: Point, scale: float) -> int:
        xy, vis, z = pose.points.xy, pose.points.visibility, pose.points.z
        ev, w = 0.0, 0.0
        ears = [i for i in (LM.LEFT_EAR, LM.RIGHT_EAR) if vis[i] >= VIS_MIN]
        if vis[LM.NOSE] >= VIS_MIN and ears:
            ev += 0.6 * g.chirality_evidence(trunk, xy[LM.NOSE], midpoint(xy, ears))
            w += 0.6
        if z is not None:
            # The side nearer the camera (smaller z) is the side the camera sees; chirality +1 (facing
            # image-right when upright) shows the right side.
            dz = (z[LM.LEFT_SHOULDER] - z[LM.RIGHT_SHOULDER]) + (z[LM.LEFT_HIP] - z[LM.RIGHT_HIP])
            ev += 0.4 * g.clamp(dz / (2.0 * scale), -1.0, 1.0)
            w += 0.4
        if w == 0.0 or not math.isfinite(ev):
            # (a NaN from a broken landmark would stay in the running average for good)
            return self._chirality
        ev /= w
        dt = t - self._last_t if math.isfinite(self._last_t) else 1.0 / 30.0
        a = 1.0 - math.exp(-max(dt, 1e-3) / CHIRALITY_TAU_S)
        self._chir_ema += a * (ev - self._chir_ema)
        if self._chirality == 0 and abs(self._chir_ema) > CHIRALITY_ON:
            self._chirality = 1 if self._chir_ema > 0 else -1
        elif self._chirality != 0 and self._chir_ema * self._chirality < -CHIRALITY_ON:
            self._chirality = -self._chirality
        elif self._chirality != 0 and abs(self._chir_ema) < CHIRALITY_OFF:
            self._chirality = 0
        return self._chirality

    def _legs_features(
        self,
        t: float,
        pose: Pose,
        mid_hip: Point,
        trunk: Point,
        scale: float,
        chir: int,
    ) -> tuple[LegFeatures, ...]:
        obs = [observe_leg(label, pose, mid_hip, trunk, scale, chir) for label in LEG_CHAIN]
        tracked = self.tracker.update(t, obs)
        legs = [LegFeatures(track=tl.track, side=tl.side, status=tl.status) for tl in tracked]
        for tl, lf in zip(tracked, legs):
            if tl.observation is None:
                continue
            sm = self._smoothing[tl.track]
            lf.values = sm.update(t, tl.observation.values)
            lf.hip_speed = sm.filters["hip"].speed
            lf.knee_speed = sm.filters["knee"].speed
            lf.label = tl.observation.label
        for k in (0, 1):
            if legs[k].status is LegStatus.MERGED:
                # Hidden beside the other leg: it is where that leg is.
                other = legs[1 - k]
                legs[k].values = dict(other.values)
                legs[k].hip_speed, legs[k].knee_speed = other.hip_speed, other.knee_speed
        for lf in legs:
            hip = lf.values["hip"]
            lf.known = lf.status is not LegStatus.UNSEEN and hip == hip  # (not NaN)
        return tuple(legs)
