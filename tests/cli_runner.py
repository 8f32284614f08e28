"""The ``formcheck`` command run in this process, as a user would run it (test helper): arguments in, exit
code, stdout and stderr out. Much faster than a subprocess; a few tests keep one to check the real entry point."""

from __future__ import annotations

import contextlib
import io
import os
import signal
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_formcheck(*args: str, cwd: Path | None = None) -> Result:
    from formcheck.app.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    sigterm = signal.getsignal(signal.SIGTERM)  # main() installs its own
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(here)
        signal.signal(signal.SIGTERM, sigterm)
    return Result(code, out.getvalue(), err.getvalue())
