#!/usr/bin/env python
"""Does MediaPipe, run again on the mirrored frame, tell which leg is which where its labels are wrong? (issue 23)

    python -m bench.mirror_check [TRUTH.json ...]

Side-on, MediaPipe sometimes labels a raised leg as the other one through whole reps (the two clips marked
xfail in the tests, "only the pixels could tell"). The idea measured here: run the model also on the
horizontally mirrored frame, in a second, independent ``Pose`` instance (tracking state must not mix), map
its landmarks back (x -> width - x, left and right indices swapped back, so the labels are anatomical in the
original frame) and compare. Where the two passes place the legs alike but name them the other way round the
label is ambiguous; where they agree it would be more trustworthy.

For each clip (default: the two failing clips and two controls that pass), side by side in one run:

- the original pass on every frame, as formcheck runs it, and the mirrored pass only on the frames where
  the labels count (the gate: the legs apart, the body not square to the camera), each timed;
- on the frames where the truth has one leg raised, how often each pass labels the raised leg right;
- MediaPipe's own 3D depth order (is the raised leg the nearer one?) against the side it turns to the
  camera (chirality from the hips and shoulders' depth), to see whether they ever contradict the labels;
- three reconciliations replayed through the whole analysis and judged against the truth: (a) as is,
  (b) the mirrored pass's labels where the two passes name the legs the other way round, (c) no side vote
  from those frames, (d) side votes only from frames where the two passes agree (places and names).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from bench.evaluate import Truth, evaluate
from bench.evaluate_routine import evaluate_routine
from formcheck.app.api import analyze_landmarks
from formcheck.engine import legs
from formcheck.engine.body import body_axis, find_trunk, observe_leg
from formcheck.io.sources import Frame, VideoFileSource
from formcheck.pose.backends import MediaPipeSolutionBackend, quiet_native_stderr
from formcheck.pose.landmarks import LEG_CHAIN, LM, Pose
from formcheck.pose.recording import LandmarkRecorder, landmarks_meta

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (
    "sample_videos/hard/leg-lifts__standing-straight-leg__hard-portrait-small.json",
    "sample_videos/routines/routine__standing-leg-lifts-toe-reach-kneeling.json",
    "sample_videos/leg-lifts__standing-straight-leg__good-right.json",  # control: near leg raised, facing right
    "sample_videos/heldout/leg-lifts__standing-straight-leg__fault-short-hold-right-facing-left.json",  # far leg
)

# BlazePose's landmark indices seen in a mirror: left and right swapped (nose, mouth corners aside).
MIRRORED = np.arange(33)
for _a, _b in [(1, 4), (2, 5), (3, 6), (7, 8), (9, 10), *((i, i + 1) for i in range(11, 33, 2))]:
    MIRRORED[_a], MIRRORED[_b] = _b, _a
LEG_SWAP = np.arange(33)  # the legs (hips to feet) swapped, the rest kept
for _a in range(23, 33, 2):
    LEG_SWAP[_a], LEG_SWAP[_a + 1] = _a + 1, _a

GATE_SEPARATION = 0.3  # knee + ankle distance (torso lengths): labels of legs closer than this barely vote
GATE_FACING = 0.6  # body_axis' facing_camera above this: square to the camera, labels are reliable there
AGREE_DIST = 0.25  # knee + ankle (torso lengths) within which two passes place one leg alike
RAISED_DEG = 15.0  # a leg this much more flexed at the hip than the other is the raised one


def unmirror(pose: Pose, width: int) -> Pose:
    """A pose found on the mirrored frame, in the original frame with anatomical labels."""
    xy = pose.xy[MIRRORED].copy()
    xy[:, 0] = width - xy[:, 0]
    world = None
    if pose.world is not None:
        world = pose.world[MIRRORED].copy()
        world[:, 0] = -world[:, 0]
    z = None if pose.z is None else pose.z[MIRRORED].copy()
    return Pose(xy, pose.visibility[MIRRORED].copy(), pose.image_size, z, world)


def swap_legs(pose: Pose) -> Pose:
    z = None if pose.z is None else pose.z[LEG_SWAP]
    world = None if pose.world is None else pose.world[LEG_SWAP]
    return Pose(pose.xy[LEG_SWAP], pose.visibility[LEG_SWAP], pose.image_size, z, world)


def _legs(pose: Pose) -> tuple[dict[str, np.ndarray], float] | None:
    """Knee and ankle of each labelled leg (pixels, stacked), and the torso length; None without a trunk."""
    trunk = find_trunk(pose)
    if trunk is None or trunk.torso < 1e-6:
        return None
    return {s: pose.xy[[LEG_CHAIN[s][2], LEG_CHAIN[s][3]]] for s in LEG_CHAIN}, trunk.torso


def _dist(a: np.ndarray, b: np.ndarray, torso: float) -> float:
    return float(np.linalg.norm(a - b, axis=1).sum()) / torso


def gate(pose: Pose | None) -> bool:
    """The frames whose labels vote: legs apart, the body not square to the camera."""
    if pose is None or (found := _legs(pose)) is None:
        return False
    (lg, torso), facing = found, body_axis(pose)[1]
    return _dist(lg["left"], lg["right"], torso) >= GATE_SEPARATION and not facing > GATE_FACING


def compare(orig: Pose, mirr: Pose | None) -> str:
    """'same' (both passes name the legs alike), 'swapped' (same places, other names) or 'apart'."""
    if mirr is None or (a := _legs(orig)) is None or (b := _legs(mirr)) is None:
        return "apart"
    (lo, torso), (lm, _) = a, b
    same = max(_dist(lo["left"], lm["left"], torso), _dist(lo["right"], lm["right"], torso))
    swapped = max(_dist(lo["left"], lm["right"], torso), _dist(lo["right"], lm["left"], torso))
    if min(same, swapped) > AGREE_DIST:
        return "apart"
    return "same" if same <= swapped else "swapped"


def raised_label(pose: Pose) -> str | None:
    """The label of the leg more flexed at the hip (by RAISED_DEG or more), from the image."""
    trunk = find_trunk(pose)
    if trunk is None or trunk.torso < 1e-6:
        return None
    hips = {s: observe_leg(s, pose, trunk.mid_hip, trunk.trunk, trunk.torso, 0).values["hip_u"] for s in LEG_CHAIN}
    if any(math.isnan(h) for h in hips.values()) or abs(hips["left"] - hips["right"]) < RAISED_DEG:
        return None
    return min(hips, key=hips.__getitem__)


def truth_raised(truth: dict, t: float) -> str | None:  # type: ignore[type-arg]
    ft = truth.get("frames_truth")
    if not ft:
        return None
    j = min(int(np.searchsorted(ft["t"], t - 1e-6)), len(ft["t"]) - 1)
    hl, hr = ft["hip"]["left"][j], ft["hip"]["right"][j]
    if hl is None or hr is None or abs(hl - hr) < RAISED_DEG:
        return None
    return "left" if hl < hr else "right"


def depth_says(pose: Pose, label: str) -> str:
    """Whether MediaPipe's world depth puts the raised (``label``) ankle nearer, and the side it turns to the
    camera (the one whose hip and shoulder are nearer): 'near/left' etc."""
    w = pose.world
    if w is None:
        return "?"
    other = "right" if label == "left" else "left"
    nearer = w[LEG_CHAIN[label][3], 2] < w[LEG_CHAIN[other][3], 2]
    left_z = w[LM.LEFT_HIP, 2] + w[LM.LEFT_SHOULDER, 2]
    right_z = w[LM.RIGHT_HIP, 2] + w[LM.RIGHT_SHOULDER, 2]
    return f"raised {'nearer' if nearer else 'farther'}, {'left' if left_z < right_z else 'right'} side to camera"


@contextlib.contextmanager
def votes_zeroed(times: set[int]) -> Iterator[None]:
    """Replays with no side vote from the frames at ``times`` (ms): the vote weight is the legs' separation."""
    separation, update = legs._separation, legs.LegTracker.update
    current = {"zero": False}

    def patched_update(self, t, obs):  # type: ignore[no-untyped-def]
        current["zero"] = round(t * 1000) in times
        return update(self, t, obs)

    legs._separation = lambda a, b: 0.0 if current["zero"] else separation(a, b)  # type: ignore[assignment]
    legs.LegTracker.update = patched_update  # type: ignore[method-assign]
    try:
        yield
    finally:
        legs._separation, legs.LegTracker.update = separation, update  # type: ignore[method-assign]


def judge(truth_path: Path, truth: dict, landmarks: Path) -> str:  # type: ignore[type-arg]
    if truth.get("routine"):
        ev = evaluate_routine(analyze_landmarks(landmarks, None), truth)
        counts = [f"{b.exercise}: {'ok' if b.counts_right else b.detail}" for b in ev.blocks]
        exact = sum(b.counts_right for b in ev.blocks)
        return f"blocks with exact counts {exact}/{len(ev.blocks)} ({'; '.join(counts)})"
    tr = Truth.load(truth_path)
    ev = evaluate(analyze_landmarks(landmarks, tr.exercise), tr)
    holds = sum(h.measured_s is not None for h in ev.holds)
    return (
        f"reps {ev.reps_measured} (truth {ev.reps_true}), holds {holds}/{len(ev.holds)} found "
        f"+{ev.extra_holds} extra, false faults {len(ev.false_faults)}"
    )


@dataclass
class Passes:
    """Both passes over one clip: the original on every frame, the mirrored one (mapped back) on the gated
    frames only, with the model time each took, and what is needed to save the poses as landmarks."""

    frames: list[Frame] = field(default_factory=list)  # without their images (kept for times, cuts)
    orig: list[Pose | None] = field(default_factory=list)
    mirr: dict[int, Pose | None] = field(default_factory=dict)  # frame index -> unmirrored pose
    t_orig: float = 0.0
    t_mirr: float = 0.0
    size: tuple[int, int] = (0, 0)
    fps: float = 0.0


def check(truth_path: Path, work: Path) -> None:
    """One clip: run both passes, then print their cost, how their labels compare with the truth and each
    other, and the four reconciliations judged through the whole analysis."""
    truth = json.loads(truth_path.read_text())
    clip = truth_path.with_suffix(".mp4")
    passes = run_passes(clip)
    _print_cost(clip, passes)
    kinds = {i: compare(_gated_pose(passes, i), m) for i, m in passes.mirr.items()}
    _print_labels(truth, passes, kinds)
    _print_reconciliations(truth_path, truth, clip, passes, kinds, work)


def run_passes(clip: Path) -> Passes:
    """Both passes over ``clip``, in two independent ``Pose`` instances (tracking state must not mix)."""
    out = Passes()
    with VideoFileSource(clip) as src, quiet_native_stderr():
        first, second = MediaPipeSolutionBackend(), MediaPipeSolutionBackend()  # independent tracking states
        try:
            for fr in src:
                _step_passes(out, fr, first, second)
        finally:
            first.close()
            second.close()
        out.fps = src.info.fps
    return out


def _step_passes(out: Passes, fr: Frame, first: MediaPipeSolutionBackend, second: MediaPipeSolutionBackend) -> None:
    """One frame: the original pass, and the mirrored one where the gate lets its labels count; each timed
    (the mirrored time includes the flip and the mapping back, as it would cost in formcheck)."""
    t0 = time.perf_counter()
    pose = first.process(fr)
    t1 = time.perf_counter()
    if gate(pose):
        assert fr.image is not None
        flipped = Frame(fr.index, fr.t, cv2.flip(fr.image, 1))
        m = second.process(flipped)
        out.mirr[fr.index] = unmirror(m, fr.image.shape[1]) if m is not None else None
        out.t_mirr += time.perf_counter() - t1
    out.t_orig += t1 - t0
    out.size = (fr.image.shape[1], fr.image.shape[0]) if fr.image is not None else out.size
    out.frames.append(Frame(fr.index, fr.t, None, cut=fr.cut))
    out.orig.append(pose)


def _gated_pose(passes: Passes, i: int) -> Pose:
    """The original pose of a gated frame: the gate only passes frames with a pose."""
    pose = passes.orig[i]
    assert pose is not None
    return pose


def _print_cost(clip: Path, passes: Passes) -> None:
    """The clip's heading and what each pass cost a frame."""
    n, n_mirr = len(passes.frames), len(passes.mirr)
    print(f"\n## {clip.name}: {n} frames")
    print(
        f"  cost: original pass {passes.t_orig / n * 1000:.1f} ms a frame; mirrored pass on {n_mirr}/{n} frames "
        f"({n_mirr / n:.0%}) {passes.t_mirr / max(n_mirr, 1) * 1000:.1f} ms each (flip and mapping included), "
        f"+{passes.t_mirr / passes.t_orig:.0%} model time"
    )


def _print_labels(truth: dict, passes: Passes, kinds: dict[int, str]) -> None:  # type: ignore[type-arg]
    """How the two passes compare on the gated frames, and on those where the truth has one leg raised:
    whether the original labels it right, how the mirrored pass named it, and what MediaPipe's depth says."""
    labels: Counter[tuple[str, str]] = Counter()
    depth: Counter[tuple[str, str]] = Counter()
    for i, kind in kinds.items():
        pose = _gated_pose(passes, i)
        want = truth_raised(truth, passes.frames[i].t)
        got = raised_label(pose)
        if want is None or got is None:
            continue
        labels[("original " + ("right" if got == want else "WRONG"), kind)] += 1
        depth[("label " + ("right" if got == want else "WRONG"), depth_says(pose, got))] += 1
    counts = sorted(Counter(kinds.values()).items())
    print("  gated frames, the two passes: " + ", ".join(f"{k} {v}" for k, v in counts))
    print("  frames with one leg raised (truth), the original's label of it, and how the mirrored pass named it:")
    for (o, k), v in sorted(labels.items()):
        print(f"    {o:15s} mirrored {k:8s} {v:5d}")
    print("  MediaPipe's depth order and chirality on those frames:")
    for (o, d), v in sorted(depth.items()):
        print(f"    {o:12s} {d:40s} {v:5d}")


def _save_poses(work: Path, clip: Path, passes: Passes, name: str, poses: list[Pose | None]) -> Path:
    """``poses`` (one per frame) saved as a landmarks file in ``work``, to replay through the analysis."""
    rec = LandmarkRecorder()
    for fr, p in zip(passes.frames, poses):
        rec.add(fr, p, fr.cut)
    rec.size = passes.size
    path = work / f"{clip.stem}.{name}.landmarks.npz"
    rec.save(path, landmarks_meta(clip, passes.fps, name))
    return path


def _legs_swapped_at(poses: list[Pose | None], frames: set[int]) -> list[Pose | None]:
    """``poses`` with the legs' labels swapped on ``frames`` (reconciliation (b): the mirrored pass's names)."""
    return [swap_legs(p) if i in frames and p else p for i, p in enumerate(poses)]


def _print_reconciliations(
    truth_path: Path,
    truth: dict,  # type: ignore[type-arg]
    clip: Path,
    passes: Passes,
    kinds: dict[int, str],
    work: Path,
) -> None:
    """The four ways to reconcile the passes (see the module's docstring), each judged against the truth."""
    frames, orig = passes.frames, passes.orig
    swapped = {i for i, kind in kinds.items() if kind == "swapped"}
    agreed = {i for i, kind in kinds.items() if kind == "same"}
    as_is = _save_poses(work, clip, passes, "as-is", orig)
    relabelled = _save_poses(work, clip, passes, "mirror-labels", _legs_swapped_at(orig, swapped))
    print(f"  (a) as is:                                 {judge(truth_path, truth, as_is)}")
    print(f"  (b) mirrored labels where they disagree:   {judge(truth_path, truth, relabelled)}")
    with votes_zeroed({round(frames[i].t * 1000) for i in swapped}):
        print(f"  (c) no side vote where they disagree:      {judge(truth_path, truth, as_is)}")
    unconfirmed = {round(fr.t * 1000) for i, fr in enumerate(frames) if i not in agreed}
    with votes_zeroed(unconfirmed):
        print(f"  (d) side votes only where both agree:      {judge(truth_path, truth, as_is)}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("truths", nargs="*", type=Path, help="clips' truth sidecars (default: the issue's clips)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.truths or [ROOT / p for p in DEFAULT]:
            check(path.resolve(), Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
