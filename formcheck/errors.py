"""Errors a user can act on. Each carries a one-line message; the CLI prints it without a traceback."""

from __future__ import annotations


class FormcheckError(Exception):
    """Base class: ``str(err)`` is a complete, one-line explanation for the user."""

    exit_code = 1


class InputError(FormcheckError):
    """The video/camera cannot be used (missing, not a video, unreadable, no person...)."""


class NoPoseError(FormcheckError):
    """The input decoded, but no person was found in it."""

    exit_code = 3


class PosesFileError(FormcheckError):
    """A ``poses/*.toml`` exercise definition is malformed."""


class UnknownExerciseError(FormcheckError):
    """An exercise or variant name that is not defined in ``poses/``."""


class BackendError(FormcheckError):
    """The pose model cannot be loaded (e.g. a model complexity that needs a download)."""


class InterruptedRun(FormcheckError):
    """The session was cut short (Ctrl-C, SIGTERM, a camera that stopped); what it measured was written."""

    exit_code = 130


class UsageProblem(FormcheckError):
    """Options that do not fit together (a variant without an exercise): a usage error, found before any work."""

    exit_code = 2
