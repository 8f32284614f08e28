#!/usr/bin/env python
"""Render the README's picture of the live coaching page: docs/web-live.png, mid-session.

``formcheck serve``'s app runs on a free local port with the full model; headless Chromium opens the live
page with a sample clip as its camera (a synthetic render of this project: see sample_videos/README.md for
its licence), starts the session, and the page is photographed while a lift is under way, then reduced to a
small palette PNG.

    python -m tools.web_screenshot [--clip sample_videos/NAME.mp4] [--exercise NAME] [--variant V] [--at 5.5]
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from PIL import Image

from tools import web_harness

ROOT = Path(__file__).resolve().parents[1]
LEAD_IN_S = 1.0
VIEWPORT = {"width": 900, "height": 800}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, default=ROOT / "sample_videos/leg-lifts__side-lying__good-left.mp4")
    ap.add_argument("--exercise", default="leg-lifts")
    ap.add_argument("--variant", default="side-lying")
    ap.add_argument("--at", type=float, default=11.6, help="seconds into the clip (the third lift at its top)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs/web-live.png")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        y4m = Path(tmp) / "camera.y4m"
        web_harness.write_y4m(args.clip, y4m, lead_in_s=LEAD_IN_S)
        with web_harness.serving(Path(tmp) / "data") as base, web_harness.browser(y4m) as browser:
            page = browser.new_page(viewport=VIEWPORT)
            web_harness.start_live(page, base, args.exercise, args.variant)
            web_harness.wait_stream_time(page, LEAD_IN_S + args.at)
            png = page.screenshot(full_page=True)
            web_harness.end_live(page)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(args.out, optimize=True)
    print(f"{args.out}: {img.width}x{img.height}, {args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
