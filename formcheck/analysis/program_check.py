"""A routine compared with a program: what was done against what was prescribed, set by set and side by side.

The sets are the routine's blocks: each block of a prescribed exercise is a set, and a block that comes back to
a side after the other side was worked starts a new set (left, right, left: the second left is set 2); for a
hold, each side holds once a set. Rests between sets are rests. A set is complete when every prescribed side
has its reps (and, with ``hold_s``, that many holds reaching it) or its hold reached. A hold reaches the
prescribed time when it lasts it to within ``HOLD_SLACK_S`` (a clip's first and last frame are a frame off).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from formcheck.analysis.blocks import Block
from formcheck.definitions.program import Item, Program, Sides
from formcheck.engine.findings import HoldEvent, RepEvent

HOLD_SLACK_S = 0.5


class DoneBlock(Protocol):
    """What the comparison reads of a block (a routine report's ``BlockReport``, or ``Done`` of a block found
    live)."""

    @property
    def exercise(self) -> str: ...
    @property
    def variant(self) -> str: ...
    @property
    def rep_events(self) -> Sequence[RepEvent]: ...
    @property
    def holds(self) -> Sequence[HoldEvent]: ...


@dataclass(frozen=True)
class Done:
    """A block found live, as the comparison reads it."""

    exercise: str
    variant: str
    rep_events: Sequence[RepEvent]
    holds: Sequence[HoldEvent]

    @classmethod
    def of(cls, block: Block) -> Done:
        return cls(block.exercise.name, block.variant.name, block.result.rep_events, block.result.holds)


@dataclass(frozen=True)
class SideDone:
    side: str
    reps: int  # reps counted on this side in the set
    holds: tuple[float, ...]  # the holds' durations (s)
    reached: int  # holds lasting the prescribed time

    def complete(self, item: Item) -> bool:
        if item.reps is not None:
            return self.reps >= item.reps and (item.hold_s is None or self.reached >= item.reps)
        return self.reached >= 1

    def text(self, item: Item) -> str:
        if item.reps is not None:
            out = f"{self.reps} of {item.reps}"
            if item.hold_s is not None:
                out += f" ({self.reached} held {item.hold_s:g} s)"
            return out
        best = max(self.holds, default=0.0)
        return f"{int(best + 0.5)} s of {item.hold_s:g} s" + (" (reached)" if self.reached else "")


@dataclass(frozen=True)
class SetDone:
    number: int
    start_s: float
    end_s: float
    sides: dict[str, SideDone]

    def complete(self, item: Item) -> bool:
        return all(self.sides[s].complete(item) for s in item.sides.legs)


@dataclass(frozen=True)
class ItemCheck:
    """One prescribed exercise: its sets as done."""

    item: Item
    sets: tuple[SetDone, ...]

    @property
    def sets_complete(self) -> int:
        return sum(s.complete(self.item) for s in self.sets)

    @property
    def complete(self) -> bool:
        return self.sets_complete >= self.item.sets

    @property
    def reps_done(self) -> int:
        return sum(min(sd.reps, self.item.reps or 0) for s in self.sets[: self.item.sets] for sd in s.sides.values())

    @property
    def reps_prescribed(self) -> int:
        return (self.item.reps or 0) * self.item.sets * len(self.item.sides.legs)

    @property
    def holds_reached(self) -> int:
        cap = self.item.reps if self.item.reps is not None else 1
        return sum(min(sd.reached, cap) for s in self.sets[: self.item.sets] for sd in s.sides.values())

    @property
    def holds_prescribed(self) -> int:
        if self.item.hold_s is None:
            return 0
        return (self.item.reps or 1) * self.item.sets * len(self.item.sides.legs)

    def set_line(self, n: int) -> str:
        """``set 2 of 2, left: 9 of 12; right: 12 of 12`` (``not done`` for a set not started)."""
        head = f"set {n} of {self.item.sets}"
        if n > len(self.sets):
            return f"{head}: not done"
        s = self.sets[n - 1]
        return f"{head}, " + "; ".join(
            f"{side}: {s.sides[side].text(self.item)}" if side != "both" else s.sides[side].text(self.item)
            for side in self.item.sides.legs
        )

    def lines(self) -> list[str]:
        n = max(self.item.sets, len(self.sets))
        out = [self.set_line(i) for i in range(1, n + 1)]
        return [line + (" (extra set)" if i > self.item.sets else "") for i, line in enumerate(out, 1)]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.item.to_dict(),
            "title": self.item.title,
            "sets_prescribed": self.item.sets,
            "sets_done": len(self.sets),
            "sets_complete": self.sets_complete,
            "reps_done": self.reps_done,
            "reps_prescribed": self.reps_prescribed,
            "holds_reached": self.holds_reached,
            "holds_prescribed": self.holds_prescribed,
            "complete": self.complete,
            "done": [
                {
                    "set": s.number,
                    "start_s": round(s.start_s, 3),
                    "end_s": round(s.end_s, 3),
                    "complete": s.complete(self.item),
                    "sides": {
                        side: {
                            "reps": d.reps,
                            "holds_s": [round(h, 2) for h in d.holds],
                            "holds_reached": d.reached,
                            "complete": d.complete(self.item),
                        }
                        for side, d in s.sides.items()
                    },
                }
                for s in self.sets
            ],
        }


@dataclass(frozen=True)
class ProgramCheck:
    """A session against its program."""

    program: Program
    items: tuple[ItemCheck, ...]
    unprescribed: tuple[str, ...] = field(default=())  # blocks of exercises the program does not have

    @property
    def complete(self) -> bool:
        return all(c.complete for c in self.items)

    def summary_lines(self) -> list[str]:
        state = "complete" if self.complete else "not complete"
        lines = [f"Program: {self.program.name} - {state}"]
        for c in self.items:
            lines.append(f"  {c.item.title} ({c.item.dose}): {c.sets_complete} of {c.item.sets} set(s) complete")
            lines += [f"    {line}" for line in c.lines()]
        lines += [f"  Not in the program: {t}" for t in self.unprescribed]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.program.to_dict(),
            "complete": self.complete,
            "items": [c.to_dict() for c in self.items],
            "not_in_program": list(self.unprescribed),
        }


Unit = tuple[float, float, str, RepEvent | HoldEvent]


def _units(item: Item, block: DoneBlock) -> list[Unit]:
    """The block's reps (or, for a hold, its holds) in time order, on the sides the item counts."""
    events: Sequence[RepEvent | HoldEvent] = block.rep_events if item.reps is not None else block.holds
    keep = set(item.sides.legs)
    return sorted((e.start_s, e.end_s, e.side, e) for e in events if e.side in keep)


def _group(item: Item, block: DoneBlock, groups: list[list[Unit]], holds_of: list[list[HoldEvent]]) -> None:
    """Adds the block's units to ``groups``, a set each: a set ends when the person goes back to a side after
    working another, or at a second hold on one side."""
    current: list[Unit] | None = None
    for unit in _units(item, block):
        side = unit[2]
        seen = [u[2] for u in current] if current else []
        if current is None or (side in seen and (seen[-1] != side or item.reps is None)):
            current = []
            groups.append(current)
            holds_of.append([])
        current.append(unit)


def _attach_top_holds(item: Item, block: DoneBlock, groups: list[list[Unit]], holds_of: list[list[HoldEvent]]) -> None:
    """Each rep's hold at the top goes to the set under way at its time."""
    for h in block.holds:
        if h.side not in item.sides.legs:
            continue
        for g, hs in zip(groups, holds_of):
            if g and g[0][0] - 1.0 <= h.start_s <= g[-1][1] + 1.0:
                hs.append(h)
                break


def _set_done(item: Item, n: int, units: list[Unit], extra: list[HoldEvent]) -> SetDone:
    sides = {}
    for side in item.sides.legs:
        mine = [u for u in units if u[2] == side]
        holds = [u[3] for u in mine if isinstance(u[3], HoldEvent)] + [h for h in extra if h.side == side]
        durations = tuple(h.duration_s for h in holds)
        reached = sum(d + HOLD_SLACK_S >= (item.hold_s or 0.0) for d in durations)
        sides[side] = SideDone(side, sum(isinstance(u[3], RepEvent) for u in mine), durations, reached)
    return SetDone(n, units[0][0], units[-1][1], sides)


def sets_of(item: Item, blocks: Sequence[DoneBlock]) -> tuple[SetDone, ...]:
    """The item's sets as done, from the routine's blocks (in time order)."""
    groups: list[list[Unit]] = []
    holds_of: list[list[HoldEvent]] = []
    for block in blocks:
        if not item.matches(block.exercise, block.variant):
            continue
        _group(item, block, groups, holds_of)
        if item.reps is not None and item.hold_s is not None:
            _attach_top_holds(item, block, groups, holds_of)
    return tuple(_set_done(item, n, units, extra) for n, (units, extra) in enumerate(zip(groups, holds_of), 1))


def check_program(program: Program, blocks: Sequence[DoneBlock], titles: Sequence[str] = ()) -> ProgramCheck:
    """The session's blocks against ``program``. ``titles``: each block's title (for the blocks the program
    does not prescribe)."""
    items = tuple(ItemCheck(it, sets_of(it, blocks)) for it in program)
    extra = tuple(
        (titles[i] if i < len(titles) else f"{b.exercise}/{b.variant}")
        for i, b in enumerate(blocks)
        if program.item_for(b.exercise, b.variant) is None
    )
    return ProgramCheck(program, items, extra)


def live_line(program: Program, blocks: Sequence[DoneBlock], exercise: str, variant: str) -> str | None:
    """The live panel's line for the exercise on screen: ``set 2 of 2, left: 9 of 12`` (None: not prescribed)."""
    item = program.item_for(exercise, variant)
    if item is None:
        return None
    check = ItemCheck(item, sets_of(item, blocks))
    if not check.sets:
        return f"set 1 of {item.sets}: " + ("start" if item.sides == Sides.BOTH else f"start, {item.sides.legs[0]}")
    return check.set_line(len(check.sets))
