"""Ground truth from the forward kinematics: joint angles per frame, and the clip-level holds, faults and
rep counts derived from the script's tags (never from a detector).

Conventions (shared with the analysis code):
- hip angle: angle at the hip between hip→same-side shoulder and hip→knee, on the anterior side;
  > 180 when the thigh points behind the pelvis' frontal plane (extension);
- knee angle: unsigned hip–knee–ankle angle, 180 = straight;
- torso_incl: angle between mid-hip→mid-shoulder and straight up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .body import SIDES, Skeleton


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    c = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))


def hip_angle(sk: Skeleton, side: str) -> float:
    c = side[0]
    hip = sk.joints[f"hip_{c}"]
    thigh = sk.joints[f"knee_{c}"] - hip
    a = _angle(sk.joints[f"shoulder_{c}"] - hip, thigh)
    # The tolerance only absorbs rounding: a thigh exactly in the frontal plane is not "behind" it.
    behind = np.dot(thigh, sk.frames["pelvis"][:, 2]) < -1e-6 * np.linalg.norm(thigh)
    return 360.0 - a if behind else a


def knee_angle(sk: Skeleton, side: str) -> float:
    c = side[0]
    knee = sk.joints[f"knee_{c}"]
    return _angle(sk.joints[f"hip_{c}"] - knee, sk.joints[f"ankle_{c}"] - knee)


def torso_incl(sk: Skeleton) -> float:
    j = sk.joints
    up = 0.5 * (j["shoulder_l"] + j["shoulder_r"]) - 0.5 * (j["hip_l"] + j["hip_r"])
    return _angle(up, np.array([0.0, 1.0, 0.0]))


def knee_over_toe(sk: Skeleton, side: str) -> float:
    """How far (m) the knee is ahead of the toe tip along the person's horizontal facing direction."""
    c = side[0]
    fwd = sk.frames["pelvis"][:, 2] * np.array([1.0, 0.0, 1.0])
    fwd /= max(float(np.linalg.norm(fwd)), 1e-9)
    return float(np.dot(sk.joints[f"knee_{c}"] - sk.joints[f"toe_{c}"], fwd))


def image_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Unsigned angle at b between image points a and c (what a 2D pose detector can measure)."""
    return _angle(a - b, c - b)


@dataclass
class TruthSeries:
    """Per-frame truth accumulated while rendering."""

    fps: float
    t: list[float] = field(default_factory=list)
    in_frame: list[bool] = field(default_factory=list)
    hip: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    knee: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    hip_2d: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    knee_2d: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    knee_over_toe_m: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIDES})
    torso_incl: list[float] = field(default_factory=list)
    working_side: list[str | None] = field(default_factory=list)
    phase: list[str] = field(default_factory=list)

    def add(
        self,
        index: int,
        sk: Skeleton,
        project: Callable[[np.ndarray], np.ndarray],
        in_frame: bool,
        phase: str,
        side: str | None,
    ) -> None:
        self.t.append(round(index / self.fps, 4))
        self.in_frame.append(bool(in_frame))
        self.torso_incl.append(round(torso_incl(sk), 1))
        self.working_side.append(side)
        self.phase.append(phase)
        for s in SIDES:
            c = s[0]
            self.hip[s].append(round(hip_angle(sk, s), 1))
            self.knee[s].append(round(knee_angle(sk, s), 1))
            self.knee_over_toe_m[s].append(round(knee_over_toe(sk, s), 3))
            sh, hp, kn, an = project(np.stack([sk.joints[f"{n}_{c}"] for n in ("shoulder", "hip", "knee", "ankle")]))
            self.hip_2d[s].append(round(image_angle(sh, hp, kn), 1))
            self.knee_2d[s].append(round(image_angle(hp, kn, an), 1))

    def to_json(self) -> dict:
        return {
            "t": self.t,
            "in_frame": self.in_frame,
            "hip": self.hip,
            "knee": self.knee,
            "torso_incl": self.torso_incl,
            "working_side": self.working_side,
            "phase": self.phase,
            "hip_2d": self.hip_2d,
            "knee_2d": self.knee_2d,
            "knee_over_toe_m": self.knee_over_toe_m,
        }


# Fault presence per frame, from the truth series: (series, side) -> boolean array.
FaultRule = Callable[[TruthSeries, "str | None", "dict"], np.ndarray]


def _arr(x: list[float]) -> np.ndarray:
    return np.asarray(x, float)


def both_hips(tr: TruthSeries) -> np.ndarray:
    """Mean of the two hip angles: the signal of exercises where both legs move together."""
    return 0.5 * (_arr(tr.hip["left"]) + _arr(tr.hip["right"]))


def _hip(tr: TruthSeries, s: str | None) -> np.ndarray:
    return both_hips(tr) if s in (None, "both") else _arr(tr.hip[s])


def _holding(tr: TruthSeries) -> np.ndarray:
    return np.asarray([p == "holding" for p in tr.phase])


FAULT_RULES: dict[str, FaultRule] = {
    "torso_lean": lambda tr, s, th: _arr(tr.torso_incl) > 20.0,
    "front_knee_past_toes": lambda tr, s, th: _arr(tr.knee_over_toe_m[s]) > 0.0,
    "other_leg_lifts": lambda tr, s, th: _arr(tr.hip[s]) <= 112.0,
    "knees_locked": lambda tr, s, th: (_arr(tr.knee["left"]) > 174.0) & (_arr(tr.knee["right"]) > 174.0),
    "back_knee_bent": lambda tr, s, th: _arr(tr.knee[s]) < 155.0,
    # Knee faults of lifts only count while the leg is up (hip past the rep threshold).
    "knee_angle": lambda tr, s, th: (
        ((_arr(tr.knee[s]) < 65.0) | (_arr(tr.knee[s]) > 115.0)) & (_arr(tr.hip[s]) < th["rep_low"])
    ),
    "knee_bent": lambda tr, s, th: (_arr(tr.knee[s]) < 150.0) & (_arr(tr.hip[s]) < th["rep_low"]),
    "leg_too_high": lambda tr, s, th: _arr(tr.hip[s]) < 125.0,
    # Present while the hip sweeps through the rep band during the scripted fast descent.
    "lowering_too_fast": lambda tr, s, th: (_arr(tr.hip[s]) > th["rep_low"]) & (_arr(tr.hip[s]) < th["rep_high"]),
    # The whole scripted short hold.
    "hold_too_short": lambda tr, s, th: np.ones(len(tr.t), bool),
    # Glute bridge (both hips): the top hold reached with the hips low, or pushed past the line (arched).
    "hips_low": lambda tr, s, th: (_hip(tr, s) < 160.0) & _holding(tr),
    "back_arched": lambda tr, s, th: _hip(tr, s) > 195.0,
}


def intervals(tags: list, fps: float) -> list[tuple[object, float, float]]:
    """Merge runs of equal, non-None per-frame tags into (tag, start_s, end_s)."""
    out: list[tuple[object, float, float]] = []
    start = None
    for i, tag in enumerate([*tags, None]):
        if start is not None and tag != tags[start]:
            out.append((tags[start], start / fps, i / fps))
            start = None
        if start is None and tag is not None and i < len(tags):
            start = i
    return out


def fault_intervals(tr: TruthSeries, fault_tags: list, thresholds: dict) -> list[dict]:
    """Refine each scripted fault window to the frames where its rule actually holds."""
    out = []
    for (code, side), t0, t1 in intervals(fault_tags, tr.fps):
        i0, i1 = round(t0 * tr.fps), round(t1 * tr.fps)
        present = FAULT_RULES[code](tr, side, thresholds)[i0:i1]
        if not present.any():
            raise ValueError(f"scripted fault {code} ({side}) at {t0:.1f}-{t1:.1f}s never crosses its threshold")
        idx = np.flatnonzero(present)
        out.append(
            {
                "code": code,
                "side": side if code not in ("torso_lean", "knees_locked", "hips_low", "back_arched") else None,
                "start_s": round((i0 + idx[0]) / tr.fps, 3),
                "end_s": round((i0 + idx[-1] + 1) / tr.fps, 3),
            }
        )
    return out


def count_reps(hip, low: float, high: float, direction: str = "falling") -> int:
    """Hysteresis count. Falling signal: a rep is the hip going below `low` and back above `high`.
    Rising signal (glute bridge): the hip going above `high` and back below `low`."""
    if direction not in ("falling", "rising"):
        raise ValueError(f"direction {direction!r}")
    if direction == "rising":
        return count_reps([-h for h in hip], -high, -low)
    reps, up = 0, False
    for h in hip:
        if not up and h < low:
            up = True
        elif up and h > high:
            up, reps = False, reps + 1
    return reps
