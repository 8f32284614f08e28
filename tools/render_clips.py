#!/usr/bin/env python
"""Render the synthetic clips (mp4 + truth JSON): the sample set from clipsynth.catalogue into
sample_videos/, the held-out set from clipsynth.heldout into sample_videos/heldout/.

    python tools/render_clips.py --all                 # every sample clip, 2 processes
    python tools/render_clips.py --heldout             # every held-out clip, 2 processes
    python tools/render_clips.py --clip NAME [--clip NAME ...]
    python tools/render_clips.py --list                # both sets
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clipsynth.catalogue import CLIPS, by_name
from clipsynth.clip import render_clip
from clipsynth.heldout import HELDOUT

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "sample_videos"
HELDOUT_OUT = DEFAULT_OUT / "heldout"


def _render(name: str, out: Path) -> str:
    t0 = time.time()
    sidecar = render_clip(by_name(name), out)
    size = (out / sidecar["clip"]).stat().st_size / 1e6
    return (
        f"{sidecar['clip']}: {sidecar['frames']} frames, {sidecar['duration_s']:.1f} s, {size:.2f} MB, "
        f"{time.time() - t0:.0f} s wall"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description="Render synthetic sample clips with ground-truth sidecars.")
    ap.add_argument("--all", action="store_true", help="render every clip in the sample catalogue")
    ap.add_argument("--heldout", action="store_true", help="render every held-out clip")
    ap.add_argument("--clip", action="append", default=[], help="clip name (with or without .mp4)")
    ap.add_argument("--list", action="store_true", help="list both sets and exit")
    ap.add_argument(
        "--out", type=Path, help="output folder (default: sample_videos/, held-out clips sample_videos/heldout/)"
    )
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    args = ap.parse_args()
    if args.list:
        for title, specs in (("sample clips (sample_videos/)", CLIPS), ("held-out (sample_videos/heldout/)", HELDOUT)):
            print(f"# {title}")
            for spec in specs:
                print(f"{spec.name}  [{spec.fps:g} fps] {spec.description}")
        return 0
    names = [s.name for s in CLIPS] if args.all else []
    names += [s.name for s in HELDOUT] if args.heldout else []
    names += [by_name(n).name for n in args.clip]
    if not names:
        ap.error("give --all, --heldout or --clip NAME")
    heldout = {s.name for s in HELDOUT}
    outs = [args.out or (HELDOUT_OUT if n in heldout else DEFAULT_OUT) for n in names]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for line in pool.map(_render, names, outs):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
