"""What to show the person now: the phase, the counts, the hold clock, one cue and the gauges of the target
measurements (overlay and live view)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from formcheck.definitions.schema import Variant
from formcheck.definitions.vocabulary import ALL_FEATURES, Phase, Role
from formcheck.engine.features import BodyFeatures, LegFeatures, leg_key


@dataclass(frozen=True)
class Gauge:
    """One measurement that matters for this variant, against its target range."""

    label: str  # e.g. "working hip", "torso incl"
    value: float  # NaN when not seen
    lo: float
    hi: float
    angle: bool = True

    @property
    def state(self) -> str:
        """ "in" the range, "near" it (within a tenth of the range or 8 deg), or "out"."""
        if math.isnan(self.value):
            return "unknown"
        if self.lo <= self.value <= self.hi:
            return "in"
        margin = max(0.1 * (self.hi - self.lo), 8.0 if self.angle else 0.0)
        return "near" if self.lo - margin <= self.value <= self.hi + margin else "out"


class GaugeTable:
    """A variant's target measurements, read as they are now for the display. What each gauge reads is worked
    out once, here: (label, role, key, lo, hi, is an angle) per leg feature, (label, feature, lo, hi, ...) per
    body feature."""

    def __init__(self, v: Variant) -> None:
        self._view = v.view
        self._legs = tuple(
            (f"{'legs' if role == Role.EACH else role} {n}", role, leg_key(n, v.view), lo, hi, ALL_FEATURES[n].is_angle)
            for role, feats in v.target.legs.items()
            for n, (lo, hi) in feats.items()
        )
        self._body = tuple(
            (n.replace("_", " "), n, lo, hi, ALL_FEATURES[n].is_angle) for n, (lo, hi) in v.target.body.items()
        )

    def read(
        self, f: BodyFeatures, legs: tuple[LegFeatures, ...] | None, roles: Mapping[str, int]
    ) -> tuple[Gauge, ...]:
        """``roles``: leg role -> track, as the engine has them this frame."""
        out = []
        for label, role, key, lo, hi, is_angle in self._legs:
            value = math.nan
            if legs is not None:
                k = roles.get(role)
                known = [lg for lg in legs if lg.known] if role == Role.EACH else [legs[k]] if k is not None else []
                vals = [x for x in (lg.values[key] for lg in known if lg.known) if x == x]  # (not NaN)
                value = sum(vals) / len(vals) if vals else math.nan
            out.append(Gauge(label, value, lo, hi, is_angle))
        out += [Gauge(label, f.value(name, self._view), lo, hi, angle) for label, name, lo, hi, angle in self._body]
        return tuple(out)


@dataclass(frozen=True)
class Snapshot:
    """The engine's state for the current frame, as a display needs it."""

    variant: str
    reps: dict[str, int]
    phase: str  # one of vocabulary.PHASES
    working_side: str | None
    hold_elapsed_s: float | None
    hold_target_s: float | None
    alerts: list[str]  # cues of the form faults open right now
    hint: str | None  # what to do next in this phase, when there is no fault to fix
    in_position: bool | None
    reps_target: tuple[int, int] | None = None
    gauges: tuple[Gauge, ...] = ()


def phase_of(variant: Variant, rep_up: bool, hold_s: float | None, in_position: bool | None = None) -> Phase:
    """What the engine is doing: holding (``release`` past the hold's maximum), a rep under way, in the target
    position before the hold starts, or at rest. The one rule for the display and the frame record."""
    if hold_s is not None and hold_s == hold_s:  # a hold clock (not NaN)
        hold = variant.hold
        past_max = hold is not None and hold.max_s is not None and hold_s >= hold.max_s
        return Phase.RELEASE if past_max else Phase.HOLDING
    if rep_up:
        return Phase.UP
    return Phase.IN_POSITION if in_position else Phase.REST


def present(
    variant: Variant,
    reps: dict[str, int],
    rep_up: bool,
    hold_elapsed_s: float | None,
    in_position: bool | None,
    working_side: str | None,
    alerts: list[str],
    gauges: tuple[Gauge, ...] = (),
) -> Snapshot:
    phase = phase_of(variant, rep_up, hold_elapsed_s, in_position)
    return Snapshot(
        variant=variant.name,
        reps=dict(reps),
        phase=phase,
        working_side=working_side,
        hold_elapsed_s=hold_elapsed_s,
        hold_target_s=variant.hold.target_s if variant.hold is not None else None,
        alerts=alerts,
        hint=variant.cues.get(phase),
        in_position=in_position,
        reps_target=variant.reps_target,
        gauges=gauges,
    )
