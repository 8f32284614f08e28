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

import numpy as np

from formcheck.definitions import vocabulary as vocab
from formcheck.engine.filters import OneEuro
from formcheck.engine.legs import LegObservation, LegStatus, LegTracker
from formcheck.pose import geometry as g
from formcheck.pose.landmarks import LEG_CHAIN, LM, Pose

NAN = math.nan

VIS_MIN = 0.5  # landmark visibility below this is treated as not seen
# Anatomical plausibility (degrees): a knee flexed past 160° is a collapsed leg; a hip reads ~20° in a deep
# forward fold or a knee hugged to the chest, so only a hip folded flat onto the trunk is implausible.
HIP_RANGE = (10.0, 240.0)
KNEE_RANGE = (20.0, 200.0)
SEG_RANGE = (0.3, 1.7)  # thigh and shank length in torso lengths (foreshortening allowed)
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
FRAME_MARGIN = 0.02  # landmarks this far outside the picture (share of its size) are guesses, not seen
# The hips moving this many torso lengths within JUMP_WINDOW_S is no movement: a new shot.
JUMP_TORSOS = 1.5
JUMP_WINDOW_S = 0.2


# Values measured per leg: the vocabulary's leg features, plus unsigned angles for front views (where
# front and back cannot be told apart) and what the overlay draws.
_LEG_VALUES = (*vocab.LEG_FEATURES, "hip_u", "knee_u")
_SMOOTHED = ("hip", "knee", "hip_u", "knee_u", "hip_3d", "knee_3d")
_UNSIGNED_IN_FRONT_VIEW = {"hip": "hip_u", "knee": "knee_u"}


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

    @property
    def known(self) -> bool:
        """Measured this frame, or hidden beside the other leg (then it carries that leg's values)."""
        return self.status is not LegStatus.UNSEEN and self.values["hip"] == self.values["hip"]  # not NaN

    def value(self, name: str, view: str = "side") -> float:
        """A leg feature by name. In a front view front/back is not visible, so angles are unsigned."""
        if view == "front":
            name = _UNSIGNED_IN_FRONT_VIEW.get(name, name)
        return self.values[name]

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

    def value(self, name: str, view: str = "side") -> float:
        """A body feature by name; ``hip_min`` etc. are the smaller/larger value over the known legs."""
        agg = _AGGREGATES.get(name)
        if agg is None:
            return self.values.get(name, NAN)
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


def body_axis(pose: Pose) -> tuple[float, float]:
    """The body's left-right axis against the camera: (how vertical it is, how square the body is to the
    camera: 0 side-on, 1 facing it); NaN without world landmarks. World landmarks are metric and
    camera-aligned (y down): whatever the camera's angle, a body on its side has its left-right axis
    vertical, a body on its back has it horizontal."""
    w = pose.world
    if w is None:
        return NAN, NAN
    lr = (w[LM.LEFT_HIP] - w[LM.RIGHT_HIP]) + (w[LM.LEFT_SHOULDER] - w[LM.RIGHT_SHOULDER])
    n = g.norm(lr)
    if not n > 0:
        return NAN, NAN
    return abs(float(lr[1])) / n, abs(float(lr[0])) / n


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
        self._last_hip: np.ndarray | None = None
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
        xy, vis = pose.xy, pose.visibility
        w, h = pose.image_size

        def seen(i: int) -> bool:
            # seen, and inside the picture: a close-up of the legs has its shoulders guessed off-screen
            # (y has no lower bound there, so it must be finite: one infinite shoulder would make the torso
            # scale, a running average, infinite for the rest of the video)
            x, y = xy[i]
            return (
                vis[i] >= VIS_MIN
                and -FRAME_MARGIN * w <= x <= (1 + FRAME_MARGIN) * w
                and -math.inf < y <= (1 + FRAME_MARGIN) * h
            )

        shoulders = [i for i in (LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER) if seen(i)]
        hips = [i for i in (LM.LEFT_HIP, LM.RIGHT_HIP) if seen(i)]
        if not shoulders or not hips:
            self._last_t = t
            return BodyFeatures(t=t, has_pose=False, cut=cut)
        mid_sh = xy[shoulders[0]] if len(shoulders) == 1 else (xy[shoulders[0]] + xy[shoulders[1]]) / 2.0
        mid_hip = xy[hips[0]] if len(hips) == 1 else (xy[hips[0]] + xy[hips[1]]) / 2.0
        trunk = mid_sh - mid_hip
        torso = g.norm(trunk)
        if torso < 1e-6:
            return BodyFeatures(t=t, has_pose=False, cut=cut)
        if self._jumped(t, mid_hip, torso):
            # The body cannot cross the frame between two frames: a cut the pixels did not show, or MediaPipe
            # finding the person again somewhere else. Start afresh rather than read it as a movement.
            self.reset()
            cut = True
        self._last_hip, self._last_hip_t = mid_hip, t
        # Body scale: the torso barely foreshortens in the side views formcheck works with; a slow
        # average keeps one noisy frame from rescaling everything.
        self._torso_scale = torso if math.isnan(self._torso_scale) else 0.9 * self._torso_scale + 0.1 * torso
        scale = self._torso_scale

        chir = self._update_chirality(t, pose, trunk, scale)
        values = dict.fromkeys(vocab.BODY_FEATURES, NAN)
        values["torso_incl"] = g.inclination(trunk)

        # Floor line: the lowest visible foot/knee point (image y grows downwards).
        low = [xy[i, 1] for i in (25, 26, 27, 28, 29, 30, 31, 32) if vis[i] >= VIS_MIN]
        if low:
            floor_y = max(low)
            values["hip_height"] = (floor_y - mid_hip[1]) / scale
            knees = [xy[i, 1] for i in (LM.LEFT_KNEE, LM.RIGHT_KNEE) if vis[i] >= VIS_MIN]
            if knees:
                values["knee_floor"] = (floor_y - max(knees)) / scale
            wrists = [xy[i, 1] for i in (LM.LEFT_WRIST, LM.RIGHT_WRIST) if vis[i] >= VIS_MIN]
            if wrists:
                values["hand_to_floor"] = (floor_y - max(wrists)) / scale
                values["hand_drop"] = (max(wrists) - mid_hip[1]) / scale
        rises = [
            (xy[a, 1] - xy[k, 1]) / n
            for k, a in ((LM.LEFT_KNEE, LM.LEFT_ANKLE), (LM.RIGHT_KNEE, LM.RIGHT_ANKLE))
            if vis[k] >= VIS_MIN and vis[a] >= VIS_MIN and (n := g.seg_len(xy[k], xy[a])) > 0
        ]
        if rises:
            values["shank_rise"] = float(min(rises))
        values["thigh_rise"] = _thigh_rise(pose, scale)
        values["lr_vertical"], values["facing_camera"] = body_axis(pose)
        if len(shoulders) == 2 and len(hips) == 2:
            sh_sep = g.seg_len(xy[LM.LEFT_SHOULDER], xy[LM.RIGHT_SHOULDER])
            hip_sep = g.seg_len(xy[LM.LEFT_HIP], xy[LM.RIGHT_HIP])
            values["stacked"] = (sh_sep + hip_sep) / (2.0 * scale)

        values["obliqueness"] = self._update_obliqueness(t, values["stacked"], values["facing_camera"])
        out = BodyFeatures(t=t, has_pose=True, chirality=chir, values=values, cut=cut)
        out.legs = self._legs_features(t, pose, mid_hip, trunk, scale, chir)
        out.orientation = classify_orientation(out)
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

    def _jumped(self, t: float, mid_hip: np.ndarray, torso: float) -> bool:
        if self._last_hip is None or not (0 < t - self._last_hip_t < JUMP_WINDOW_S):
            return False
        return g.norm(mid_hip - self._last_hip) > JUMP_TORSOS * torso

    def _update_chirality(self, t: float, pose: Pose, trunk: np.ndarray, scale: float) -> int:
        xy, vis = pose.xy, pose.visibility
        ev, w = 0.0, 0.0
        ears = [i for i in (LM.LEFT_EAR, LM.RIGHT_EAR) if vis[i] >= VIS_MIN]
        if vis[LM.NOSE] >= VIS_MIN and ears:
            ev += 0.6 * g.chirality_evidence(trunk, xy[LM.NOSE], xy[ears].mean(axis=0))
            w += 0.6
        if pose.z is not None:
            # The side nearer the camera (smaller z) is the side the camera sees; chirality +1 (facing
            # image-right when upright) shows the right side.
            dz = (pose.z[LM.LEFT_SHOULDER] - pose.z[LM.RIGHT_SHOULDER]) + (pose.z[LM.LEFT_HIP] - pose.z[LM.RIGHT_HIP])
            ev += 0.4 * float(np.clip(dz / (2.0 * scale), -1.0, 1.0))
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
        mid_hip: np.ndarray,
        trunk: np.ndarray,
        scale: float,
        chir: int,
    ) -> tuple[LegFeatures, ...]:
        obs = [_observe(label, pose, mid_hip, trunk, scale, chir) for label in LEG_CHAIN]
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
        return tuple(legs)


def _observe(label: str, pose: Pose, mid_hip: np.ndarray, trunk: np.ndarray, scale: float, chir: int) -> LegObservation:
    """One labelled leg's raw measurements, gated by visibility and anatomical plausibility."""
    xy, vis, world = pose.xy, pose.visibility, pose.world
    sh_i, hip_i, knee_i, ankle_i, _heel_i, foot_i = LEG_CHAIN[label]
    hip, knee, ankle = xy[hip_i], xy[knee_i], xy[ankle_i]
    thigh = g.seg_len(hip, knee) / scale
    shank = g.seg_len(knee, ankle) / scale
    values = {
        "hip": g.hip_angle(trunk, hip, knee, chir),
        "knee": g.knee_angle(hip, knee, ankle, chir),
        "hip_u": g.hip_angle(trunk, hip, knee, None),
        "knee_u": g.knee_angle(hip, knee, ankle, None),
        "hip_3d": g.joint_angle(world[sh_i], world[hip_i], world[knee_i]) if world is not None else NAN,
        "knee_3d": g.joint_angle(world[hip_i], world[knee_i], world[ankle_i]) if world is not None else NAN,
        "knee_past_toes": NAN,
    }
    usable = (
        min(vis[hip_i], vis[knee_i], vis[ankle_i]) >= VIS_MIN
        and SEG_RANGE[0] <= thigh <= SEG_RANGE[1]
        and SEG_RANGE[0] <= shank <= SEG_RANGE[1]
        and HIP_RANGE[0] <= values["hip"] <= HIP_RANGE[1]
        and KNEE_RANGE[0] <= values["knee"] <= KNEE_RANGE[1]
    )
    fwd_x = g.anterior(trunk, chir)[0] if chir else 0.0
    if fwd_x and vis[foot_i] >= VIS_MIN and vis[knee_i] >= VIS_MIN:
        shank_px = g.seg_len(knee, ankle)
        if shank_px > 0:
            values["knee_past_toes"] = float((knee[0] - xy[foot_i][0]) * np.sign(fwd_x) / shank_px)
    conf = (float(vis[hip_i]) + float(vis[knee_i]) + float(vis[ankle_i])) / 3.0
    return LegObservation(label, (knee - mid_hip) / scale, (ankle - mid_hip) / scale, usable, conf, values)


def _thigh_rise(pose: Pose, scale: float) -> float:
    """How steep the steeper thigh is (sine of its angle to horizontal). From the 3D world landmarks where
    known: seen from the front a seated person's thighs point at the camera, which the image cannot show."""
    pairs = ((LM.LEFT_HIP, LM.LEFT_KNEE), (LM.RIGHT_HIP, LM.RIGHT_KNEE))
    vis = pose.visibility
    rises = []
    for h, k in pairs:
        if vis[h] < VIS_MIN or vis[k] < VIS_MIN:
            continue
        d = pose.world[k] - pose.world[h] if pose.world is not None else pose.xy[k] - pose.xy[h]
        n = g.norm(d)
        if n > 0:
            rises.append(abs(float(d[1])) / n)
    return max(rises) if rises else NAN


def classify_orientation(f: BodyFeatures) -> str | None:
    """Standing / kneeling / seated / supine / side-lying from the trunk's tilt, the hips' height, the
    thighs and the shanks.

    Kneeling is told by a shank lying flat (knee as low as its ankle), not by the knee's height above the
    lowest point: in a three-quarter view the far knee sits higher in the image than the near foot. Seated
    is both thighs about level with the hips low and the trunk not lying back.
    """
    v = f.values
    incl, hh = v["torso_incl"], v["hip_height"]
    if math.isnan(incl) or math.isnan(hh):
        return None
    if incl < 75.0 and hh < 1.4 and not math.isnan(v["thigh_rise"]) and v["thigh_rise"] < 0.5:
        return "seated"
    if incl < 45.0:
        if not math.isnan(v["shank_rise"]) and v["shank_rise"] < 0.4 and hh < 1.5:
            return "kneeling"
        return "standing"
    # Lying: the trunk about level and the hips near the floor (a camera looking down lifts them in the image).
    if incl > 55.0 and (hh < 0.7 or (incl > 70.0 and hh < 1.0)):
        if not math.isnan(v["lr_vertical"]):
            return "side-lying" if v["lr_vertical"] > 0.6 else "supine"
        if not math.isnan(v["stacked"]) and v["stacked"] > 0.45:
            return "side-lying"
        return "supine"
    if hh > 1.0:
        return "standing"  # bent forward from standing (toe reach)
    return None
