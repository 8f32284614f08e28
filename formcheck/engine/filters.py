"""Smoothing for per-frame angles, driven by real timestamps.

The One Euro filter (Casiez et al., CHI 2012) adapts its cut-off to the signal's speed: heavy smoothing
while a joint is still (jitter would otherwise flicker a hold), little lag while it moves (so a rep's
turning point is not smeared).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


@dataclass
class OneEuro:
    """One Euro filter on a scalar. ``speed`` is the smoothed derivative (units per second)."""

    min_cutoff: float = 1.0
    beta: float = 0.02
    d_cutoff: float = 1.0
    value: float = math.nan
    speed: float = 0.0
    _t: float = field(default=math.nan, repr=False)

    def __call__(self, t: float, x: float) -> float:
        if math.isnan(self.value) or math.isnan(self._t) or t <= self._t:
            if math.isnan(self.value) or math.isnan(self._t):
                self.value, self.speed, self._t = x, 0.0, t
            return self.value
        dt = t - self._t
        raw_speed = (x - self.value) / dt
        self.speed += _alpha(self.d_cutoff, dt) * (raw_speed - self.speed)
        cutoff = self.min_cutoff + self.beta * abs(self.speed)
        self.value += _alpha(cutoff, dt) * (x - self.value)
        self._t = t
        return self.value

    def reset(self) -> None:
        self.value, self.speed, self._t = math.nan, 0.0, math.nan
