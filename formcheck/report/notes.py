"""The notes of an exercise's report: what limits the analysis, as a table of small rules.

Each rule looks at what the session measured (``SessionSummary``) and the session's length, and says at most
one thing; the report lists them in the table's order, after the run's own notes (the source's, the sinks').
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from formcheck.analysis.session import SHORT_S, SessionSummary

MISSING_PERSON_SHARE = 0.05  # no person in this share of the frames or more is worth saying
UNSEEN_LEGS_SHARE = 0.25
OFF_CENTRE = 0.2  # the followed person's hips this far from the middle of the picture


@dataclass(frozen=True)
class Facts:
    """What a note rule may look at."""

    summary: SessionSummary
    duration_s: float

    @property
    def short(self) -> bool:
        return self.summary.frames > 0 and self.duration_s < SHORT_S


def _no_person(f: Facts) -> str | None:
    s = f.summary
    if not s.frames or s.frames_with_pose >= s.frames:
        return None
    missing = 1 - s.frames_with_pose / s.frames
    return f"no person detected in {100 * missing:.0f}% of frames" if missing >= MISSING_PERSON_SHARE else None


def _legs_unseen(f: Facts) -> str | None:
    s = f.summary
    if not s.frames_with_pose or s.frames_with_legs is None or f.short:
        return None
    unseen = 1 - s.frames_with_legs / s.frames_with_pose
    if unseen < UNSEEN_LEGS_SHARE:
        return None
    return (
        f"the legs were not seen in {100 * unseen:.0f}% of the frames with a person (out of the picture "
        "or hidden): nothing was measured from those frames"
    )


def _off_centre(f: Facts) -> str | None:
    x = f.summary.subject_x
    if x is None or abs(x - 0.5) <= OFF_CENTRE:
        return None
    where = "left" if x < 0.5 else "right"
    return f"followed the person in the {where} part of the picture (hips at {100 * x:.0f}% of its width on average)"


def _too_short(f: Facts) -> str | None:
    if not f.short or f.summary.undetermined is not None:
        return None
    return f"the video is only {f.duration_s:.2f} s long ({f.summary.frames} frame(s)): too short for a rep or a hold"


def _dropped(f: Facts) -> str | None:
    n = f.summary.dropped_frames
    if not n:
        return None
    return f"{n} frame(s) skipped: their timestamp was not after the frame before (repeated, set back or missing)"


def _cuts(f: Facts) -> str | None:
    n = f.summary.cuts
    if not n:
        return None
    return f"{n} cut(s) in the video: tracking restarted at each, and a rep under way there was dropped"


Rule = Callable[[Facts], "str | None"]
BEFORE_ENGINE: tuple[Rule, ...] = (_no_person, _legs_unseen, _off_centre, _too_short, _dropped, _cuts)


def _verdict(f: Facts) -> list[str]:
    """Why nothing was judged (and what it looks like), or that another exercise fits as well, or a tie."""
    s = f.summary
    out: list[str] = []
    if s.undetermined is not None:
        out.append(s.undetermined)
        if s.looks_like and s.looks_like not in s.undetermined:
            out.append(f"it looks like {s.looks_like}")
    elif s.also_fits:
        out.append(f"the same movement fits {s.also_fits} about as well: check that this is the exercise meant")
    if s.undetermined is None and s.faulted_alternative is not None:
        name, title, cues = s.faulted_alternative
        out.append(
            f"the same reps fit {title} done with faults ({'; '.join(cues)}): if that is the exercise meant, "
            f"those are its faults (choose it with --variant {name})"
        )
    if s.undetermined is None and s.tie:
        names = " and ".join(s.tie)
        out.append(f"{names} fit about equally well; reported as {s.variant.name} (choose with --variant)")
    return out


def _holds_past_max(f: Facts) -> list[str]:
    hold = f.summary.variant.hold
    if hold is None or hold.max_s is None:
        return []
    return [
        f"the {h.side} hold of {h.duration_s:.0f} s went past the {hold.max_s:g} s the guide asks for"
        for h in f.summary.result.holds
        if h.duration_s > hold.max_s
    ]


def session_notes(summary: SessionSummary, duration_s: float) -> list[str]:
    """Every note the session's measurements call for, in order: the table's, the engine's, the verdict's."""
    facts = Facts(summary, duration_s)
    out = [note for rule in BEFORE_ENGINE if (note := rule(facts)) is not None]
    return out + list(summary.result.notes) + _verdict(facts) + _holds_past_max(facts)
