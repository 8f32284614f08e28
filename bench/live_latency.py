#!/usr/bin/env python
"""Live coaching's frame-to-display latency and dropped frames, with the full model, on this machine.

A 30 fps 640x480 sample clip is played as if it were a webcam (frames released at their own timestamps, the
newest taken, the rest dropped), through the whole live path: the model, the session, the overlay, and the
display (a real window when there is an X display, else the overlay is drawn and handed to a null display).

    python -m bench.live_latency [--clip sample_videos/NAME.mp4] [--runs 2] [--window]

Targets (issue 14): latency p95 < 100 ms, drops < 50%.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import numpy as np

from formcheck.analysis.loop import Analysis
from formcheck.definitions.loader import Catalogue
from formcheck.io.sources import PacedFileSource
from formcheck.live.coach import latency_summary, run_live
from formcheck.live.window import OpenCVWindow

ROOT = Path(__file__).resolve().parents[1]

DEFAULT_CLIP = ROOT / "sample_videos" / "leg-lifts__supine-bent-knee__good-both.mp4"


class NullDisplay:
    """Takes the drawn frame like a window would, shows nothing."""

    def show(self, image: np.ndarray) -> int:
        return -1

    def close(self) -> None:
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    ap.add_argument("--exercise", default="leg-lifts")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--window", action="store_true", help="show a real window (needs DISPLAY, e.g. under Xvfb)")
    args = ap.parse_args()
    catalogue = Catalogue.load()
    p50s, p95s, drops = [], [], []
    for run in range(args.runs):
        src = PacedFileSource(args.clip)
        display = OpenCVWindow() if args.window and os.environ.get("DISPLAY") else NullDisplay()
        try:
            report, stats = run_live(Analysis(catalogue, catalogue.find(args.exercise)), src, display=display)
        finally:
            src.close()
            display.close()
        print(f"run {run + 1}: {latency_summary(stats)}; reps {report.reps}")
        p50s.append(stats.percentile(0.5))
        p95s.append(stats.percentile(0.95))
        drops.append(stats.drop_share)
    info = f"{src.info.width}x{src.info.height} at {src.info.fps:g} fps"
    print(
        f"LIVE LATENCY ({args.clip.name}, {info}, full model, {'window' if args.window else 'overlay drawn'}): "
        f"p50 {statistics.median(p50s):.0f} ms, p95 {statistics.median(p95s):.0f} ms (median of {args.runs} runs); "
        f"dropped {100 * statistics.median(drops):.0f}% of frames. Targets: p95 < 100 ms, drops < 50%."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
