"""Files a run reads and writes: the video names formcheck knows, what a file is by its content (a still
image, an animated GIF), report paths, checks that an output can be written (before minutes of analysis), and
atomic writes (a reader never sees half a file)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import cv2

from formcheck.errors import FormcheckError

# What a batch picks out of a folder, and (a subset) what an annotated video can be written as by OpenCV.
VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".gif")  # .gif: animated ones
WRITABLE_VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi", ".mkv")
REPORT_SUFFIX = ".formcheck.json"


# Still images open as one-frame "videos" in OpenCV: recognise them by their first bytes and say so.
_IMAGE_MAGIC = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
}


def video_kind(head: bytes) -> str | None:
    """The container a file's first bytes announce (its name is not trusted): the suffix to store it under."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return ".mp4" if head[8:10] != b"qt" else ".mov"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".webm" if b"webm" in head[:64] else ".mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return ".gif"  # an animated one (a still one is refused once on disk: ``still_image_kind``)
    return None


def still_image_kind(path: Path) -> str | None:
    """The kind of still image ("PNG", "JPEG", ...) the file is, or None: a video, or an animated GIF (an
    exercise app's demonstration is a video, its frames timed by their own delays)."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    kind = next((kind for magic, kind in _IMAGE_MAGIC.items() if head.startswith(magic)), None)
    return None if kind == "GIF" and _frames(path) >= 2 else kind


def _frames(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    try:
        return int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if cap.isOpened() else 0
    finally:
        cap.release()


def default_report_path(name: str | Path, folder: Path = Path(".")) -> Path:
    """Where the JSON report of ``name`` (a video, or a live session's name) goes unless told."""
    return folder / f"{Path(name).stem}{REPORT_SUFFIX}"


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_writable(*paths: Path | None) -> None:
    """Fail now, not after minutes of analysis, when an output cannot be written: create (and remove) a file
    beside each one (permission bits alone say nothing to root or on a read-only file system)."""
    for path in paths:
        if path is None:
            continue
        if path.is_dir():
            raise FormcheckError(f"cannot write {path}: it is a directory")
        parent = path.parent if str(path.parent) else Path(".")
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent  # missing folders are created when the output is written
        if not parent.is_dir():
            raise FormcheckError(f"cannot write {path}: {parent} is not a folder")
        try:
            with tempfile.NamedTemporaryFile(dir=parent, prefix=".formcheck-probe-"):
                pass
            if path.exists():
                with open(path, "ab"):
                    pass
        except OSError as exc:
            raise FormcheckError(f"cannot write {path}: {exc.strerror or exc}") from None


def check_video_name(path: Path | None) -> None:
    """The annotated video's container comes from its name: one OpenCV cannot write fails now, not later."""
    if path is not None and path.suffix.lower() not in WRITABLE_VIDEO_SUFFIXES:
        raise FormcheckError(f"cannot write annotated video {path}: name it {' or '.join(WRITABLE_VIDEO_SUFFIXES)}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once, at import: os.umask can only be read by setting it


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # as an ordinary file would be (mkstemp makes it private)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
