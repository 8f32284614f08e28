"""Which variant of an exercise is being performed, decided from the body's orientation and data.

Each variant declares its ``orientation`` and, where several share one, a ``detect`` signature (ranges of
body features seen while doing it). Evidence is accumulated in seconds, so the decision is the same
whatever the frame rate, and can be read at any moment (live) or at the end (a recorded video).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from formcheck.definitions.schema import Exercise, Variant
from formcheck.engine.features import BodyFeatures


@dataclass
class VariantDetector:
    exercise: Exercise
    orientation_s: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    signature_s: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    _last_t: float = math.nan

    def update(self, f: BodyFeatures) -> None:
        dt = 0.0 if math.isnan(self._last_t) else min(max(f.t - self._last_t, 0.0), 0.5)
        self._last_t = f.t
        if not f.has_pose or f.orientation is None or dt == 0.0:
            return
        self.orientation_s[f.orientation] += dt
        for v in self.exercise.variants:
            if v.orientation != f.orientation or not v.detect:
                continue
            # A feature that cannot be measured this frame (e.g. a hidden wrist) is no evidence either way:
            # score the share of the measurable conditions that hold.
            values = [(f.value(n, v.view), r) for n, r in v.detect.items()]
            known = [(x, r) for x, r in values if not math.isnan(x)]
            if known:
                self.signature_s[v.name] += dt * sum(r[0] <= x <= r[1] for x, r in known) / len(known)

    def best(self) -> tuple[Variant, dict[str, float]]:
        """The most likely variant so far, and a score per variant (seconds of supporting evidence)."""
        variants = self.exercise.variants
        scores = {
            v.name: self.orientation_s.get(v.orientation, 0.0) + self.signature_s.get(v.name, 0.0) for v in variants
        }
        used = {v.orientation for v in variants}
        seen = {o: s for o, s in self.orientation_s.items() if o in used and s > 0}
        if not seen:
            return variants[0], scores
        orient = max(seen, key=lambda o: seen[o])
        candidates = [(i, v) for i, v in enumerate(variants) if v.orientation == orient]
        # Among variants sharing the orientation the signature decides; ties keep file order.
        _, best = max(candidates, key=lambda iv: (self.signature_s.get(iv[1].name, 0.0), -iv[0]))
        return best, scores

    @property
    def evidence_s(self) -> float:
        return sum(self.orientation_s.values())
