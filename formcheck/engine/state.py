"""An engine's public state after a frame: what the outputs traced frame by frame read (the frame CSV, the
HTML report's curves), so that nothing outside the engine reaches into its rep counter, hold timer or rules."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from formcheck.engine.variant_engine import VariantEngine


@dataclass(frozen=True)
class EngineState:
    variant: str
    reps: Mapping[str, int]  # counts so far: left, right (and both where the legs work together)
    rep_up: bool  # a rep under way
    hold_s: float  # the hold clock, NaN when not holding
    open_rules: int  # bit i set: the cue of the variant's i-th rule shows now
    roles: Mapping[str, int]  # leg role -> tracked leg (0, 1)


def engine_state(eng: VariantEngine, t: float) -> EngineState:
    """``eng``'s state at ``t`` (the frame it was just fed)."""
    reps = eng.reps
    elapsed = eng.hold.elapsed(t) if eng.hold is not None else None
    return EngineState(
        variant=eng.variant.name,
        reps=dict(reps.counts) if reps is not None else {},
        rep_up=reps is not None and reps.up,
        hold_s=math.nan if elapsed is None else elapsed,
        open_rules=sum(1 << i for i, r in enumerate(eng.rules) if r.open),
        roles=dict(eng.roles.roles),
    )
