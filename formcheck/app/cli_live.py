"""``formcheck live``: coaching in front of a camera (or a file played as one), an exercise or a routine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from formcheck.app.session_outputs import Request, prepare, print_and_exit
from formcheck.definitions.loader import Catalogue
from formcheck.io.files import check_video_name, check_writable, default_report_path


def live(**o: Any) -> None:
    from formcheck.io.sources import CameraSource, PacedFileSource
    from formcheck.live.coach import run_live
    from formcheck.live.voice import Voice, find_engine
    from formcheck.live.window import OpenCVWindow

    req = Request.of_options(o)
    catalogue = Catalogue.load(o["poses_dir"])
    json_path: Path = o["json_path"] or default_report_path(f"live-{time.strftime('%Y%m%d-%H%M%S')}")
    check_writable(json_path, o["out"], o["html_path"], o["csv_path"])
    check_video_name(o["out"])
    plan, outputs = prepare(catalogue, req)
    record = outputs.record(plan)
    started_at = time.time()
    speaker = None
    if o["voice"]:
        engine = find_engine()
        if engine is None:
            click.echo("formcheck: warning: no speech engine found (install espeak-ng): cues on screen only", err=True)
        speaker = Voice(engine)
    src = PacedFileSource(o["source"]) if o["source"] is not None else CameraSource(o["camera"])
    display = None if o["no_window"] else OpenCVWindow()
    try:
        report, _stats = run_live(
            plan.analysis(live_recognition=True, engine_states=record is not None),
            src,
            model_complexity=o["model_complexity"],
            model_path=o["model_path"],
            display=display,
            mirror=o["mirror"],
            voice=speaker,
            annotate_to=o["out"],
            sinks=(record,) if record is not None else (),
            target_sources=plan.target_sources,
            program=plan.program,
        )
    except BaseException:
        outputs.close()
        raise
    finally:
        src.close()
        if display is not None:
            display.close()
        if speaker is not None:
            speaker.close(wait_s=2.0)
    lines = outputs.finish(report, record, json_path=json_path, video=o["source"], kind="live", started_at=started_at)
    print_and_exit(report, lines, json_path, quiet=o["quiet"], cut_short="session cut short: report written to")
