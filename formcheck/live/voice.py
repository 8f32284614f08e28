"""Spoken coaching: what to say as a session goes on, and a text-to-speech worker that never blocks the
frame loop.

``Announcer`` turns the stream of ``Snapshot``s into short phrases (rep counts, "hold - 10 seconds left",
"switch legs", a form cue, a set-up instruction). ``Voice`` speaks them with espeak-ng in a background
thread, one at a time, newest first (a phrase that waited too long is dropped, not read out late), and
never repeats a phrase within ``repeat_s``. No engine installed: one warning, and the cues stay on screen.
"""

from __future__ import annotations

import math
import queue
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.definitions.vocabulary import SIDES, Side
from formcheck.engine.snapshot import Snapshot

ENGINES = ("espeak-ng", "espeak")
STALE_S = 3.0  # a phrase not spoken within this long after it was said is dropped


def find_engine() -> str | None:
    """The path of a text-to-speech program this machine has, if any."""
    for name in ENGINES:
        path = shutil.which(name)
        if path:
            return path
    return None


def synthesise(text: str, wav: str | Path, engine: str | None = None) -> None:
    """Write ``text`` as speech to a WAV file (what ``Voice`` speaks, for checking it sounds)."""
    exe = engine or find_engine()
    if exe is None:
        raise RuntimeError("no text-to-speech engine (install espeak-ng)")
    subprocess.run([exe, "-s", "165", "-w", str(wav), text], check=True, capture_output=True, timeout=30)


@dataclass
class Voice:
    """Speaks phrases in a background thread. ``say`` returns at once and is safe to call every frame."""

    engine: str | None = None
    repeat_s: float = 6.0
    spoken: list[str] = field(default_factory=list)  # what was actually spoken, in order
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._queue: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="formcheck-voice", daemon=True)
        self._thread.start()

    def say(self, text: str) -> bool:
        """Queue ``text`` unless the same was said within ``repeat_s``; True when queued."""
        now = time.monotonic()
        if now - self._last.get(text, -math.inf) < self.repeat_s:
            return False
        self._last[text] = now
        self._queue.put((now, text))
        return True

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            said_at, text = item
            if time.monotonic() - said_at > STALE_S:
                continue  # the moment has passed
            self.spoken.append(text)
            if self.engine is not None:
                try:
                    subprocess.run([self.engine, "-s", "165", text], capture_output=True, timeout=15, check=False)
                except (OSError, subprocess.SubprocessError):
                    self.engine = None  # the engine broke: go on silently

    def close(self, wait_s: float = 0.0) -> None:
        """Stop after what is queued (waiting up to ``wait_s`` for it to be spoken)."""
        self._queue.put(None)
        self._thread.join(timeout=wait_s)


@dataclass
class Announcer:
    """Decides what is worth saying, frame by frame, from the snapshots."""

    _reps: dict[str, int] = field(default_factory=dict)
    _hold_announced: set[str] = field(default_factory=set)
    _alerts: tuple[str, ...] = ()
    _problem: str | None = None

    def phrases(self, snap: Snapshot, set_up: str | None = None) -> list[str]:
        out: list[str] = []
        if set_up is not None:
            if set_up != self._problem:
                out.append(set_up)
            self._problem = set_up
            return out
        self._problem = None
        for side, n in snap.reps.items():
            if n > self._reps.get(side, 0):
                out.append(str(n) if side == Side.BOTH else f"{side} {n}")
        self._reps = dict(snap.reps)
        if snap.hold_elapsed_s is not None and snap.hold_target_s:
            left = snap.hold_target_s - snap.hold_elapsed_s
            if 9.5 < left <= 10.0 and "10" not in self._hold_announced:
                out.append("hold - 10 seconds left")
                self._hold_announced.add("10")
            if left <= 0 and "done" not in self._hold_announced:
                out.append("done - switch legs" if snap.working_side in SIDES else "done - well held")
                self._hold_announced.add("done")
        else:
            self._hold_announced.clear()
        new = [a for a in snap.alerts if a not in self._alerts]
        out += new[:1]
        self._alerts = tuple(snap.alerts)
        return out
