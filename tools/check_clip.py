#!/usr/bin/env python
"""Run MediaPipe Pose (legacy API, full model) on a synthetic clip and compare with its truth sidecar.

Prints the detection rate over the frames where the whole person is in frame, and the mean/max absolute
error of image-plane hip and knee angles per side (against the truth's projected 2D angles, and against
the 3D truth folded to 0-180).  Usage: python -m tools.check_clip sample_videos/NAME.mp4 [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

GROSS_DEG = 25.0
LANDMARKS = {"left": (11, 23, 25, 27), "right": (12, 24, 26, 28)}  # shoulder, hip, knee, ankle


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    u, v = a - b, c - b
    cos = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def detect(clip: Path, autorotate: bool = False) -> tuple[list[dict | None], list[float]]:
    import mediapipe as mp

    cap = cv2.VideoCapture(str(clip))
    # OpenCV 4.11's FFmpeg backend does not apply a display-rotation tag by default (it hands over the
    # stored pixels); with `autorotate` it turns the frames as a player would.
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1 if autorotate else 0)
    out, stamps = [], []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            stamps.append(cap.get(cv2.CAP_PROP_POS_MSEC))
            h, w = frame.shape[:2]
            res = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            if res.pose_landmarks is None:
                out.append(None)
                continue
            lm = res.pose_landmarks.landmark
            pts = {i: np.array([lm[i].x * w, lm[i].y * h]) for i in range(33)}
            angles = {}
            for side, (sh, hp, kn, an) in LANDMARKS.items():
                angles[f"hip_{side}"] = _angle(pts[sh], pts[hp], pts[kn])
                angles[f"knee_{side}"] = _angle(pts[hp], pts[kn], pts[an])
            out.append(angles)
    cap.release()
    return out, stamps


JOINTS = ("hip", "knee")
SIDES = ("left", "right")


def compare(clip: Path, autorotate: bool = False) -> dict:
    """MediaPipe on ``clip`` against its truth sidecar: detection counts, per-angle errors, gross errors and
    whether the frame timestamps are sane (one JSON-able report; the key order is the report's)."""
    truth = json.loads(clip.with_suffix(".json").read_text())
    ft = truth["frames_truth"]
    det, stamps = detect(clip, autorotate)
    n = min(len(det), len(ft["t"]))
    inside = [i for i in range(n) if ft["in_frame"][i]]
    hits = [i for i in inside if det[i] is not None]
    report = _detection_counts(clip, truth, det, n, inside, hits)
    report["autorotate"] = autorotate
    for joint in JOINTS:
        for side in SIDES:
            report[f"{joint}_{side}"] = _angle_errors(det, ft, hits, joint, side)
    report.update(_gross_errors(det, ft, hits, truth["fps"]))
    report["timestamps_ok"] = _timestamps_ok(stamps[: len(det)], truth["fps"])
    return report


def _detection_counts(
    clip: Path, truth: dict, det: list[dict | None], n: int, inside: list[int], hits: list[int]
) -> dict:
    """How many frames had a pose, among the ``inside`` ones (the whole person in view) and the others."""
    ft = truth["frames_truth"]
    return {
        "clip": clip.name,
        "frames": len(det),
        "truth_frames": truth["frames"],
        "in_frame": len(inside),
        "detected": len(hits),
        "detection_rate": round(len(hits) / max(len(inside), 1), 4),
        # Frames with a pose although the person is not wholly in view (cards, close-ups, walking out).
        "detected_outside": sum(1 for i in range(n) if not ft["in_frame"][i] and det[i] is not None),
        "outside": n - len(inside),
    }


def _angle_errors(det: list[dict | None], ft: dict, hits: list[int], joint: str, side: str) -> dict:
    """One angle's absolute error on the detected frames: against the projected 2D truth, and against the 3D
    truth folded to 0-180 (the image-plane angle is unsigned); None where nothing was detected."""
    key = f"{joint}_{side}"
    d = np.array([det[i][key] for i in hits])
    t2 = np.array([ft[f"{joint}_2d"][side][i] for i in hits])
    t3 = np.array([ft[joint][side][i] for i in hits])
    t3 = np.where(t3 > 180, 360 - t3, t3)
    e2, e3 = np.abs(d - t2), np.abs(d - t3)
    if not len(e2):
        return {"mean_2d": None, "max_2d": None, "mean_3d": None, "p90_2d": None}
    return {
        "mean_2d": round(float(e2.mean()), 1),
        "max_2d": round(float(e2.max()), 1),
        "mean_3d": round(float(e3.mean()), 1),
        "p90_2d": round(float(np.percentile(e2, 90)), 1),
    }


def _gross_errors(det: list[dict | None], ft: dict, hits: list[int], fps: float) -> dict:
    """Gross errors (a leg swap, a limb drawn on the other leg): detected frames where any of the four
    image-plane angles is off by more than GROSS_DEG; their share and the longest run (length, start, s)."""
    gross = []
    for i in hits:
        errs = [abs(det[i][f"{j}_{s}"] - ft[f"{j}_2d"][s][i]) for j in JOINTS for s in SIDES]
        gross.append(max(errs) > GROSS_DEG)
    best, best_start = _longest_run(hits, gross)
    return {
        "gross_share": round(float(np.mean(gross)), 4) if gross else None,
        "gross_longest_s": round(best / fps, 2),
        "gross_longest_at_s": round(best_start / fps, 2) if best_start is not None else None,
    }


def _longest_run(hits: list[int], flags: list[bool]) -> tuple[int, int | None]:
    """The longest run of flagged frames that follow each other (a lost frame breaks a run): its length in
    frames and its first frame (None without any flagged frame)."""
    best, run, start, best_start = 0, 0, 0, None
    for k, (i, g) in enumerate(zip(hits, flags)):
        contiguous = k > 0 and hits[k - 1] == i - 1
        run = run + 1 if g and contiguous and run else (1 if g else 0)
        if run == 1:
            start = i
        if run > best:
            best, best_start = run, start
    return best, best_start


def _timestamps_ok(stamps: list[float], fps: float) -> bool:
    """The decoder's timestamps (ms) increase and step by the clip's frame interval (within 1 ms, median)."""
    dt = np.diff(stamps)
    return bool(len(dt) == 0 or (np.all(dt > 0) and abs(np.median(dt) - 1000 / fps) < 1))


def markdown_table(reports: list[dict], folder: Path) -> str:
    """The README table: one row per report, sizes and durations read from the clip and its sidecar."""
    rows = [
        "| clip | fps | duration | size | detected (in-frame) | hip L mean/max | hip R mean/max "
        "| knee L mean/max | knee R mean/max |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        clip = folder / r["clip"]
        truth = json.loads(clip.with_suffix(".json").read_text())
        cells = [
            f"`{clip.stem}`",
            f"{truth['fps']:g}",
            f"{truth['duration_s']:.1f} s",
            f"{clip.stat().st_size / 1e6:.2f} MB",
            f"{100 * r['detection_rate']:.1f}%",
        ]
        cells += [
            f"{r[k]['mean_2d']}° / {r[k]['max_2d']}°" for k in ("hip_left", "hip_right", "knee_left", "knee_right")
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path)
    ap.add_argument("--json", action="store_true", help="print one JSON report per clip")
    ap.add_argument(
        "--autorotate", action="store_true", help="let OpenCV apply the clip's display-rotation tag (off by default)"
    )
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table of the clips")
    ap.add_argument(
        "--table-from",
        type=Path,
        metavar="JSONL",
        help="print the Markdown table from reports saved with --json (clips in sample_videos/)",
    )
    args = ap.parse_args()
    if args.table_from:
        reports = [json.loads(line) for line in args.table_from.read_text().splitlines() if line.strip()]
        print(markdown_table(reports, Path(__file__).resolve().parents[1] / "sample_videos"))
        return 0
    reports = []
    for clip in args.clips:
        r = compare(clip, args.autorotate)
        reports.append(r)
        if args.json:
            print(json.dumps(r), flush=True)
        elif not args.markdown:
            print(
                f"{r['clip']}: detected {r['detected']}/{r['in_frame']} in-frame frames "
                f"({100 * r['detection_rate']:.1f}%), timestamps {'ok' if r['timestamps_ok'] else 'BAD'}; "
                f"pose on {r['detected_outside']}/{r['outside']} frames without the whole person in view"
            )
            if r["gross_share"]:
                print(
                    f"  gross errors (> {GROSS_DEG:g} deg) on {100 * r['gross_share']:.1f}% of detected frames; "
                    f"longest {r['gross_longest_s']} s from {r['gross_longest_at_s']} s"
                )
            for key in ("hip_left", "hip_right", "knee_left", "knee_right"):
                e = r[key]
                print(
                    f"  {key:10s} 2D err mean {e['mean_2d']}  p90 {e['p90_2d']}  max {e['max_2d']}   "
                    f"(vs 3D truth mean {e['mean_3d']})"
                )
    if args.markdown and args.clips:
        print(markdown_table(reports, args.clips[0].parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
