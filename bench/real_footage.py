#!/usr/bin/env python
"""formcheck on real footage: phone and studio videos with by-eye truth, listed in a manifest.

The footage itself is not in the repository (none of it may be redistributed); point this at a manifest:

    python -m bench.real_footage /path/to/manifest.json [--cache DIR] [--only SUBSTRING] [--refresh]

Manifest: a JSON list of clips, each {"file": path relative to the manifest's clips/ folder, "exercise":
name or null for a negative (something else: squats, walking...), "form": free text, "truth": {"reps":
{"left": n, "right": n} | {"both": n} | null, "holds": [{"side", "start_s", "end_s"}], "faults_seen":
[text...]}}.

A clip is judged as the issue asks: reps within 1 per side, holds within 2 s (on rep clips too: a pause at the
top is checked where the variant times a hold, or where it lasts over twice the tolerance), no fault on a
clean demonstration; a negative must count nothing and flag nothing for every exercise. A report that
declines to judge (no numbers, and a note saying why) is counted apart: honest, but not right. A clip that
cannot be judged by eye either (a montage) is right only with such a note; the summary gives them apart.
The landmarks of each clip are cached (--cache, default beside the manifest) so re-runs take seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from formcheck.app.api import analyze_landmarks, analyze_video
from formcheck.definitions.loader import load_exercises
from formcheck.report.exercise_report import Report
from formcheck.report.routine_report import RoutineReport

ROOT = Path(__file__).resolve().parents[1]

REPS_TOLERANCE = 1
HOLD_TOLERANCE_S = 2.0


@dataclass
class Verdict:
    right: bool
    abstained: bool = False
    problems: list[str] = field(default_factory=list)


def reps_measured(report: Report, truth_reps: dict[str, int]) -> dict[str, int]:
    if set(truth_reps) == {"both"}:
        # Both legs together (a bridge, a double-leg raise): counted as such, not as one leg's reps (another
        # variant read into the movement is wrong however many it counts).
        return {"both": report.reps.get("both", 0)}
    return {side: report.reps.get(side, 0) for side in ("left", "right")}


def abstained(report: Report) -> bool:
    why = getattr(report, "undetermined", None)
    return not any(report.reps.values()) and not report.holds and not report.faults and bool(why)


def judge(report: Report, truth: dict[str, Any]) -> Verdict:
    v = Verdict(right=True)
    if truth["reps"] is None and not truth["holds"]:
        # Not judgeable by eye either (cuts, overlays, close-ups): the right answer is a note, not numbers.
        ok = abstained(report)
        return Verdict(
            right=ok,
            problems=[]
            if ok
            else [
                "numbers where the video cannot be judged: "
                + (f"reps {report.reps}, {len(report.holds)} hold(s), {len(report.faults)} fault(s)")
            ],
        )
    if abstained(report):
        return Verdict(right=False, abstained=True, problems=[f"declined: {getattr(report, 'undetermined', '')}"])
    if truth["reps"] is not None:
        got = reps_measured(report, truth["reps"])
        for side, n in truth["reps"].items():
            if abs(got.get(side, 0) - n) > REPS_TOLERANCE:
                v.problems.append(f"reps {side} {got.get(side, 0)} (truth {n})")
    elif any(report.reps.values()):
        v.problems.append(f"reps counted in a hold: {report.reps}")
    # On a rep clip, the pauses at the top are holds where the variant times one (a raise held up is a rep
    # with a hold); in a variant with no hold a short pause is part of its rep.
    timed = truth["reps"] is None or getattr(report, "hold_target_s", None) is not None
    v.problems += judge_holds(report.holds, truth["holds"], rep_clip=truth["reps"] is not None, timed=timed)
    if not truth["faults_seen"] and report.faults:
        v.problems.append("faults on a clean demonstration: " + ", ".join(f.code for f in report.faults))
    v.right = not v.problems
    return v


def judge_holds(
    reported: list[Any], truth_holds: list[dict[str, Any]], rep_clip: bool, timed: bool = True
) -> list[str]:
    """Each true hold matched by a reported one (overlapping, same side) within HOLD_TOLERANCE_S, and no
    reported hold where none was. On a rep clip the holds are the pauses at the top of reps: one shorter than
    the tolerance may go unreported (0 s is within the tolerance of it), and where the variant times no hold
    (``timed`` False) only a pause longer than twice the tolerance must be found; on a hold clip every hold is."""
    problems, remaining = [], list(reported)
    for h in truth_holds:
        true_s = h["end_s"] - h["start_s"]
        match = next(
            (
                r
                for r in remaining
                if r.start_s < h["end_s"] and r.end_s > h["start_s"] and h["side"] in ("both", r.side)
            ),
            None,
        )
        if match is None:
            if not rep_clip or true_s > HOLD_TOLERANCE_S * (1 if timed else 2):
                problems.append(f"missed the {h['side']} hold of {true_s:.1f} s")
            continue
        remaining.remove(match)
        if abs(match.duration_s - true_s) > HOLD_TOLERANCE_S:
            problems.append(f"{h['side']} hold {match.duration_s:.1f} s (truth {true_s:.1f} s)")
    if remaining:
        problems.append(f"{len(remaining)} hold(s) that did not happen")
    return problems


def judge_negative(reports: dict[str, Report]) -> Verdict:
    v = Verdict(right=True)
    for name, r in reports.items():
        found = []
        if any(r.reps.values()):
            found.append(f"reps {r.reps}")
        if r.holds:
            found.append(f"{len(r.holds)} hold(s)")
        if r.faults:
            found.append(f"{len(r.faults)} fault(s)")
        if found:
            v.problems.append(f"as {name}: " + ", ".join(found))
    v.right = not v.problems
    return v


def analyse(clip: Path, exercise: str, cache: Path, refresh: bool) -> Report:
    lm = cache / f"{clip.stem}.landmarks.npz"
    if refresh or not lm.exists():
        return analyze_video(clip, exercise, save_landmarks=lm)
    return analyze_landmarks(lm, exercise)


def as_one(report: RoutineReport) -> SimpleNamespace:
    """A routine report's blocks read as one exercise's report, for ``judge``: every block's reps, holds and
    faults together (a block of another exercise shows up as numbers that are not the truth's)."""
    reps: dict[str, int] = {"left": 0, "right": 0}
    for b in report.blocks:
        for side, n in b.reps.items():
            reps[side] = reps.get(side, 0) + n
    return SimpleNamespace(
        reps=reps,
        holds=[h for b in report.blocks for h in b.holds],
        faults=[f for b in report.blocks for f in b.faults],
        undetermined=None if report.blocks else "no exercise recognised",
    )


@dataclass
class RoutineTally:
    """Running counts of ``run_routine_mode``: judgeable clips whose exercise alone was recognised
    (``named``) and that were fully right (``right``), and the negatives and how many gave no block."""

    named: int = 0
    right: int = 0
    negatives: int = 0
    negatives_right: int = 0

    def add(self, entry: dict[str, Any], report: RoutineReport) -> bool:
        """Count one clip's routine report; whether it is right."""
        if entry["exercise"] is None:
            ok = not report.blocks  # a negative is right when no block is found
            self.negatives += 1
            self.negatives_right += ok
            return ok
        truth = entry["truth"]
        unjudgeable = _unjudgeable(truth)
        alone = {b.exercise for b in report.blocks} == {entry["exercise"]}
        self.named += not unjudgeable and alone
        # One that cannot be judged by eye is right for a note instead of numbers (``judge``), not for its name.
        ok = judge(as_one(report), truth).right and (unjudgeable or alone)
        self.right += ok and not unjudgeable
        return ok


def _unjudgeable(truth: dict[str, Any]) -> bool:
    """No reps and no holds in the truth: the clip cannot be judged by eye either (cuts, overlays, close-ups)."""
    return truth["reps"] is None and not truth["holds"]


def _selected(entry: dict[str, Any], only: str | None) -> bool:
    """Whether ``--only`` keeps this clip (no filter keeps every clip)."""
    return not only or only in entry["file"]


def _routine_report(entry: dict[str, Any], cache: Path) -> RoutineReport:
    """The clip's cached landmarks analysed with no exercise given, as a routine."""
    lm = cache / f"{Path(entry['file']).stem}.landmarks.npz"
    report = analyze_landmarks(lm, None)
    assert isinstance(report, RoutineReport)
    return report


def run_routine_mode(entries: list[dict[str, Any]], clips_dir: Path, cache: Path, only: str | None) -> int:
    """Each real clip analysed as a routine (no --exercise): is its exercise recognised, and are the numbers
    right? A negative is right when no block is found."""
    tally = RoutineTally()
    for e in entries:
        if not _selected(e, only):
            continue
        report = _routine_report(e, cache)
        ok = tally.add(e, report)
        blocks = [f"{b.exercise}/{b.variant}" for b in report.blocks]
        print(f"{'RIGHT' if ok else 'WRONG':8} {e['file'][:70]:70} {', '.join(blocks) or 'no block'}")
    judgeable = sum(
        1 for e in entries if e["exercise"] is not None and not _unjudgeable(e["truth"]) and _selected(e, only)
    )
    print(
        f"\nREAL FOOTAGE AS ROUTINES (no --exercise): exercise recognised alone in {tally.named}/{judgeable} "
        f"judgeable clips, fully right (that exercise and its numbers) in {tally.right}/{judgeable}; "
        f"{tally.negatives_right}/{tally.negatives} negatives gave no block"
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("manifest", type=Path)
    ap.add_argument("--cache", type=Path, help="landmarks cache (default: landmarks/ beside the manifest)")
    ap.add_argument("--only", help="only clips whose file name contains this")
    ap.add_argument("--round", type=int, help="only the clips added in this round (1: the first 23; 2, 3: issue 23's)")
    ap.add_argument("--refresh", action="store_true", help="run the model again instead of the cached landmarks")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each report's summary")
    ap.add_argument(
        "--routine", action="store_true", help="analyse each clip without --exercise (from the cached landmarks)"
    )
    args = ap.parse_args()
    entries = json.loads(args.manifest.read_text())
    if args.round is not None:
        entries = [e for e in entries if e.get("round", 1) == args.round]
    clips_dir = args.manifest.parent / "clips"
    cache = args.cache or args.manifest.parent / "landmarks"
    cache.mkdir(parents=True, exist_ok=True)
    if args.routine:
        return run_routine_mode(entries, clips_dir, cache, args.only)
    exercises = sorted(load_exercises())
    right = abstain = judged = 0
    refusals = refusals_right = 0  # clips that cannot be judged by eye either: right is a note, not numbers
    negatives_right = negatives = 0
    t0 = time.perf_counter()
    for e in entries:
        if args.only and args.only not in e["file"]:
            continue
        clip = clips_dir / e["file"]
        truth = e["truth"]
        if e["exercise"] is None:
            reports = {name: analyse(clip, name, cache, args.refresh and name == exercises[0]) for name in exercises}
            verdict = judge_negative(reports)
            negatives += 1
            negatives_right += verdict.right
            what = "negative"
            sample = next(iter(reports.values()))
        else:
            sample = analyse(clip, e["exercise"], cache, args.refresh)
            verdict = judge(sample, truth)
            if truth["reps"] is None and not truth["holds"]:
                refusals += 1
                refusals_right += verdict.right
            else:
                judged += 1
                right += verdict.right
                abstain += verdict.abstained
            what = f"{sample.variant}{'' if sample.variant_detected else ' (given)'}"
        mark = "RIGHT" if verdict.right else ("DECLINED" if verdict.abstained else "WRONG")
        print(f"{mark:8} {e['file'][:70]:70} {what}")
        print(f"         form: {e['form'][:100]}")
        for p in verdict.problems:
            print(f"         - {p}")
        if args.verbose:
            print("\n".join("         | " + line for line in sample.summary().splitlines()))
    print(
        f"\nREAL FOOTAGE: {right + refusals_right}/{judged + refusals} exercise clips fully right: "
        f"{right}/{judged} judgeable clips with the right numbers ({abstain} declined with a note), "
        f"{refusals_right}/{refusals} that cannot be judged refused with a note; "
        f"{negatives_right}/{negatives} negatives counted nothing for every exercise; "
        f"{time.perf_counter() - t0:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
