#!/usr/bin/env python
"""Run MediaPipe once on every sample clip and save its landmarks beside it (NAME.landmarks.npz).

The test suite replays these instead of running the model on every clip (tests/test_clips.py checks they
belong to the clip as it is now and to the installed mediapipe). Re-run after re-rendering a clip or
upgrading mediapipe:

    python -m tools.save_landmarks                 # every clip without up-to-date landmarks
    python -m tools.save_landmarks --force         # all of them
    python -m tools.save_landmarks sample_videos/NAME.mp4 ...
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from formcheck.io.files import file_sha256
from formcheck.io.sources import VideoFileSource
from formcheck.pose.backends import MediaPipeSolutionBackend, quiet_native_stderr
from formcheck.pose.recording import LandmarkRecorder, landmarks_meta

ROOT = Path(__file__).resolve().parents[1]


def landmarks_path(clip: Path) -> Path:
    return clip.with_suffix(".landmarks.npz")


def is_current(clip: Path) -> bool:
    from formcheck.errors import BackendError
    from formcheck.pose.recording import read_landmarks_meta

    lm = landmarks_path(clip)
    if not lm.exists():
        return False
    try:
        meta = read_landmarks_meta(lm)
    except BackendError:
        return False
    return meta.get("video_sha256") == file_sha256(clip) and meta == {**meta, **_versions()}


def _versions() -> dict[str, object]:
    from importlib.metadata import version

    return {"mediapipe": version("mediapipe")}


def save(clip: Path) -> str:
    t0 = time.time()
    rec = LandmarkRecorder()
    with VideoFileSource(clip) as src, quiet_native_stderr():
        backend = MediaPipeSolutionBackend()
        try:
            for frame in src:
                rec.add(frame, backend.process(frame), frame.cut)
        finally:
            backend.close()
        fps = src.info.fps
    rec.save(landmarks_path(clip), landmarks_meta(clip, fps, backend.name))
    found = sum(rec.present)
    return f"{clip.relative_to(ROOT)}: {len(rec.t)} frames, person in {found}, {time.time() - t0:.0f} s"


def all_clips() -> list[Path]:
    return sorted(p for p in (ROOT / "sample_videos").rglob("*.mp4"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path, help="clips (default: every sample clip)")
    ap.add_argument("--force", action="store_true", help="re-save even when up to date")
    args = ap.parse_args()
    clips = [c.resolve() for c in args.clips] or all_clips()
    for clip in clips:
        if args.force or not is_current(clip):
            print(save(clip), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
