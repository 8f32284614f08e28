"""Keyframed animation: a list of timed steps, each easing from the previous posture to a target (or
generating postures procedurally, e.g. walking), tagged with the phase, working side, hold and fault
that the ground truth reports."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from .body import Posture, lerp_posture

PHASES = ("rest", "moving", "holding", "absent", "walking")


def smoothstep(s: float) -> float:
    s = min(max(s, 0.0), 1.0)
    return s * s * (3.0 - 2.0 * s)


def cosine(s: float) -> float:
    s = min(max(s, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * s)


def linear(s: float) -> float:
    return min(max(s, 0.0), 1.0)


EASINGS: dict[str, Callable[[float], float]] = {"smooth": smoothstep, "cosine": cosine, "linear": linear}


@dataclass(frozen=True)
class Step:
    """One stretch of the script.

    `pose` is either the posture reached at the end of the step (eased from the previous step's end) or
    a function of the time inside the step (procedural motion such as walking).
    `hold` names the side whose scripted hold this step belongs to (adjacent hold steps merge);
    `fault` is (code, side) for steps during which a scripted fault is being shown.
    """

    duration: float
    pose: Posture | Callable[[float], Posture]
    phase: str
    side: str | None = None
    hold: str | None = None
    fault: tuple[str, str | None] | None = None
    ease: str = "smooth"
    breathe: bool = True  # tiny trunk sway while static, as a living person shows

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ValueError(f"phase {self.phase!r} not in {PHASES}")
        if self.duration <= 0:
            raise ValueError("step duration must be positive")


@dataclass(frozen=True)
class Timeline:
    start: Posture
    steps: tuple[Step, ...]

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.steps)

    def step_starts(self) -> list[float]:
        out, t = [], 0.0
        for s in self.steps:
            out.append(t)
            t += s.duration
        return out

    def _end_pose(self, i: int) -> Posture:
        if i < 0:
            return self.start
        step = self.steps[i]
        return step.pose(step.duration) if callable(step.pose) else step.pose

    def sample(self, t: float) -> tuple[Posture, int]:
        """Posture at time `t` and the index of the step it falls in (the last step past the end)."""
        starts = self.step_starts()
        i = len(self.steps) - 1
        for k, t0 in enumerate(starts):
            if t < t0 + self.steps[k].duration:
                i = k
                break
        step = self.steps[i]
        local = min(max(t - starts[i], 0.0), step.duration)
        if callable(step.pose):
            return step.pose(local), i
        prev = self._end_pose(i - 1)
        s = EASINGS[step.ease](local / step.duration)
        p = lerp_posture(prev, step.pose, s)
        if step.breathe and step.phase in ("rest", "holding"):
            # ~4.5 s breathing cycle: the trunk and head move by well under a degree.
            b = math.sin(2 * math.pi * t / 4.5)
            p = replace(p, spine_flex=p.spine_flex + 0.6 * b, neck_flex=p.neck_flex - 0.4 * b)
        return p, i
