"""What an analysis finds, as plain values: the types the engine emits and the report carries.

Nothing here knows how they were measured; ``report.py`` and every other output read these, never the
engine's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RepEvent:
    side: str  # "left" / "right", or "both" for reps of both legs or of the whole body
    start_s: float
    end_s: float


@dataclass(frozen=True)
class HoldEvent:
    side: str  # "left" / "right" / "both"
    start_s: float
    end_s: float
    duration_s: float
    completed: bool  # lasted at least the variant's target


@dataclass(frozen=True)
class FaultEvent:
    code: str
    side: str | None  # the leg concerned, None for the body
    start_s: float
    end_s: float
    message: str


@dataclass
class VariantResult:
    """One variant's findings over a whole session."""

    variant: str
    reps: dict[str, int]
    rep_events: list[RepEvent] = field(default_factory=list)
    holds: list[HoldEvent] = field(default_factory=list)
    faults: list[FaultEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
