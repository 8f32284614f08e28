#!/usr/bin/env python
"""Batch speed-up: ``formcheck analyze FOLDER --jobs 1`` against ``--jobs 2``, alternating, on the same videos.

    python -m bench.batch [--runs 2] [VIDEO ...]

Default videos: the sample clips of leg lifts (sample_videos/leg-lifts__*.mp4). Each run is the CLI as a
user runs it; the figure is the ratio of wall times measured side by side (these machines are noisy).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(videos: list[Path], jobs: int, report_dir: Path) -> float:
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "formcheck", "analyze", *map(str, videos), "-e", "leg-lifts", "-q"]
    subprocess.run([*cmd, "--jobs", str(jobs), "--report-dir", str(report_dir)], check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("videos", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    videos = args.videos or sorted((ROOT / "sample_videos").glob("leg-lifts__*.mp4"))
    times: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.runs):
            for jobs in (1, 2):
                times[jobs].append(run(videos, jobs, Path(tmp) / f"j{jobs}-{r}"))
                print(f"run {r + 1}: --jobs {jobs}: {times[jobs][-1]:6.1f} s", flush=True)
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"BATCH: {len(videos)} videos, --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s: speed-up {one / two:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
