#!/usr/bin/env python
"""Render the synthetic clips (mp4 + truth JSON): the sample set (clipsynth.catalogue) into
sample_videos/, the held-out set (clipsynth.heldout) into sample_videos/heldout/, the negatives
(clipsynth.negatives) into sample_videos/negatives/, the hard conditions (clipsynth.hard) into
sample_videos/hard/ and the whole routines in one take (clipsynth.routines) into sample_videos/routines/.

    python -m tools.render_clips --all                 # every sample clip
    python -m tools.render_clips --heldout             # every held-out clip
    python -m tools.render_clips --negatives --hard    # the negative and hard-condition sets
    python -m tools.render_clips --routines --jobs 1   # the routines (long: one at a time on shared cores)
    python -m tools.render_clips --clip NAME [--clip NAME ...]
    python -m tools.render_clips --list                # every set
    python -m tools.render_clips --dry-run --clip NAME # truth summary only (no pixels; fast)
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from clipsynth.catalogue import by_name, clip_sets, folder_of
from clipsynth.clip import dry_run, render_clip

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "sample_videos"
TITLES = {
    "sample": "sample clips (sample_videos/)",
    "heldout": "held-out (sample_videos/heldout/)",
    "negatives": "negatives (sample_videos/negatives/)",
    "hard": "hard conditions (sample_videos/hard/)",
    "routines": "routines in one take (sample_videos/routines/)",
}


def _render(name: str, out: Path) -> str:
    t0 = time.time()
    sidecar = render_clip(by_name(name), out)
    size = (out / sidecar["clip"]).stat().st_size / 1e6
    return (
        f"{sidecar['clip']}: {sidecar['frames']} frames, {sidecar['duration_s']:.1f} s, {size:.2f} MB, "
        f"{time.time() - t0:.0f} s wall"
    )


def _summary(name: str) -> str:
    sc = dry_run(by_name(name))
    lines = [f"{name}: {sc['frames']} frames, {sc['duration_s']:.1f} s, reps {sc['reps']}"]
    lines += [
        f"  hold {h['side']} {h['start_s']:.2f}-{h['end_s']:.2f} s ({h['duration_s']:.2f} s)" for h in sc["holds"]
    ]
    lines += [f"  fault {f['code']} ({f['side']}) {f['start_s']:.2f}-{f['end_s']:.2f} s" for f in sc["faults"]]
    for seg in sc.get("segments", []):
        reps = {k: v for k, v in seg["reps"].items() if v}
        lines.append(
            f"  segment {seg['start_s']:.2f}-{seg['end_s']:.2f} s {seg['exercise']}/{seg['variant']} ({seg['side']})"
            + (f" reps {reps}" if reps else "")
            + "".join(f" hold {h['side']} {h['duration_s']:.2f} s" for h in seg["holds"])
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description="Render synthetic sample clips with ground-truth sidecars.")
    ap.add_argument("--all", action="store_true", help="render every clip in the sample catalogue")
    ap.add_argument("--heldout", action="store_true", help="render every held-out clip")
    ap.add_argument("--negatives", action="store_true", help="render every negative clip")
    ap.add_argument("--hard", action="store_true", help="render every hard-condition clip")
    ap.add_argument("--routines", action="store_true", help="render every routine (one continuous take each)")
    ap.add_argument("--clip", action="append", default=[], help="clip name (with or without .mp4)")
    ap.add_argument("--list", action="store_true", help="list every set and exit")
    ap.add_argument("--dry-run", action="store_true", help="print the truth (reps, holds, faults) without rendering")
    ap.add_argument("--out", type=Path, help="output folder (default: the set's folder under sample_videos/)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    args = ap.parse_args()
    sets = clip_sets()
    if args.list:
        for key, (specs, _) in sets.items():
            print(f"# {TITLES[key]}")
            for spec in specs:
                print(f"{spec.name}  [{spec.fps:g} fps] {spec.description}")
        return 0
    names = []
    for key, wanted in (
        ("sample", args.all),
        ("heldout", args.heldout),
        ("negatives", args.negatives),
        ("hard", args.hard),
        ("routines", args.routines),
    ):
        names += [s.name for s in sets[key][0]] if wanted else []
    names += [by_name(n).name for n in args.clip]
    if not names:
        ap.error("give --all, --heldout, --negatives, --hard, --routines or --clip NAME")
    if args.dry_run:
        for n in names:
            print(_summary(n), flush=True)
        return 0
    outs = [args.out or DEFAULT_OUT / folder_of(n) for n in names]
    if args.jobs <= 1:
        for n, out in zip(names, outs):
            print(_render(n, out), flush=True)
        return 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for line in pool.map(_render, names, outs):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
