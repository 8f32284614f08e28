"""What an analysis finds, as plain values: the types the engine emits and the report carries.

Nothing here knows how they were measured; ``report.py`` and every other output read these, never the
engine's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

TIE_RATIO = 0.8  # a rival fitting this nearly as well makes a choice a guess (a session's variant, a routine's block)


class Refusal(str, Enum):
    """Why a movement was not taken as a rep (or a stay in position as a hold) of a variant."""

    HELD = "held"  # up longer than a rep: a hold
    BRIEF = "brief"  # a flicker or a stumble
    POSTURE = "posture"  # not in the variant's orientation
    FRONT_VIEW = "front view"  # a side-plane movement seen from the front
    SIDE_VIEW = "side view"  # a movement across the body (a side raise) seen from the side
    LEGS_TOGETHER = "legs together"  # both legs moved (a squat for a lift)
    ONE_LEG = "one leg"  # only one leg moved (where both work together)
    BODY_ELSEWHERE = "body elsewhere"  # the body outside the variant's ``reps.require``


@dataclass(frozen=True)
class Rejection:
    """A movement that was not this variant's: evidence that the variant does not fit what the person does."""

    reason: Refusal
    text: str  # what the report says, e.g. "up 9 s: a hold, not a rep"
    start_s: float
    end_s: float


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


def explains(explained_s: float, counted: int, rejected: int, at_least_s: float = 0.0) -> bool:
    """Whether a variant's movements explain some time (at least ``at_least_s``): something counted, and not an
    odd one out among movements that were not this variant's (one lunge in six passing for a knee drive is not
    a set of knee drives). The one rule for a session's fit and a routine block's."""
    return explained_s > 0.0 and explained_s >= at_least_s and counted >= rejected / 2


@dataclass(frozen=True)
class Fit:
    """How well a variant explains a session: the time its reps (or holds) account for, less the time of
    faults during them. A clean demonstration of another form reads as faults all through under the wrong
    variant; a genuine fault is a part of a rep or hold."""

    orientation_s: float = 0.0  # seconds the body was in the variant's orientation
    explained_s: float = 0.0  # seconds of counted reps, or of timed holds
    fault_s: float = 0.0  # seconds of faults during them
    counted: int = 0  # reps (or holds) counted
    rejected: int = 0  # cycles that were not this variant's reps (squats for lifts, holds for reps...)

    @property
    def fits(self) -> bool:
        return explains(self.explained_s, self.counted, self.rejected)

    @property
    def score(self) -> float:
        return self.explained_s - self.fault_s


@dataclass
class VariantResult:
    """One variant's findings over a whole session."""

    variant: str
    reps: dict[str, int]
    rep_events: list[RepEvent] = field(default_factory=list)
    holds: list[HoldEvent] = field(default_factory=list)
    faults: list[FaultEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fit: Fit = field(default_factory=Fit)
    rejected: list[Rejection] = field(default_factory=list)


def overlap_s(span: tuple[float, float], other: tuple[float, float]) -> float:
    """Seconds two time spans (start, end) share."""
    return max(0.0, min(span[1], other[1]) - max(span[0], other[0]))
