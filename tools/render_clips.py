#!/usr/bin/env python
"""Render the synthetic sample clips (mp4 + truth JSON) from formcheck.synth.catalogue.

    python tools/render_clips.py --all                 # every clip, 2 processes
    python tools/render_clips.py --clip NAME [--clip NAME ...]
    python tools/render_clips.py --list
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck.synth.catalogue import CLIPS, by_name
from formcheck.synth.clip import render_clip

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "sample_videos"


def _render(name: str, out: Path) -> str:
    t0 = time.time()
    sidecar = render_clip(by_name(name), out)
    size = (out / sidecar["clip"]).stat().st_size / 1e6
    return (f"{sidecar['clip']}: {sidecar['frames']} frames, {sidecar['duration_s']:.1f} s, {size:.2f} MB, "
            f"{time.time() - t0:.0f} s wall")


def main() -> int:
    ap = argparse.ArgumentParser(description="Render synthetic sample clips with ground-truth sidecars.")
    ap.add_argument("--all", action="store_true", help="render every clip in the catalogue")
    ap.add_argument("--clip", action="append", default=[], help="clip name (with or without .mp4)")
    ap.add_argument("--list", action="store_true", help="list the catalogue and exit")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: sample_videos/)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    args = ap.parse_args()
    if args.list:
        for spec in CLIPS:
            print(f"{spec.name}  [{spec.fps:g} fps] {spec.description}")
        return 0
    names = [s.name for s in CLIPS] if args.all else [by_name(n).name for n in args.clip]
    if not names:
        ap.error("give --all or --clip NAME")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for line in pool.map(_render, names, [args.out] * len(names)):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
