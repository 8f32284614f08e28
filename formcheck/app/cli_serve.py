"""``formcheck serve``: the local web app on uvicorn, bound to this machine unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import click

from formcheck.definitions.loader import Catalogue
from formcheck.errors import FormcheckError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def default_data_dir() -> Path:
    """formcheck's user data directory: the history lives there too, so `formcheck history` sees web sessions."""
    from formcheck.history.store import default_history_path

    return default_history_path().parent


def serve(
    host: str,
    port: int,
    data_dir: Path | None,
    max_upload_mb: float,
    poses_dir: Path | None,
    program_path: Path | None = None,
) -> None:
    import uvicorn

    from formcheck.app.web import create_app
    from formcheck.definitions.program import load_program

    catalogue = Catalogue.load(poses_dir)
    if program_path is not None:
        load_program(program_path, catalogue)  # checked now: a bad file fails before the server starts
    public = host not in LOCAL_HOSTS
    try:
        app = create_app(
            data_dir or default_data_dir(), catalogue, max_upload_mb=max_upload_mb, public=public, program=program_path
        )
    except OSError as exc:
        raise FormcheckError(f"cannot use data directory {data_dir}: {exc.strerror}") from None
    if public:
        click.echo(f"formcheck: warning: listening on {host}: anyone who can reach it can use it (no login)", err=True)
    click.echo(f"formcheck: serving on http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/ (Ctrl-C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", ws_max_size=4 << 20)
    except OSError as exc:
        raise FormcheckError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
