"""Per-frame body features: the angles and positions exercises are judged on.

``FeatureExtractor`` turns a stream of ``Pose`` (or None) into ``BodyFeatures``: gated by visibility and
anatomical plausibility, legs followed by continuity (``legs.LegTracker``), angles smoothed per leg with
real timestamps. An angle that could not be measured is NaN ("unknown"), never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import geometry as g
from .filters import ScalarFilter, make_filter
from .legs import LegObservation, LegTracker
from .pose import LEG_CHAIN, LM, Pose

NAN = math.nan

VIS_MIN = 0.5  # landmark visibility below this is treated as not seen
# Anatomical plausibility (degrees): a hip flexed past 155° or a knee past 160° is a collapsed leg.
HIP_RANGE = (25.0, 240.0)
KNEE_RANGE = (20.0, 200.0)
SEG_RANGE = (0.3, 1.7)  # thigh and shank length in torso lengths (foreshortening allowed)
MAX_STEP_DPS = 1500.0  # faster than this between frames is a detection glitch, not a movement
FILTER_RESET_S = 0.5  # after a gap this long, smoothing restarts instead of bridging it
CHIRALITY_TAU_S = 1.0
CHIRALITY_ON = 0.25  # hysteresis on the smoothed chirality evidence
CHIRALITY_OFF = 0.1

ORIENTATIONS = ("standing", "kneeling", "supine", "side-lying")


@dataclass
class LegFeatures:
    """One tracked leg. Angles in degrees (NaN = unknown); speeds in degrees per second."""

    track: int
    side: str  # anatomical side from the label vote
    hip: float = NAN  # signed (front/back aware) when the chirality is known, else unsigned
    knee: float = NAN
    hip_u: float = NAN  # always unsigned [0, 180]: for front views, where front/back is not visible
    knee_u: float = NAN
    hip_3d: float = NAN  # unsigned, from MediaPipe's 3D world landmarks: sees flexion towards the camera
    knee_3d: float = NAN
    hip_speed: float = 0.0
    knee_speed: float = 0.0
    knee_past_toes: float = NAN  # knee ahead of the foot tip, in shank lengths (>0: past the toes)
    label_vote: float = 0.0  # this frame's evidence that this track is the left leg (+) or right (-)
    label: str | None = None  # which of MediaPipe's legs this track took this frame (for drawing)
    raw_hip: float = NAN
    raw_knee: float = NAN

    @property
    def seen(self) -> bool:
        return not math.isnan(self.hip)


@dataclass
class BodyFeatures:
    t: float
    has_pose: bool
    orientation: str | None = None
    chirality: int = 0  # +1 faces image-right when upright (camera sees the right side), -1 mirrored, 0 unknown
    torso_incl: float = NAN
    hip_height: float = NAN  # mid-hip above the floor line, torso lengths
    knee_floor: float = NAN  # lowest knee above the floor line, torso lengths
    shank_rise: float = NAN  # the flattest shank's rise, sin of its angle to horizontal (~0: a knee on the floor)
    lr_vertical: float = NAN  # how vertical the body's left-right axis is in 3D (~1: lying on one side)
    hand_to_floor: float = NAN  # lowest wrist above the floor line, torso lengths
    hand_drop: float = NAN  # lowest wrist below the hips, torso lengths (hands on hips ~0, on the floor ~1)
    stacked: float = NAN  # shoulders/hips one above the other (front view of a side-lying body)
    legs: tuple[LegFeatures, ...] = field(default_factory=tuple)

    def leg(self, side: str) -> LegFeatures | None:
        return next((lg for lg in self.legs if lg.side == side), None)


@dataclass
class _LegState:
    filters: dict[str, ScalarFilter]
    last_t: float = -math.inf


class FeatureExtractor:
    """Stateful: feed frames in time order. ``reset()`` between unrelated clips."""

    def __init__(self, filter_name: str = "one-euro", **filter_params: float) -> None:
        self._filter_name = filter_name
        self._filter_params = filter_params
        self.reset()

    def reset(self) -> None:
        self.tracker = LegTracker()
        self._legs = [self._new_leg_state(), self._new_leg_state()]
        self._chir_ema = 0.0
        self._chirality = 0
        self._last_t = -math.inf
        self._torso_scale = NAN

    def _new_leg_state(self) -> _LegState:
        names = ("hip", "knee", "hip_u", "knee_u", "hip_3d", "knee_3d")
        return _LegState({n: make_filter(self._filter_name, **self._filter_params) for n in names})

    def update(self, t: float, pose: Pose | None) -> BodyFeatures:
        if pose is None:
            self._last_t = t
            return BodyFeatures(t=t, has_pose=False)
        xy, vis = pose.xy, pose.visibility

        def seen(*idx: int) -> bool:
            return all(vis[i] >= VIS_MIN for i in idx)

        shoulders = [i for i in (LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER) if seen(i)]
        hips = [i for i in (LM.LEFT_HIP, LM.RIGHT_HIP) if seen(i)]
        if not shoulders or not hips:
            self._last_t = t
            return BodyFeatures(t=t, has_pose=False)
        mid_sh = xy[shoulders].mean(axis=0)
        mid_hip = xy[hips].mean(axis=0)
        trunk = mid_sh - mid_hip
        torso = float(np.linalg.norm(trunk))
        if torso < 1e-6:
            return BodyFeatures(t=t, has_pose=False)
        # Body scale: the torso barely foreshortens in the side views formcheck works with; a slow
        # average keeps one noisy frame from rescaling everything.
        self._torso_scale = torso if math.isnan(self._torso_scale) else 0.9 * self._torso_scale + 0.1 * torso
        scale = self._torso_scale

        chir = self._update_chirality(t, pose, trunk, scale)
        out = BodyFeatures(t=t, has_pose=True, chirality=chir, torso_incl=g.inclination(trunk))

        # Floor line: the lowest visible foot/knee point (image y grows downwards).
        low = [xy[i, 1] for i in (25, 26, 27, 28, 29, 30, 31, 32) if vis[i] >= VIS_MIN]
        if low:
            floor_y = max(low)
            out.hip_height = (floor_y - mid_hip[1]) / scale
            knees = [xy[i, 1] for i in (LM.LEFT_KNEE, LM.RIGHT_KNEE) if vis[i] >= VIS_MIN]
            if knees:
                out.knee_floor = (floor_y - max(knees)) / scale
            wrists = [xy[i, 1] for i in (LM.LEFT_WRIST, LM.RIGHT_WRIST) if vis[i] >= VIS_MIN]
            if wrists:
                out.hand_to_floor = (floor_y - max(wrists)) / scale
                out.hand_drop = (max(wrists) - mid_hip[1]) / scale
        rises = [
            (xy[a, 1] - xy[k, 1]) / n
            for k, a in ((LM.LEFT_KNEE, LM.LEFT_ANKLE), (LM.RIGHT_KNEE, LM.RIGHT_ANKLE))
            if vis[k] >= VIS_MIN and vis[a] >= VIS_MIN and (n := g.seg_len(xy[k], xy[a])) > 0
        ]
        if rises:
            out.shank_rise = float(min(rises))
        if pose.world is not None:
            # World landmarks are metric and camera-aligned (y down): whatever the camera's angle, a body on
            # its side has its left-right axis vertical, a body on its back has it horizontal.
            w = pose.world
            lr = (w[LM.LEFT_HIP] - w[LM.RIGHT_HIP]) + (w[LM.LEFT_SHOULDER] - w[LM.RIGHT_SHOULDER])
            n = float(np.linalg.norm(lr))
            if n > 0:
                out.lr_vertical = abs(float(lr[1])) / n
        if len(shoulders) == 2 and len(hips) == 2:
            sh_sep = g.seg_len(xy[LM.LEFT_SHOULDER], xy[LM.RIGHT_SHOULDER])
            hip_sep = g.seg_len(xy[LM.LEFT_HIP], xy[LM.RIGHT_HIP])
            out.stacked = (sh_sep + hip_sep) / (2.0 * scale)

        out.legs = self._legs_features(t, pose, mid_hip, trunk, scale, chir)
        out.orientation = classify_orientation(out)
        self._last_t = t
        return out

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
        if w == 0.0:
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
        xy, vis, world = pose.xy, pose.visibility, pose.world
        raw: list[dict[str, float]] = []
        obs: list[LegObservation] = []
        fwd_x = g.anterior(trunk, chir)[0] if chir else 0.0
        for label, (sh_i, hip_i, knee_i, ankle_i, _heel_i, foot_i) in LEG_CHAIN.items():
            hip, knee, ankle = xy[hip_i], xy[knee_i], xy[ankle_i]
            conf = float(np.mean(vis[[hip_i, knee_i, ankle_i]]))
            thigh = g.seg_len(hip, knee) / scale
            shank = g.seg_len(knee, ankle) / scale
            ok = (
                min(vis[hip_i], vis[knee_i], vis[ankle_i]) >= VIS_MIN
                and SEG_RANGE[0] <= thigh <= SEG_RANGE[1]
                and SEG_RANGE[0] <= shank <= SEG_RANGE[1]
            )
            vals = {
                "hip": g.hip_angle(trunk, hip, knee, chir),
                "knee": g.knee_angle(hip, knee, ankle, chir),
                "hip_u": g.hip_angle(trunk, hip, knee, None),
                "knee_u": g.knee_angle(hip, knee, ankle, None),
                "knee_past_toes": NAN,
                "hip_3d": g.joint_angle(world[sh_i], world[hip_i], world[knee_i]) if world is not None else NAN,
                "knee_3d": g.joint_angle(world[hip_i], world[knee_i], world[ankle_i]) if world is not None else NAN,
            }
            if ok and not (HIP_RANGE[0] <= vals["hip"] <= HIP_RANGE[1]):
                ok = False
            if ok and not (KNEE_RANGE[0] <= vals["knee"] <= KNEE_RANGE[1]):
                ok = False
            if fwd_x and vis[foot_i] >= VIS_MIN and vis[knee_i] >= VIS_MIN:
                shank_px = g.seg_len(knee, ankle)
                if shank_px > 0:
                    vals["knee_past_toes"] = (knee[0] - xy[foot_i][0]) * np.sign(fwd_x) / shank_px
            raw.append(vals)
            obs.append(LegObservation(label, (knee - mid_hip) / scale, (ankle - mid_hip) / scale, ok, conf))

        assign = self.tracker.update(t, obs)
        sides = self.tracker.sides()
        legs = []
        for k in (0, 1):
            st = self._legs[k]
            lf = LegFeatures(track=k, side=sides[k], label_vote=assign.label_votes[k])
            i = assign.obs_for_track[k]
            if i is not None:
                vals = raw[i]
                if t - st.last_t > FILTER_RESET_S:
                    for f in st.filters.values():
                        f.reset()
                prev = st.filters["hip"].value
                dt = t - st.last_t
                jump = not math.isnan(prev) and 0 < dt < FILTER_RESET_S and abs(vals["hip"] - prev) / dt > MAX_STEP_DPS
                if not jump:
                    for name, f in st.filters.items():
                        if not math.isnan(vals[name]):
                            setattr(lf, name, f(t, vals[name]))
                    lf.hip_speed = st.filters["hip"].speed
                    lf.knee_speed = st.filters["knee"].speed
                    lf.raw_hip, lf.raw_knee = vals["hip"], vals["knee"]
                    lf.label = obs[i].label
                    lf.knee_past_toes = vals["knee_past_toes"]
                    st.last_t = t
            legs.append(lf)
        return tuple(legs)


def classify_orientation(f: BodyFeatures) -> str | None:
    """Standing / kneeling / supine / side-lying from the trunk's tilt, the hips' height and the shanks.

    Kneeling is told by a shank lying flat (knee as low as its ankle), not by the knee's height above the
    lowest point: in a three-quarter view the far knee sits higher in the image than the near foot.
    """
    incl, hh = f.torso_incl, f.hip_height
    if math.isnan(incl) or math.isnan(hh):
        return None
    if incl < 45.0:
        if not math.isnan(f.shank_rise) and f.shank_rise < 0.4 and hh < 1.5:
            return "kneeling"
        return "standing"
    if hh < 0.7 and incl > 55.0:
        if not math.isnan(f.lr_vertical):
            return "side-lying" if f.lr_vertical > 0.6 else "supine"
        if not math.isnan(f.stacked) and f.stacked > 0.45:
            return "side-lying"
        return "supine"
    if hh > 1.0:
        return "standing"  # bent forward from standing (toe reach)
    return None


def leg_value(leg: LegFeatures, name: str, view: str = "side") -> float:
    """A leg feature by name. In a front view front/back is not visible, so angles are unsigned."""
    if view == "front" and name in ("hip", "knee"):
        name += "_u"
    return float(getattr(leg, name))


def body_value(f: BodyFeatures, name: str, view: str = "side") -> float:
    """A body feature by name; ``hip_min`` etc. are the smaller/larger value over the seen legs."""
    if name in ("hip_min", "hip_max", "knee_min", "knee_max"):
        joint, agg = name.split("_")
        vals = [x for x in (leg_value(lg, joint, view) for lg in f.legs) if not math.isnan(x)]
        if not vals:
            return NAN
        return min(vals) if agg == "min" else max(vals)
    return float(getattr(f, name))
