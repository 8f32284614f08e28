"""The JSON contract's version and its one writer, shared by an exercise's report and a routine's.

Contract fields (kept stable): exercise, variant, duration_s, frames, frames_with_pose, reps {left, right},
holds [{side, start_s, end_s, duration_s, completed}], faults [{code, side, start_s, end_s, message}]. Times
are seconds on the video's own timeline. Everything else is extra and may grow; ``schema_version`` says which
version of the contract a file follows (2: a routine's report carries it too, and its blocks their range of
motion).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from formcheck.io.files import write_atomic

SCHEMA_VERSION = 2


def event_dicts(events: Any, **extra: Any) -> list[dict[str, Any]]:
    """Reps, holds or faults as the contract writes them (``extra``: fields added to each, e.g. the exercise)."""
    return [{**asdict(e), **extra} for e in events]


def write_json(data: dict[str, Any], path: str | Path) -> None:
    """Atomic: a reader never sees half a report, and an interruption never leaves one."""
    write_atomic(Path(path), json.dumps(data, indent=2) + "\n")
