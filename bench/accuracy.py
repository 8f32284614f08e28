#!/usr/bin/env python
"""Accuracy of formcheck on the sample clips with known truth (sample_videos/*.json).

For every clip: reps error, hold-time error, fault recall/precision, and the mean absolute error of the
hip and knee angles against the truth, from the image-plane landmarks (what formcheck uses) and, side by
side, from MediaPipe's 3D world landmarks. The variant is recognised (not given) unless --given-variant.

    python -m bench.accuracy                      # run the model on every clip of every set
    python -m bench.accuracy --replay             # replay each clip's saved landmarks (no model, seconds)
    python -m bench.accuracy --set held-out       # one set
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from bench.evaluate import Evaluation, Truth, evaluate
from bench.evaluate_routine import evaluate_routine, evaluate_switches
from formcheck.analysis.loop import Analysis, FrameState, Sink
from formcheck.app.api import analyze_video
from formcheck.definitions.loader import Catalogue, find_exercise, load_exercises
from formcheck.definitions.schema import Exercise
from formcheck.io.sources import Frame
from formcheck.pose import geometry as g
from formcheck.pose.backends import MediaPipeSolutionBackend, PoseBackend
from formcheck.pose.landmarks import LEG_CHAIN
from formcheck.pose.recording import ReplayBackend
from formcheck.report.build import AnyReport

ROOT = Path(__file__).resolve().parents[1]


class AngleLog(Sink):
    """Per-frame measured angles by anatomical side: 2D (formcheck's features) and 3D (world landmarks)."""

    def __init__(self, view: str) -> None:
        self.view = view
        self.rows: list[dict[str, float]] = []

    def add(self, res: FrameState) -> None:
        row: dict[str, float] = {}
        for side in ("left", "right"):
            leg = res.features.leg(side)
            row[f"hip_{side}"] = leg.value("hip", self.view) if leg else math.nan
            row[f"knee_{side}"] = leg.value("knee", self.view) if leg else math.nan
            w = res.pose.world if res.pose is not None else None
            if w is not None:
                sh, hip, knee, ankle = (w[i] for i in LEG_CHAIN[side][:4])
                row[f"hip3d_{side}"] = g.joint_angle(sh, hip, knee)
                row[f"knee3d_{side}"] = g.joint_angle(hip, knee, ankle)
        self.rows.append(row)


def angle_mae(log: AngleLog, truth: Truth, joint: str, three_d: bool) -> tuple[float, float]:
    """Mean absolute error (deg) over in-frame frames where both are known, and the share of those frames."""
    ft = truth.data["frames_truth"]
    errs: list[float] = []
    total = 0
    for i, row in enumerate(log.rows[: len(ft["t"])]):
        if not ft["in_frame"][i]:
            continue
        for side in ("left", "right"):
            tv = ft[joint][side][i]
            total += 1
            mv = row.get(f"{joint}3d_{side}" if three_d else f"{joint}_{side}", math.nan)
            if math.isnan(mv) or tv is None:
                continue
            if three_d or log.view == "front":
                tv = min(tv, 360.0 - tv)  # unsigned comparisons
            errs.append(abs(mv - tv))
    return (float(np.mean(errs)) if errs else math.nan, len(errs) / total if total else 0.0)


SETS = {
    "development": lambda: sorted((ROOT / "sample_videos").glob("*.json")),
    "held-out": lambda: sorted((ROOT / "sample_videos" / "heldout").glob("*.json")),
    "hard": lambda: sorted((ROOT / "sample_videos" / "hard").glob("*.json")),
    "negatives": lambda: sorted((ROOT / "sample_videos" / "negatives").glob("*.json")),
    "routines": lambda: sorted((ROOT / "sample_videos" / "routines").glob("*.json")),
}


def fully_right(ev: Evaluation) -> bool:
    """Reps exact, every hold found within 1 s, no hold or fault that did not happen, no fault missed."""
    holds_ok = all(h.error_s <= 1.0 for h in ev.holds)
    return (
        ev.variant_ok
        and ev.reps_exact
        and holds_ok
        and not ev.extra_holds
        and not ev.false_faults
        and not (ev.missed_faults)
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clips", nargs="*", type=Path, help="truth JSON files (default: every set)")
    ap.add_argument("--set", choices=sorted(SETS), action="append", help="only these sets")
    ap.add_argument("--replay", action="store_true", help="replay each clip's saved landmarks instead of the model")
    ap.add_argument("--given-variant", action="store_true", help="pass the true variant instead of detecting it")
    ap.add_argument("--static", action="store_true", help="run the model per image (no tracking between frames)")
    args = ap.parse_args()
    sets = {"given": args.clips} if args.clips else {name: SETS[name]() for name in (args.set or SETS)}
    totals = []
    for name, paths in sets.items():
        print(f"\n## {name} set ({len(paths)} clips, {'saved landmarks' if args.replay else 'MediaPipe full model'})")
        totals.append(run_set(name, paths, args.replay, args.given_variant, args.static))
    print()
    for line in totals:
        print(line)
    return 0


def run_negatives(name: str, paths: list[Path], replay: bool) -> str:
    """Movements that are none of the exercises: analysed as every exercise, nothing may be counted."""
    exercises = load_exercises()
    right = 0
    for path in paths:
        truth = Truth.load(path)
        lm = truth.video.with_suffix(".landmarks.npz")
        found = []
        for ex in exercises:
            report = analyze_video(truth.video, ex, backend=ReplayBackend(lm) if replay else None)
            if any(report.reps.values()) or report.holds or report.faults:
                found.append(f"as {ex}: reps {report.reps}, {len(report.holds)} hold(s), {len(report.faults)} fault(s)")
        right += not found
        print(f"{truth.video.name[:58]:58} {'nothing counted' if not found else 'COUNTED: ' + '; '.join(found)}")
    return f"{name.upper()} {len(paths)} clips: nothing counted or flagged for any exercise in {right}/{len(paths)}"


def run_routines(name: str, paths: list[Path], replay: bool) -> str:
    """Whole routines analysed without --exercise: frame-level exercise accuracy outside transitions, block
    boundaries, and each block's counts against the truth's segments."""
    scored = right = exact = blocks = 0
    worst = 0.0
    in_order = missed = 0
    delays: list[float] = []
    for path in paths:
        truth = json.loads(path.read_text())
        video = path.with_suffix(".mp4")
        lm = video.with_suffix(".landmarks.npz")
        report = analyze_video(video, None, backend=ReplayBackend(lm) if replay else None)
        ev = evaluate_routine(report, truth)
        print(f"{video.name[:50]:50} {ev.line()}")
        if replay:  # live recognition, frame by frame as `formcheck live` does it (saved landmarks)
            sw = evaluate_switches(_live_switches(lm), truth)
            print(f"{'':50} {sw.line()}")
            in_order += sw.in_order
            delays += [d for d in sw.delays_s if d is not None]
            missed += sum(d is None for d in sw.delays_s)
        for b in ev.blocks:
            if not b.counts_right:
                print(f"    {b.exercise}/{b.variant_true}: found {b.variant_found}; {b.detail}")
        scored, right = scored + ev.frames_scored, right + ev.frames_right
        exact, blocks = exact + ev.counts_right, blocks + len(ev.blocks)
        worst = max(worst, ev.worst_boundary_s or 0.0)
    acc = 100 * right / scored if scored else 0.0
    return (
        f"{name.upper()} {len(paths)} routines: frames {acc:.1f}% right outside transitions (target 95%); "
        f"worst boundary {worst:.2f} s (target 1.5 s); blocks with exact counts {exact}/{blocks}"
        + (
            f"; live: {in_order}/{len(paths)} routines shown in order, blocks shown after median "
            f"{statistics.median(delays) if delays else float('nan'):.1f} s, worst "
            f"{max(delays) if delays else float('nan'):.1f} s, {missed} never"
            if replay
            else ""
        )
    )


def _live_switches(landmarks: Path) -> list[tuple[float, str]]:
    analysis = Analysis(Catalogue.load(), None, live_recognition=True)
    replay = ReplayBackend(landmarks)
    for i, t in enumerate(replay.t):
        analysis.step(Frame(i, float(t), None, cut=replay.cut_at(i)), replay.pose_at(i))
    assert analysis.recogniser is not None
    return [(s.t, s.exercise.name) for s in analysis.recogniser.switches]


# The four angle columns, in the order the summary lists them: joint + "2D" (image plane) or "3D" (world).
MAE_COLUMNS = ("hip2D", "knee2D", "hip3D", "knee3D")


def run_set(name: str, paths: list[Path], replay: bool, given_variant: bool, static: bool) -> str:
    """One set of clips: a table row per exercise clip, then the set's summary line (returned). Routines and
    negatives have no per-exercise truth to score against, so they are judged their own way."""
    if paths and all(json.loads(p.read_text()).get("routine") for p in paths):
        return run_routines(name, paths, replay)
    if paths and all(Truth.load(p).data.get("negative") for p in paths):
        return run_negatives(name, paths, replay)
    exercises = load_exercises()
    header = _table_header()
    print(header)
    print("-" * len(header))
    evals: list[Evaluation] = []
    maes: dict[str, list[float]] = {col: [] for col in MAE_COLUMNS}
    for path in paths:
        scored = _run_clip(path, exercises, replay, given_variant, static)
        if scored is None:
            continue
        ev, cells = scored
        evals.append(ev)
        _pool_maes(maes, cells)
    print("-" * len(header))
    return _set_summary(name, evals, maes)


def _table_header() -> str:
    """The per-clip table's header; reps/err: true reps left+right / absolute error summed over both sides."""
    return (
        f"{'clip':58} {'var':>3} {'reps/err':>9} {'hold err s':>10} {'faults R/P':>10} "
        f"{'hip2D':>6} {'knee2D':>6} {'hip3D':>6} {'knee3D':>6} {'cov':>5} {'fps':>5}"
    )


def _backend(landmarks: Path, replay: bool, static: bool) -> PoseBackend | None:
    """The saved landmarks when replaying; else the model per image (--static) or None (analyze_video's
    default, tracking between frames)."""
    if replay:
        return ReplayBackend(landmarks)
    if static:
        return MediaPipeSolutionBackend(video=False)
    return None


def _run_clip(
    path: Path, exercises: dict[str, Exercise], replay: bool, given_variant: bool, static: bool
) -> tuple[Evaluation, dict[str, float]] | None:
    """Analyse one clip, print its row and any problems; its evaluation and angle cells, or None (after a
    note) when replaying a clip whose landmarks were never saved."""
    truth = Truth.load(path)
    ex = find_exercise(truth.exercise, exercises)
    log = AngleLog(ex.variant(truth.variant).view)
    lm = truth.video.with_suffix(".landmarks.npz")
    if replay and not lm.exists():
        print(f"{truth.video.name[:58]:58} (no saved landmarks: python -m tools.save_landmarks)")
        return None
    backend = _backend(lm, replay, static)
    t0 = time.perf_counter()
    report = analyze_video(
        truth.video,
        ex,
        truth.variant if given_variant else None,
        backend=backend,
        sinks=[log],
    )
    speed = report.frames / (time.perf_counter() - t0)
    ev = evaluate(report, truth)
    cells = _angle_cells(log, truth)
    print(_clip_row(ev, cells, speed))
    _print_problems(ev, report)
    return ev, cells


def _angle_cells(log: AngleLog, truth: Truth) -> dict[str, float]:
    """Each MAE column's error for one clip, and "cov": the share of frames the hip's 2D angle was known."""
    cells: dict[str, float] = {}
    for joint in ("hip", "knee"):
        for three_d, tag in ((False, "2D"), (True, "3D")):
            mae, cov = angle_mae(log, truth, joint, three_d)
            cells[joint + tag] = mae
            if joint == "hip" and not three_d:
                cells["cov"] = cov
    return cells


def _pool_maes(maes: dict[str, list[float]], cells: dict[str, float]) -> None:
    """Add one clip's angle errors to the set's lists; a clip with no usable frames for a column (NaN) is
    left out of that column's mean and worst rather than poisoning them."""
    for col in MAE_COLUMNS:
        if not math.isnan(cells[col]):
            maes[col].append(cells[col])


def _clip_row(ev: Evaluation, cells: dict[str, float], speed: float) -> str:
    """One clip's line of the table (columns as in ``_table_header``)."""
    herr = [h.error_s for h in ev.holds]
    hold = f"{max(herr):.2f}" if herr else "-"
    faults = f"{ev.faults_found}/{ev.faults_true} {ev.faults_correct}/{ev.faults_reported}"
    reps = "+".join(str(n) for n in ev.reps_true.values() if n) or "0"
    reps = f"{reps}/{ev.reps_error}"
    return (
        f"{ev.clip[:58]:58} {'ok' if ev.variant_ok else 'NO':>3} {reps:>9} {hold:>10} {faults:>10} "
        f"{cells['hip2D']:6.1f} {cells['knee2D']:6.1f} {cells['hip3D']:6.1f} {cells['knee3D']:6.1f} "
        f"{100 * cells['cov']:4.0f}% {speed:5.0f}"
    )


def _print_problems(ev: Evaluation, report: AnyReport) -> None:
    """What went wrong on a clip, indented under its row: faults missed or invented, extra holds, reps."""
    for m in ev.missed_faults:
        print(f"    missed fault: {m}")
    for m in ev.false_faults:
        print(f"    false fault:  {m}")
    if ev.extra_holds:
        print(f"    {ev.extra_holds} extra hold(s): {[(h.side, h.start_s, h.duration_s) for h in report.holds]}")
    if not ev.reps_exact:
        print(f"    reps true {ev.reps_true} measured {ev.reps_measured}")


def _set_summary(name: str, evals: list[Evaluation], maes: dict[str, list[float]]) -> str:
    """The set's closing line: clip counts, then holds, faults and angle errors over all its clips."""
    n = len(evals)
    return (
        f"{name.upper()} {n} clips: fully right {sum(fully_right(e) for e in evals)}/{n}; "
        f"reps exact {sum(e.reps_exact for e in evals)}/{n}; "
        f"variant right {sum(e.variant_ok for e in evals)}/{n}; "
        f"{_holds_summary(evals)}; {_faults_summary(evals)}; "
        "angle MAE mean (worst clip) "
        + ", ".join(f"{k} {statistics.mean(v):.1f}° ({max(v):.1f}°)" for k, v in maes.items() if v)
    )


def _holds_summary(evals: list[Evaluation]) -> str:
    """Holds found (a missed hold's error is infinite) and the median and worst timing error."""
    hold_errs = [h.error_s for e in evals for h in e.holds]
    finite = [e for e in hold_errs if math.isfinite(e)]
    return (
        f"holds {len(finite)}/{len(hold_errs)} found, error median "
        f"{statistics.median(finite) if finite else math.nan:.2f} s, worst {max(hold_errs) if hold_errs else 0:.2f} s"
    )


def _faults_summary(evals: list[Evaluation]) -> str:
    """Fault recall and precision pooled over the clips (100% when there is nothing to find or report)."""
    found = sum(e.faults_found for e in evals)
    true = sum(e.faults_true for e in evals)
    correct = sum(e.faults_correct for e in evals)
    reported = sum(e.faults_reported for e in evals)
    return (
        f"fault recall {found}/{true} = {100 * found / true if true else 100:.0f}%, "
        f"precision {correct}/{reported} = {100 * correct / reported if reported else 100:.0f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
