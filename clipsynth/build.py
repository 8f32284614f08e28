"""The script of any clip: an exercise clip, a negative (another activity) or a whole routine."""

from __future__ import annotations

from .negatives import build_activity
from .routine import build_routine
from .script import Script, build_exercise
from .spec import ClipSpec


def build_script(spec: ClipSpec) -> Script:
    if spec.activity is not None:
        return build_activity(spec)
    if spec.routine:
        return build_routine(spec)
    return build_exercise(spec)
