#!/usr/bin/env python
"""Render the README's picture of the HTML report: docs/html-report.png, from a sample clip.

The report is the one `formcheck analyze CLIP --html` writes, with the pose model replayed from the clip's
saved landmarks (the same numbers, in seconds); headless Chromium takes the screenshot, which is cut to
the top of the page and reduced to a small palette PNG.

    python tools/report_screenshot.py [--clip sample_videos/NAME.mp4] [--exercise NAME]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from formcheck.analysis.frame_record import Trace  # noqa: E402
from formcheck.app.api import analyze_video  # noqa: E402
from formcheck.definitions.targets import FROM_POSES  # noqa: E402
from formcheck.pose.recording import ReplayBackend  # noqa: E402
from formcheck.report.html import write_html  # noqa: E402

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
    trace = Trace(poses=True)
    report = analyze_video(
        args.clip, args.exercise, backend=ReplayBackend(args.clip.with_suffix(".landmarks.npz")), trace=trace
    )
    report.video = str(args.clip.relative_to(ROOT)) if args.clip.is_relative_to(ROOT) else str(args.clip)
    report.target_sources = {k: FROM_POSES for k in ("reps", "hold")}
    assert trace.result is not None
    with tempfile.TemporaryDirectory() as tmp:
        page, shot = Path(tmp) / "report.html", Path(tmp) / "shot.png"
        size = write_html(page, report, trace.result, args.clip)
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
