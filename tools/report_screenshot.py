#!/usr/bin/env python
"""Render the README's picture of the HTML report: docs/html-report.png, from a sample clip.

The report is the one `formcheck analyze CLIP --html` writes, with the pose model replayed from the clip's
saved landmarks (the same numbers, in seconds); headless Chromium takes the screenshot, which is cut to
the top of the page and reduced to a small palette PNG.

    python -m tools.report_screenshot [--clip sample_videos/NAME.mp4] [--exercise NAME]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PIL import Image

from formcheck.analysis.frame_record import FrameRecord
from formcheck.app.api import Plan, analyze_video
from formcheck.definitions.targets import FROM_POSES
from formcheck.pose.recording import ReplayBackend
from formcheck.report.html import write_html

ROOT = Path(__file__).resolve().parents[1]

WIDTH, HEIGHT = 1100, 2100  # the browser window: the page down to the first stills
OUT_WIDTH = 820


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, default=ROOT / "sample_videos/leg-lifts__standing-straight-leg__faults.mp4")
    ap.add_argument("--exercise", default="leg-lifts")
    ap.add_argument("--out", type=Path, default=ROOT / "docs/html-report.png")
    args = ap.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is needed (apt-get install chromium)")
    plan = Plan.of(args.exercise)
    record = FrameRecord(plan.exercise, poses=True)
    report = analyze_video(
        args.clip, plan=plan, backend=ReplayBackend(args.clip.with_suffix(".landmarks.npz")), record=record
    )
    video = str(args.clip.relative_to(ROOT)) if args.clip.is_relative_to(ROOT) else str(args.clip)
    report = replace(report, video=video, target_sources={k: FROM_POSES for k in ("reps", "hold")})
    with tempfile.TemporaryDirectory() as tmp:
        page, shot = Path(tmp) / "report.html", Path(tmp) / "shot.png"
        size = write_html(page, report, record.trace(report.variant), args.clip)
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--screenshot={shot}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        img = Image.open(shot).convert("RGB")
    img = img.resize((OUT_WIDTH, round(img.height * OUT_WIDTH / img.width)), Image.LANCZOS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(args.out, optimize=True)
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB (the HTML report itself: {size // 1024} KB)")


if __name__ == "__main__":
    main()
