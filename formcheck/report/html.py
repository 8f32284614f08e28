"""The HTML report: one self-contained file a person (or their physio) opens offline.

Everything is inside the file: the plots (matplotlib, Agg, as base64 PNG), the still frames of the faults
(re-read from the video at the trace's timestamps, or a blank canvas when there is no video to read, e.g.
replayed landmarks or a camera), the styles. No script and nothing fetched, so it opens the same anywhere.
"""

from __future__ import annotations

import base64
import html
import io
import math
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from formcheck.analysis.frame_record import FrameTrace
from formcheck.definitions import vocabulary as vocab
from formcheck.definitions.vocabulary import SIDES, Role, RuleKind, Side
from formcheck.engine.findings import FaultEvent, HoldEvent
from formcheck.io.files import write_atomic
from formcheck.pose.landmarks import LEG_CHAIN, SKELETON
from formcheck.render.overlay import SIDE_COLOURS, put_text
from formcheck.report.exercise_report import Report

JOINT_COLOURS = {"hip": "#1f77b4", "knee": "#d62728"}  # matplotlib's blue and red, also found by the tests
FAULT_COLOUR = "#ff7f0e"
HOLD_COLOUR = "#2ca02c"
STILL_SIDE = 420  # pixels: the long side of a fault's still frame
BLANK = (48, 48, 48)  # the canvas of a still without a video to take the frame from

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1060px; color: #222; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 30px; border-bottom: 1px solid #ddd; }
.meta { color: #555; } .warn { background: #fff3e0; border-left: 4px solid #ff7f0e; padding: 8px 12px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { padding: 5px 12px; border-bottom: 1px solid #e4e4e4;
  text-align: left; vertical-align: top; } th { background: #f4f4f4; }
img.plot { width: 100%; max-width: 1000px; display: block; }
.stills { display: flex; flex-wrap: wrap; gap: 14px; } figure { margin: 0; width: 420px; }
figcaption { font-size: 13px; color: #333; } .ok { color: #2a7d2a; } .short { color: #b35900; }
"""


def write_html(
    path: str | Path, report: Report, trace: FrameTrace, video: str | Path | None = None, *, title: str = ""
) -> int:
    """Write the report to ``path`` (atomically); returns its size in bytes."""
    text = render_html(report, trace, video, title=title)
    write_atomic(Path(path), text)
    return len(text.encode())


def render_html(report: Report, trace: FrameTrace, video: str | Path | None = None, *, title: str = "") -> str:
    """The whole page. ``video``: where to take the faults' still frames from (None: a blank canvas)."""
    e = html.escape
    name = f"{report.exercise_title or report.exercise}: {report.variant_title or report.variant}"
    how = "detected" if report.variant_detected else ("given" if not report.variant_scores else "best guess")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title or name)} - formcheck</title><style>{CSS}</style></head><body>",
        f"<h1>{e(name)} <small>({how})</small></h1>",
        f'<p class="meta">{e(report.video)} &middot; {report.duration_s:.1f} s, {report.frames} frames, person seen in '
        f"{100 * report.pose_coverage:.0f}% &middot; analysed {e(time.strftime('%Y-%m-%d %H:%M'))} by formcheck "
        f"{e(report.formcheck_version)}{' &middot; <b>PARTIAL</b>' if report.partial else ''}</p>",
    ]
    if report.undetermined:
        parts.append(f'<p class="warn"><b>Not recognised:</b> {e(report.undetermined)}. Nothing was counted.</p>')
    parts += ["<h2>Summary</h2>", _summary_table(report), f"<p>Targets: {e(report.targets_text())}</p>"]
    parts += ["<h2>Hip and knee angles</h2>", _img(_angles_png(report, trace), "hip and knee angles over time")]
    parts.append(
        '<p class="meta">Lines: the angles as formcheck measured them (blue hip, red knee; 180&deg; is straight). '
        "Shaded bands: the target range of the role the leg played. Grey spans: reps (numbered); green: holds; "
        "orange: faults (F1, F2... below).</p>"
    )
    if report.hold_target_s is not None or report.holds:
        parts += ["<h2>Holds</h2>", _img(_holds_png(report), "hold durations against the target")]
    parts += ["<h2>Form</h2>", _faults_section(report, trace, video)]
    if report.notes:
        parts += ["<h2>Notes</h2><ul>", *(f"<li>{e(n)}</li>" for n in report.notes), "</ul>"]
    parts.append("</body></html>")
    return "\n".join(parts)


def _fmt_s(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f} s"


def _summary_table(report: Report) -> str:
    """Per side: reps against the target, holds (best, mean, how many reached the target), range of motion."""
    rows = []
    tgt = report.reps_target
    tgt_text = "" if tgt is None else f" / {tgt[0]}" + ("" if tgt[0] == tgt[1] else f"-{tgt[1]}")
    sides = [s for s in (*SIDES, Side.BOTH) if s in report.reps or any(h.side == s for h in report.holds)]
    for side in sides:
        holds = [h.duration_s for h in report.holds if h.side == side]
        reached = sum(h.completed for h in report.holds if h.side == side)
        rom = report.range_of_motion.get(side) if side != Side.BOTH else None
        rom_text = {j: "-" for j in ("hip", "knee")}
        if rom:
            rom_text = {j: f"{rom[j][0]:.0f}-{rom[j][1]:.0f}&deg; ({rom[j][1] - rom[j][0]:.0f}&deg;)" for j in rom}
        reps = report.reps.get(side)
        rows.append(
            f"<tr><td>{side}</td><td>{'-' if reps is None else f'{reps}{tgt_text}'}</td>"
            f"<td>{len(holds)}{f' ({reached} reached {report.hold_target_s:g} s)' if holds else ''}</td>"
            f"<td>{_fmt_s(max(holds) if holds else None)}</td>"
            f"<td>{_fmt_s(sum(holds) / len(holds) if holds else None)}</td>"
            f"<td>{rom_text['hip']}</td><td>{rom_text['knee']}</td></tr>"
        )
    return (
        "<table><tr><th>side</th><th>reps / target</th><th>holds</th><th>best hold</th><th>mean hold</th>"
        "<th>hip range of motion</th><th>knee range of motion</th></tr>" + "".join(rows) + "</table>"
    )


def _img(png: bytes, alt: str, cls: str = "plot") -> str:
    return f'<img class="{cls}" alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    """A matplotlib figure on the Agg canvas, without pyplot's global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _on_side(event_side: str | None, side: str) -> bool:
    return event_side in (side, Side.BOTH, None)


def _angles_png(report: Report, trace: FrameTrace) -> bytes:
    fig = _figure(10.0, 6.4)
    axes = fig.subplots(2, 1, sharex=True)
    t = trace.t
    targets = trace.variant.target.legs
    for ax, side in zip(axes, SIDES):
        for joint in ("hip", "knee"):
            colour = JOINT_COLOURS[joint]
            values = trace.angles[side][joint]
            ax.plot(t, values, color=colour, lw=1.6, label=joint)
            for role, feats in targets.items():
                if joint not in feats:
                    continue
                lo, hi = feats[joint]
                where = np.ones(len(t), bool) if role == Role.EACH else np.array([r == role for r in trace.roles[side]])
                if where.any():
                    label = f"{joint} target" + ("" if role == Role.EACH else f" ({role} leg)")
                    ax.fill_between(t, lo, hi, where=where, color=colour, alpha=0.13, lw=0, step="mid", label=label)
        top = 235.0
        for n, rep in enumerate((r for r in report.rep_events if _on_side(r.side, side)), 1):
            ax.axvspan(rep.start_s, rep.end_s, color="0.5", alpha=0.15, lw=0)
            ax.text((rep.start_s + rep.end_s) / 2, top, str(n), ha="center", va="top", fontsize=8, color="0.3")
        for h in report.holds:
            if _on_side(h.side, side):
                ax.axvspan(h.start_s, h.end_s, color=HOLD_COLOUR, alpha=0.12, lw=0)
        for n, f in enumerate(report.faults, 1):
            if _on_side(f.side, side):
                ax.axvspan(f.start_s, f.end_s, color=FAULT_COLOUR, alpha=0.35, lw=0)
                ax.text(f.start_s, 8, f"F{n}", fontsize=8, color="#8a3b00", va="bottom")
        ax.set_ylim(0, 240)
        ax.set_yticks(range(0, 241, 45))
        ax.set_ylabel(f"{side} leg (deg)")
        ax.grid(alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
        if not np.isfinite(trace.angles[side]["hip"]).any():
            ax.text(0.5, 0.5, f"the {side} leg was not measured", transform=ax.transAxes, ha="center", color="0.4")
    axes[-1].set_xlabel("time (s)")
    if len(t):
        axes[-1].set_xlim(float(t[0]), float(t[-1]) + 1e-3)
    return _png(fig)


def _holds_png(report: Report) -> bytes:
    holds: Sequence[HoldEvent] = report.holds
    fig = _figure(10.0, max(1.6, 0.45 * len(holds) + 1.1))
    ax = fig.subplots()
    target = report.hold_target_s
    if holds:
        y = np.arange(len(holds))[::-1]
        colours = [HOLD_COLOUR if h.completed else FAULT_COLOUR for h in holds]
        ax.barh(y, [h.duration_s for h in holds], color=colours, height=0.6)
        ax.set_yticks(y, [f"{h.side} at {h.start_s:.0f} s" for h in holds], fontsize=9)
        for yy, h in zip(y, holds):
            ax.text(h.duration_s, yy, f" {h.duration_s:.1f} s" + (" \u2713" if h.completed else ""), va="center")
        top = max(h.duration_s for h in holds)
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, "no hold was timed", transform=ax.transAxes, ha="center", va="center", color="0.4")
        top = 0.0
    if target is not None:
        ax.axvline(target, color="0.2", ls="--", lw=1.2)
        ax.text(target, 1.0, f" target {target:g} s", transform=ax.get_xaxis_transform(), va="bottom", fontsize=9)
        top = max(top, target)
    ax.set_xlim(0, top * 1.2 + 1)
    ax.set_xlabel("hold (s)")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def _faults_section(report: Report, trace: FrameTrace, video: str | Path | None) -> str:
    e = html.escape
    if not report.faults:
        return "<p>No form faults were flagged.</p>" if report.undetermined is None else "<p>Not judged.</p>"
    moments = [trace.worst_moment(f) for f in report.faults]
    frames = read_frames_at(video, [float(trace.src_t[i]) for i in moments]) if video else {}
    rows, stills = [], []
    for n, (f, i) in enumerate(zip(report.faults, moments), 1):
        side = f.side or "body"
        rows.append(
            f"<tr><td>F{n}</td><td>{f.start_s:.1f}-{f.end_s:.1f} s</td><td>{side}</td>"
            f"<td><b>{e(f.message)}</b></td><td><code>{e(f.code)}</code></td></tr>"
        )
        image = frames.get(float(trace.src_t[i]))
        png = still_png(trace, i, image, f)
        where = "" if image is not None else " (skeleton only: no video frame to draw it on)"
        caption = f"F{n} at {trace.t[i]:.1f} s, {side}: {e(f.message)}. {e(_measured(trace, i, f))}{where}"
        stills.append(f"<figure>{_img(png, f'F{n} still', 'still')}<figcaption>{caption}</figcaption></figure>")
    return (
        "<table><tr><th></th><th>when</th><th>side</th><th>cue</th><th>rule</th></tr>"
        + "".join(rows)
        + "</table><h3>The worst moment of each</h3>"
        + f'<div class="stills">{"".join(stills)}</div>'
    )


def _measured(trace: FrameTrace, i: int, fault: FaultEvent) -> str:
    """What the rule measured at that moment, against its threshold."""
    rule = next((r for r in trace.variant.rules if r.code == fault.code), None)
    if rule is None or rule.kind != RuleKind.RANGE or rule.feature is None:
        return ""
    scope = "body" if rule.leg is None else (fault.side or Side.LEFT)
    values = trace.rule_values.get((rule.feature, scope))
    if values is None or math.isnan(float(values[i])):
        return ""
    deg = "\u00b0" if vocab.ALL_FEATURES[rule.feature].is_angle else ""
    bound = []
    if rule.below is not None:
        bound.append(f"at least {rule.below:g}{deg}")
    if rule.above is not None:
        bound.append(f"at most {rule.above:g}{deg}")
    value = f"{float(values[i]):.0f}{deg}" if deg else f"{float(values[i]):.2f}"
    return f"{rule.feature} {value} (asked: {' and '.join(bound)})."


def read_frames_at(video: str | Path, times: Sequence[float]) -> dict[float, np.ndarray]:
    """The video's frames at these timestamps (the container's, as the analysis used), each found by seeking
    a little before and decoding forward; a time that cannot be read is left out."""
    cap = cv2.VideoCapture(str(video))
    if not cap.isOpened():
        return {}
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)  # as sources.py: phone videos upright
    out: dict[float, np.ndarray] = {}
    try:
        for t in sorted(set(times)):
            cap.set(cv2.CAP_PROP_POS_MSEC, max(0.0, t - 1.0) * 1000.0)  # seeks land on a keyframe at or before
            found = None
            for _ in range(3000):
                ok, image = cap.read()
                if not ok:
                    break
                found = image
                if cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0 >= t - 1e-3:
                    break
            if found is not None:
                out[t] = found
    finally:
        cap.release()
    return out


def still_png(trace: FrameTrace, i: int, image: np.ndarray | None, fault: FaultEvent | None = None) -> bytes:
    """Frame ``i`` with the skeleton as the engine saw it (legs in their side's colour, the faulty one
    thicker), on the video's frame or a blank canvas."""
    size = trace.image_size or (640, 480)
    canvas = image.copy() if image is not None else np.full((size[1], size[0], 3), BLANK, np.uint8)
    h, w = canvas.shape[:2]
    s = STILL_SIDE / max(h, w)
    canvas = cv2.resize(canvas, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    if trace.poses is not None:
        pose = trace.poses[i]
        sx = canvas.shape[1] / size[0]
        sy = canvas.shape[0] / size[1]
        xy = pose[:, :2] * (sx, sy)
        seen = pose[:, 2] >= 0.5

        def pt(k: int) -> tuple[int, int]:
            return round(float(xy[k, 0])), round(float(xy[k, 1]))

        for a, b in SKELETON:
            if seen[a] and seen[b]:
                cv2.line(canvas, pt(a), pt(b), (230, 230, 230), 2, cv2.LINE_AA)
        for side in SIDES:
            label = int(trace.labels[side][i]) if side in trace.labels else -1
            if label < 0:
                continue
            chain = LEG_CHAIN[SIDES[label]][1:4]  # hip, knee, ankle of the MediaPipe leg this side took
            thick = 5 if fault is not None and fault.side == side else 3
            pts = np.array([pt(k) for k in chain])
            cv2.polylines(canvas, [pts], False, SIDE_COLOURS[side], thick, cv2.LINE_AA)
            for p in pts:
                cv2.circle(canvas, (int(p[0]), int(p[1])), thick + 1, SIDE_COLOURS[side], -1, cv2.LINE_AA)
    put_text(canvas, f"{trace.t[i]:.1f} s", (8, 6), 18)
    ok, png = cv2.imencode(".png", canvas)
    assert ok
    return png.tobytes()
