#!/usr/bin/env python
"""Throughput of one video, side by side in one run: everything formcheck adds, against the model's own cost.

    python -m bench.throughput [--runs 3] [--seconds 60] [--only 480p|1080p]

On a 60 s 640x480 30 fps clip and the same upscaled to 1920x1080 (both made here from a sample clip, in the
temporary directory; nothing large is committed), alternating, median of ``--runs`` runs:

  (a) the floor: a bare loop that decodes each frame and runs MediaPipe pose on it, nothing else;
  (b) formcheck's analysis writing the JSON report;
  (c) the same writing the annotated video too;
  (d) the per-frame analysis alone: replayed landmarks through features, legs and every candidate engine,
      and of it the body features alone (what the engines are fed).

Targets (issue 22): b/a <= 1.03, c/a <= 1.3, (d) < 0.3 ms a frame with no --variant.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from formcheck.app.api import Plan, analyze_landmarks, analyze_video
from formcheck.engine.features import FeatureExtractor
from formcheck.pose.backends import quiet_native_stderr
from formcheck.pose.recording import ReplayBackend, ReplaySource

ROOT = Path(__file__).resolve().parents[1]

SOURCE = ROOT / "sample_videos" / "leg-lifts__supine-bent-knee__good-both.mp4"
EXERCISE = "leg-lifts"


def make_clip(out: Path, seconds: float, size: tuple[int, int]) -> Path:
    """A clip of ``seconds`` at 30 fps and ``size``: the sample clip looped (and letterboxed up to size)."""
    if out.exists():
        return out
    cap = cv2.VideoCapture(str(SOURCE))
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, size)
    w, h = size
    for i in range(int(seconds * 30)):
        img = frames[i % len(frames)]
        if img.shape[1] != w:
            scale = h / img.shape[0]
            resized = cv2.resize(img, (round(img.shape[1] * scale), h), interpolation=cv2.INTER_LINEAR)
            canvas = np.zeros((h, w, 3), np.uint8)
            x = (w - resized.shape[1]) // 2
            canvas[:, x : x + resized.shape[1]] = resized
            img = canvas
        writer.write(img)
    writer.release()
    return out


def floor(clip: Path) -> float:
    """(a): decode, convert, run the model; frames a second."""
    import mediapipe as mp

    with quiet_native_stderr():
        t0 = time.perf_counter()  # from the model's loading, as (b) and (c) count theirs
        pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1)
        cap = cv2.VideoCapture(str(clip))
        n = 0
        while True:
            ok, img = cap.read()
            if not ok:
                break
            pose.process(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
            n += 1
        dt = time.perf_counter() - t0
        pose.close()
    return n / dt


def analysis(clip: Path, annotate: Path | None, landmarks: Path | None = None) -> float:
    """(b)/(c): formcheck's whole analysis of the file, with or without the annotated video."""
    t0 = time.perf_counter()
    report = analyze_video(clip, EXERCISE, annotate_to=annotate, save_landmarks=landmarks)
    report.write_json(clip.with_suffix(".json"))
    return report.frames / (time.perf_counter() - t0)


def per_frame_ms(landmarks: Path, exercise: str | None = EXERCISE) -> float:
    """(d): replayed landmarks through the frame loop as ``analyze`` runs it (features, legs, every candidate
    engine, the range of motion, the report); ``exercise`` None: a whole routine."""
    plan = Plan.of(exercise)
    frames = len(ReplayBackend(landmarks))
    t0 = time.perf_counter()
    analyze_landmarks(landmarks, plan=plan)
    return (time.perf_counter() - t0) / frames * 1000.0


def features_ms(landmarks: Path) -> float:
    """Of (d), the body features alone (trunk, legs, chirality, filters: everything before the engines)."""
    backend = ReplayBackend(landmarks)
    source = ReplaySource(backend)
    frames = list(source)
    poses = [backend.process(f) for f in frames]
    extractor = FeatureExtractor()
    t0 = time.perf_counter()
    for frame, pose in zip(frames, poses):
        extractor.update(frame.t, pose)
    return (time.perf_counter() - t0) / max(len(frames), 1) * 1000.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--only", choices=("480p", "1080p"))
    args = ap.parse_args()
    work = Path(tempfile.gettempdir()) / "formcheck-bench"
    work.mkdir(exist_ok=True)
    sizes = {"480p": (640, 480), "1080p": (1920, 1080)}
    for name, size in sizes.items():
        if args.only and name != args.only:
            continue
        clip = make_clip(work / f"clip-{name}-{args.seconds:g}s.mp4", args.seconds, size)
        lm = work / f"clip-{name}.landmarks.npz"
        analysis(clip, None, lm)  # warm-up, and the landmarks for (d)
        results: dict[str, list[float]] = {"a": [], "b": [], "c": [], "d": [], "f": []}
        for _ in range(args.runs):
            results["a"].append(floor(clip))
            results["b"].append(analysis(clip, None))
            results["c"].append(analysis(clip, work / "annotated.mp4"))
            results["d"].append(per_frame_ms(lm))
            results["f"].append(features_ms(lm))
        a, b, c = (statistics.median(results[k]) for k in "abc")
        d, f = statistics.median(results["d"]), statistics.median(results["f"])
        print(
            f"{name} ({size[0]}x{size[1]}, {args.seconds:g} s at 30 fps), median of {args.runs} alternating runs:\n"
            f"  (a) decode + MediaPipe, bare loop  {a:6.1f} frames/s\n"
            f"  (b) formcheck, JSON report         {b:6.1f} frames/s   b/a time ratio {a / b:.2f}  (target <= 1.03)\n"
            f"  (c) ... and the annotated video    {c:6.1f} frames/s   c/a time ratio {a / c:.2f}  (target <= 1.3)\n"
            f"  (d) per-frame analysis, replayed   {d:6.3f} ms a frame  (target < 0.3)\n"
            f"      of which the body features     {f:6.3f} ms (the engines, range of motion and report: the rest)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
