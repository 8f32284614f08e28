"""Render one clip from its spec: frames to H.264 mp4, truth to the JSON sidecar beside it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .body import BodyShape
from .mannequin import pose_body
from .render import Camera, Scene, render_frame
from .script import HFOV_DEG, Script, build_script
from .spec import ClipSpec
from .timeline import Step
from .truth import TruthSeries, count_reps, fault_intervals, intervals
from .video import h264_writer, postprocess


def camera_for(spec: ClipSpec, script: Script) -> Camera:
    return Camera(
        spec.width, spec.height, (0.0, spec.camera_height, spec.camera_distance), (0.0, script.look_at_y, 0.0), HFOV_DEG
    )


def scene_for(spec: ClipSpec, script: Script) -> Scene:
    return Scene(
        wall_rgb=spec.wall_rgb,
        floor_rgb=spec.floor_rgb,
        wall_style=spec.wall_style,
        floor_style=spec.floor_style,
        props=script.props,
        seed=spec.seed,
    )


def frame_count(spec: ClipSpec, script: Script) -> int:
    return round(script.timeline.duration * spec.fps)


def render_frames(spec: ClipSpec, script: Script | None = None, frames: int | None = None):
    """Yield (index, uint8 RGB frame, skeleton, body mask, step) for the clip, deterministically."""
    script = script or build_script(spec)
    cam, scene = camera_for(spec, script), scene_for(spec, script)
    shape = BodyShape(spec.body_height)
    n = frame_count(spec, script) if frames is None else frames
    for i in range(n):
        posture, k = script.timeline.sample(i / spec.fps)
        body = pose_body(posture, shape, spec.outfit)
        rgb, mask = render_frame(body.prims, cam, scene, spec.outfit)
        rng = np.random.default_rng([spec.seed, i])
        yield i, postprocess(rgb, rng, spec.noise_sigma, spec.blur_sigma), body.skeleton, mask, script.timeline.steps[k]


def _in_frame(mask: np.ndarray) -> bool:
    if not mask.any():
        return False
    return not (mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())


def render_clip(
    spec: ClipSpec, out_dir: Path, frames: int | None = None, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Write `<name>.mp4` and `<name>.json` into `out_dir`; returns the sidecar dict."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    script = build_script(spec)
    cam = camera_for(spec, script)
    n = frame_count(spec, script) if frames is None else frames
    truth = TruthSeries(spec.fps)
    steps: list[Step] = []
    with h264_writer(out_dir / spec.clip_file, spec.width, spec.height, spec.fps, spec.crf) as send:
        for i, img, sk, mask, step in render_frames(spec, script, n):
            send(img)
            visible = bool(mask.any())
            phase = step.phase if visible else "absent"
            truth.add(i, sk, lambda pts: cam.project(pts)[0], _in_frame(mask), phase, step.side if visible else None)
            steps.append(step)
            if progress:
                progress(i + 1, n)
    sidecar = build_sidecar(spec, script, truth, steps)
    (out_dir / f"{spec.name}.json").write_text(json.dumps(sidecar, separators=(",", ":")) + "\n")
    return sidecar


def build_sidecar(spec: ClipSpec, script: Script, truth: TruthSeries, steps: list[Step]) -> dict:
    v = script.variant
    fps = spec.fps
    thresholds = {"rep_low": v.rep_low, "rep_high": v.rep_high}
    holds = []
    for side, t0, t1 in intervals([s.hold for s in steps], fps):
        dur = round(t1 - t0, 3)
        holds.append(
            {
                "side": side,
                "start_s": round(t0, 3),
                "end_s": round(t1, 3),
                "duration_s": dur,
                "completed": v.hold_target_s is not None and dur >= v.hold_target_s,
            }
        )
    faults = fault_intervals(truth, [s.fault for s in steps], thresholds)
    reps = {"left": 0, "right": 0}
    if v.kind == "reps":
        for side in set(spec.sides):
            reps[side] = count_reps(truth.hip[side], v.rep_low, v.rep_high)
            scripted = spec.reps * spec.sides.count(side)
            if reps[side] != scripted:
                raise ValueError(f"{spec.name}: truth counts {reps[side]} {side} reps, script has {scripted}")
    n = len(truth.t)
    return {
        "clip": spec.clip_file,
        "exercise": spec.exercise,
        "variant": spec.variant,
        "fps": fps,
        "width": spec.width,
        "height": spec.height,
        "duration_s": round(n / fps, 3),
        "frames": n,
        "seed": spec.seed,
        "facing": spec.facing,
        "view": spec.view,
        "description": spec.description,
        "facing_convention": "standing/kneeling: the way the toes point in the image; lying: the image side "
        "the feet are on",
        "reps": reps,
        "holds": holds,
        "faults": faults,
        "hold_target_s": v.hold_target_s,
        "rep_thresholds": {"low": v.rep_low, "high": v.rep_high} if v.kind == "reps" else None,
        "body_height_m": spec.body_height,
        "camera": {"distance_m": spec.camera_distance, "height_m": spec.camera_height, "hfov_deg": HFOV_DEG},
        "frames_truth": truth.to_json(),
    }
