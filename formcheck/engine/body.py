"""The body in one frame, as pure functions of one pose: the trunk, the body features of the vocabulary (floor
line, hands, shanks, thighs, the left-right axis in 3D), a labelled leg's raw measurements, and the posture.

They read the pose's landmarks as Python floats (``Pose.points``): a frame's geometry is a few hundred
operations on two or three numbers each, where numpy costs more in overhead than in arithmetic."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.vocabulary import Orientation
from formcheck.engine.legs import LegObservation
from formcheck.pose import geometry as g
from formcheck.pose.landmarks import LEG_CHAIN, LM, Pose

NAN = math.nan
VIS_MIN = 0.5  # landmark visibility below this is treated as not seen
# Anatomical plausibility (degrees): a knee flexed past 160° is a collapsed leg; a hip reads ~20° in a deep
# forward fold or a knee hugged to the chest, so only a hip folded flat onto the trunk is implausible.
HIP_RANGE = (10.0, 240.0)
KNEE_RANGE = (20.0, 200.0)
SEG_RANGE = (0.3, 1.7)  # thigh and shank length in torso lengths (foreshortening allowed)
FRAME_MARGIN = 0.02  # landmarks this far outside the picture (share of its size) are guesses, not seen


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Trunk:
    """Shoulders and hips as seen: their midpoints, the trunk line (hips to shoulders) and its length."""

    mid_shoulder: Point
    mid_hip: Point
    both_sides: bool  # both shoulders and both hips seen (how square the body is can be measured)
    trunk: Point
    torso: float


def midpoint(xy: list[list[float]], idx: list[int]) -> Point:
    """The mean of the points ``idx`` of ``xy`` (one or two of them)."""
    if len(idx) == 1:
        x, y = xy[idx[0]]
        return x, y
    (ax, ay), (bx, by) = xy[idx[0]], xy[idx[1]]
    return (ax + bx) / 2.0, (ay + by) / 2.0


def find_trunk(pose: Pose) -> Trunk | None:
    """The trunk, from the shoulders and hips that are seen inside the picture (None: not enough of them)."""
    xy, vis = pose.points.xy, pose.points.visibility
    w, h = pose.image_size

    def seen(i: int) -> bool:
        # seen, and inside the picture: a close-up of the legs has its shoulders guessed off-screen (y has no
        # lower bound there, so it must be finite: one infinite shoulder would make the torso scale, a running
        # average, infinite for the rest of the video)
        x, y = xy[i]
        return (
            vis[i] >= VIS_MIN
            and -FRAME_MARGIN * w <= x <= (1 + FRAME_MARGIN) * w
            and -math.inf < y <= (1 + FRAME_MARGIN) * h
        )

    shoulders = [i for i in (LM.LEFT_SHOULDER, LM.RIGHT_SHOULDER) if seen(i)]
    hips = [i for i in (LM.LEFT_HIP, LM.RIGHT_HIP) if seen(i)]
    if not shoulders or not hips:
        return None
    mid_sh, mid_hip = midpoint(xy, shoulders), midpoint(xy, hips)
    trunk = (mid_sh[0] - mid_hip[0], mid_sh[1] - mid_hip[1])
    return Trunk(mid_sh, mid_hip, len(shoulders) == 2 and len(hips) == 2, trunk, g.norm(trunk))


def body_values(pose: Pose, trunk: Trunk, scale: float) -> dict[str, float]:
    """Every body feature of the vocabulary that one frame gives (``obliqueness``, over time, excepted); NaN
    where it cannot be measured. ``scale``: the torso length lengths are measured in."""
    xy, vis = pose.points.xy, pose.points.visibility
    values = dict.fromkeys(vocab.BODY_FEATURES, NAN)
    values["torso_incl"] = g.inclination(trunk.trunk)
    values.update(_floor_values(pose, trunk.mid_hip, scale))
    rises = [
        (xy[a][1] - xy[k][1]) / n
        for k, a in ((LM.LEFT_KNEE, LM.LEFT_ANKLE), (LM.RIGHT_KNEE, LM.RIGHT_ANKLE))
        if vis[k] >= VIS_MIN and vis[a] >= VIS_MIN and (n := g.seg_len(xy[k], xy[a])) > 0
    ]
    if rises:
        values["shank_rise"] = min(rises)
    values["thigh_rise"] = thigh_rise(pose)
    values["lr_vertical"], values["facing_camera"] = body_axis(pose)
    if trunk.both_sides:
        sh_sep = g.seg_len(xy[LM.LEFT_SHOULDER], xy[LM.RIGHT_SHOULDER])
        hip_sep = g.seg_len(xy[LM.LEFT_HIP], xy[LM.RIGHT_HIP])
        values["stacked"] = (sh_sep + hip_sep) / (2.0 * scale)
    return values


def _floor_values(pose: Pose, mid_hip: Point, scale: float) -> dict[str, float]:
    """Heights above the floor line: the lowest visible foot or knee point (image y grows downwards)."""
    xy, vis = pose.points.xy, pose.points.visibility
    out: dict[str, float] = {}
    low = [xy[i][1] for i in (25, 26, 27, 28, 29, 30, 31, 32) if vis[i] >= VIS_MIN]
    if not low:
        return out
    floor_y = max(low)
    out["hip_height"] = (floor_y - mid_hip[1]) / scale
    knees = [xy[i][1] for i in (LM.LEFT_KNEE, LM.RIGHT_KNEE) if vis[i] >= VIS_MIN]
    if knees:
        out["knee_floor"] = (floor_y - max(knees)) / scale
    wrists = [xy[i][1] for i in (LM.LEFT_WRIST, LM.RIGHT_WRIST) if vis[i] >= VIS_MIN]
    if wrists:
        out["hand_to_floor"] = (floor_y - max(wrists)) / scale
        out["hand_drop"] = (max(wrists) - mid_hip[1]) / scale
    return out


def body_axis(pose: Pose) -> tuple[float, float]:
    """The body's left-right axis against the camera: (how vertical it is, how square the body is to the
    camera: 0 side-on, 1 facing it); NaN without world landmarks. World landmarks are metric and
    camera-aligned (y down): whatever the camera's angle, a body on its side has its left-right axis
    vertical, a body on its back has it horizontal."""
    w = pose.points.world
    if w is None:
        return NAN, NAN
    lh, rh, ls, rs = w[LM.LEFT_HIP], w[LM.RIGHT_HIP], w[LM.LEFT_SHOULDER], w[LM.RIGHT_SHOULDER]
    lr = [(lh[i] - rh[i]) + (ls[i] - rs[i]) for i in range(3)]
    n = g.norm(lr)
    if not n > 0:
        return NAN, NAN
    return abs(lr[1]) / n, abs(lr[0]) / n


def observe_leg(label: str, pose: Pose, mid_hip: Point, trunk: Point, scale: float, chir: int) -> LegObservation:
    """One labelled leg's raw measurements, gated by visibility and anatomical plausibility."""
    xy, vis, world = pose.points.xy, pose.points.visibility, pose.points.world
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
        "ankle_lift": _ankle_lift(pose, hip_i, ankle_i, scale),
        # from hanging straight down (0), whatever the trunk does
        "thigh_tilt": g.inclination((hip[0] - knee[0], hip[1] - knee[1])),
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
            values["knee_past_toes"] = (knee[0] - xy[foot_i][0]) * math.copysign(1.0, fwd_x) / shank_px
    conf = (vis[hip_i] + vis[knee_i] + vis[ankle_i]) / 3.0
    rel_knee = ((knee[0] - mid_hip[0]) / scale, (knee[1] - mid_hip[1]) / scale)
    rel_ankle = ((ankle[0] - mid_hip[0]) / scale, (ankle[1] - mid_hip[1]) / scale)
    return LegObservation(label, rel_knee, rel_ankle, usable, conf, values)


def _ankle_lift(pose: Pose, hip_i: int, ankle_i: int, scale: float) -> float:
    """How far the ankle is above its hip in the picture, in torso lengths. Lying on the back, a foot lifted
    off the floor, told from a foot sliding along it (a heel slide bends the hip and knee as far as a lift)."""
    xy, vis = pose.points.xy, pose.points.visibility
    if vis[ankle_i] < VIS_MIN or vis[hip_i] < VIS_MIN:
        return NAN
    return (xy[hip_i][1] - xy[ankle_i][1]) / scale


def thigh_rise(pose: Pose) -> float:
    """How steep the steeper thigh is (sine of its angle to horizontal). From the 3D world landmarks where
    known: seen from the front a seated person's thighs point at the camera, which the image cannot show."""
    pairs = ((LM.LEFT_HIP, LM.LEFT_KNEE), (LM.RIGHT_HIP, LM.RIGHT_KNEE))
    pts = pose.points
    vis = pts.visibility
    rises = []
    for h, k in pairs:
        if vis[h] < VIS_MIN or vis[k] < VIS_MIN:
            continue
        d = g.sub(pts.world[k], pts.world[h]) if pts.world is not None else g.sub(pts.xy[k], pts.xy[h])
        n = g.norm(d)
        if n > 0:
            rises.append(abs(d[1]) / n)
    return max(rises) if rises else NAN


def classify_orientation(v: Mapping[str, float]) -> Orientation | None:
    """Standing / kneeling / seated / supine / side-lying from the trunk's tilt, the hips' height, the
    thighs and the shanks.

    Kneeling is told by a shank lying flat (knee as low as its ankle), not by the knee's height above the
    lowest point: in a three-quarter view the far knee sits higher in the image than the near foot. Seated
    is both thighs about level with the hips low and the trunk not lying back (nor the body on its side).
    """
    incl, hh = v["torso_incl"], v["hip_height"]
    if math.isnan(incl) or math.isnan(hh):
        return None
    if _seated(v, incl, hh):
        return Orientation.SEATED
    if incl < 45.0:
        kneeling = not math.isnan(v["shank_rise"]) and v["shank_rise"] < 0.4 and hh < 1.5
        return Orientation.KNEELING if kneeling else Orientation.STANDING
    # Lying: the trunk about level and the hips near the floor (a camera looking down lifts them in the image).
    if incl > 55.0 and (hh < 0.7 or (incl > 70.0 and hh < 1.0)):
        return _lying(v)
    if hh > 1.0:
        return Orientation.STANDING  # bent forward from standing (toe reach)
    return None


def _seated(v: Mapping[str, float], incl: float, hh: float) -> bool:
    # (A body whose left-right axis stands vertical in 3D is lying on its side, propped up or not: a clamshell
    # on an elbow has a seated person's trunk tilt, hip height and level thighs.)
    on_side = v["lr_vertical"] > 0.6  # NaN (no world landmarks): not known to be
    level_thighs = not math.isnan(v["thigh_rise"]) and v["thigh_rise"] < 0.5
    return incl < 75.0 and hh < 1.4 and level_thighs and not on_side


def _lying(v: Mapping[str, float]) -> Orientation:
    """On the back or on the side: from the 3D left-right axis where known, else from the image."""
    if not math.isnan(v["lr_vertical"]):
        return Orientation.SIDE_LYING if v["lr_vertical"] > 0.6 else Orientation.SUPINE
    if not math.isnan(v["stacked"]) and v["stacked"] > 0.45:
        return Orientation.SIDE_LYING
    return Orientation.SUPINE
