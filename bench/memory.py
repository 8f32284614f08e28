#!/usr/bin/env python
"""Peak memory as the video grows: formcheck analyze on a 1-minute and a 10-minute 640x480 clip.

    python -m bench.memory [--annotate] [--4k]

Each analysis runs in its own process (the CLI, as a user runs it); its peak resident set size is read from
the operating system. Target (issue 15): the 10-minute peak within 10% of the 1-minute one. ``--4k`` also
measures a 30 s 3840x2160 clip beside the 30 s 640x480 one (issue 16: memory bounded for 4K input).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.throughput import make_clip

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """Run a command to the end; its own peak RSS (MB, from wait4: that child only) and wall time (s)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed ({status})")
    return usage.ru_maxrss / 1024.0, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--annotate", action="store_true", help="also write the annotated video")
    ap.add_argument("--4k", dest="uhd", action="store_true", help="also compare a 4K clip with a 640x480 one")
    args = ap.parse_args()
    work = Path(tempfile.gettempdir()) / "formcheck-bench"
    work.mkdir(exist_ok=True)
    if args.uhd:
        sizes = {"640x480": (640, 480), "3840x2160": (3840, 2160)}
        peaks = {}
        for name, size in sizes.items():
            clip = make_clip(work / f"clip-{name}-30s.mp4", 30.0, size)
            json_path = work / f"mem-{name}.json"
            peaks[name], wall = peak_rss_mb(
                _analyze(clip, json_path, work / f"mem-{name}.mp4" if args.annotate else None)
            )
            print(f"{name:>9} 30 s clip: peak RSS {peaks[name]:6.0f} MB, {wall:5.0f} s", flush=True)
        print(f"MEMORY 4K: peak {peaks['3840x2160']:.0f} MB vs {peaks['640x480']:.0f} MB at 640x480")
    results = {}
    for minutes in (1, 10):
        clip = make_clip(work / f"clip-480p-{minutes * 60}s.mp4", minutes * 60.0, (640, 480))
        out = work / f"mem-{minutes}.mp4" if args.annotate else None
        rss, wall = peak_rss_mb(_analyze(clip, work / f"mem-{minutes}.json", out))
        results[minutes] = rss
        print(f"{minutes:2d} min clip: peak RSS {rss:6.0f} MB, {wall:5.0f} s", flush=True)
    growth = results[10] / results[1] - 1.0
    print(
        f"MEMORY: 10-minute peak {results[10]:.0f} MB vs 1-minute {results[1]:.0f} MB: {100 * growth:+.1f}% "
        "(target within 10%)"
    )
    return 0


def _analyze(clip: Path, json_path: Path, out: Path | None) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "formcheck",
        "analyze",
        str(clip),
        "-e",
        "leg-lifts",
        "-q",
        "--json",
        str(json_path),
    ]
    return cmd + (["--out", str(out)] if out else [])


if __name__ == "__main__":
    sys.exit(main())
