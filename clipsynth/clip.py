"""Render one clip from its spec: frames to H.264 mp4, truth to the JSON sidecar beside it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np

from .body import BodyShape, Posture
from .build import build_script
from .conditions import CameraRig, card_image, exposure_times, store_rotated
from .mannequin import pose_body
from .render import Camera, Scene, render_frame
from .routine import RoutineScript, routine_fields
from .script import HFOV_DEG, Script
from .spec import ClipSpec
from .timeline import Step
from .truth import TruthSeries, both_hips, count_reps, fault_intervals, intervals
from .video import h264_writer, postprocess


def camera_for(spec: ClipSpec, script: Script) -> Camera:
    return Camera(
        spec.width,
        spec.height,
        (0.0, spec.camera_height, spec.camera_distance),
        (0.0, script.look_at_y, 0.0),
        spec.hfov_deg or HFOV_DEG,
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


def _layout(spec: ClipSpec, script: Script) -> tuple[int, int, int]:
    """Frames of the title card, of the scripted movement, and of the outro card."""
    card = round(spec.card_s * spec.fps)
    return (
        card if spec.title_card else 0,
        round(script.timeline.duration * spec.fps),
        card if spec.outro_card else 0,
    )


def frame_count(spec: ClipSpec, script: Script) -> int:
    return sum(_layout(spec, script))


def _same(a: Posture, b: Posture) -> bool:
    return all(abs(getattr(a, f.name) - getattr(b, f.name)) < 1e-3 for f in fields(a))


def render_frames(spec: ClipSpec, script: Script | None = None, frames: int | None = None):
    """Yield (index, uint8 RGB frame, skeleton, body mask, step, camera) for the clip, deterministically.
    Card frames show no person (empty mask; the skeleton is the body's unseen posture)."""
    script = script or build_script(spec)
    scene = scene_for(spec, script)
    shape = BodyShape(spec.body_height)
    title_n, body_n, _ = _layout(spec, script)
    n = frame_count(spec, script) if frames is None else frames
    rig = CameraRig(spec, camera_for(spec, script), body_n)
    empty = np.zeros((spec.height, spec.width), bool)
    for i in range(n):
        rng = np.random.default_rng([spec.seed, i])
        k = i - title_n
        if k < 0 or k >= body_n:  # a card
            ts = 0.0 if k < 0 else script.timeline.duration
            posture, _ = script.timeline.sample(ts)
            text = spec.title_card if k < 0 else spec.outro_card
            sk = pose_body(posture, shape, spec.outfit).skeleton
            step = Step(spec.card_s, posture, "absent")
            img = postprocess(card_image(text or "", spec.width, spec.height), rng, spec.noise_sigma, spec.blur_sigma)
            yield i, img, sk, empty, step, rig.main
            continue
        ts = k / spec.fps
        cam = rig.at(ts, k)
        posture, j = script.timeline.sample(ts)
        body = pose_body(posture, shape, spec.outfit)
        rgb, mask = render_frame(body.prims, cam, scene, spec.outfit)
        subs = [script.timeline.sample(t)[0] for t in exposure_times(ts, spec)]
        if len(subs) > 1 and not all(_same(subs[0], s) for s in subs[1:]):
            # Motion blur: average the sub-frames over the exposure (only the moving parts smear).
            acc = np.zeros_like(rgb)
            for sub in subs:
                srgb, smask = render_frame(pose_body(sub, shape, spec.outfit).prims, cam, scene, spec.outfit)
                acc += srgb
                mask = mask | smask
            rgb = acc / len(subs)
        yield (
            i,
            postprocess(rgb, rng, spec.noise_sigma, spec.blur_sigma),
            body.skeleton,
            mask,
            script.timeline.steps[j],
            cam,
        )


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
    n = frame_count(spec, script) if frames is None else frames
    truth = TruthSeries(spec.fps)
    steps: list[Step] = []
    cams: list[Camera] = []
    rot = spec.display_rotation % 360
    if rot not in (0, 90, 180, 270):
        raise ValueError(f"{spec.name}: display_rotation must be a multiple of 90")
    size = (spec.height, spec.width) if rot in (90, 270) else (spec.width, spec.height)
    with h264_writer(out_dir / spec.clip_file, *size, spec.fps, spec.crf, display_rotation=rot) as send:
        for i, img, sk, mask, step, cam in render_frames(spec, script, n):
            send(store_rotated(img, rot) if rot else img)
            visible = bool(mask.any())
            phase = step.phase if visible else "absent"
            truth.add(
                i, sk, lambda pts, cam=cam: cam.project(pts)[0], _in_frame(mask), phase, step.side if visible else None
            )
            steps.append(step)
            cams.append(cam)
            if progress:
                progress(i + 1, n)
    sidecar = build_sidecar(spec, script, truth, steps)
    (out_dir / f"{spec.name}.json").write_text(json.dumps(sidecar, separators=(",", ":")) + "\n")
    return sidecar


def dry_run(spec: ClipSpec) -> dict:
    """The sidecar without rendering a pixel (seconds instead of minutes): for checking a spec's reps,
    holds and faults. `in_frame` and `absent` are judged from the projected joints, not the body's
    pixels, so they can differ from a real render near the image border."""
    script = build_script(spec)
    title_n, body_n, outro_n = _layout(spec, script)
    rig = CameraRig(spec, camera_for(spec, script), body_n)
    shape = BodyShape(spec.body_height)
    truth = TruthSeries(spec.fps)
    steps: list[Step] = []
    for i in range(title_n + body_n + outro_n):
        k = i - title_n
        ts = min(max(k / spec.fps, 0.0), script.timeline.duration)
        cam = rig.at(ts, k) if 0 <= k < body_n else rig.main
        posture, j = script.timeline.sample(ts)
        sk = pose_body(posture, shape, spec.outfit).skeleton
        step = script.timeline.steps[j] if 0 <= k < body_n else Step(spec.card_s, posture, "absent")
        uv, z = cam.project(np.stack(list(sk.joints.values())))
        inside = (uv[:, 0] >= 0) & (uv[:, 0] < spec.width) & (uv[:, 1] >= 0) & (uv[:, 1] < spec.height) & (z > 0)
        visible = bool(inside.any()) and 0 <= k < body_n
        truth.add(
            i,
            sk,
            lambda pts, cam=cam: cam.project(pts)[0],
            visible and bool(inside.all()),
            step.phase if visible else "absent",
            step.side if visible else None,
        )
        steps.append(step)
    return build_sidecar(spec, script, truth, steps)


def _conditions(spec: ClipSpec, script: Script) -> dict:
    """Sidecar fields describing the filming conditions (video time, seconds)."""
    title_n, body_n, outro_n = _layout(spec, script)
    off = title_n / spec.fps
    out: dict = {"conditions": list(spec.conditions)}
    cards = []
    if title_n:
        cards.append({"kind": "title", "text": spec.title_card, "start_s": 0.0, "end_s": round(off, 3)})
    if outro_n:
        t0 = (title_n + body_n) / spec.fps
        cards.append(
            {
                "kind": "outro",
                "text": spec.outro_card,
                "start_s": round(t0, 3),
                "end_s": round(t0 + outro_n / spec.fps, 3),
            }
        )
    if cards:
        out["cards"] = cards
    if spec.camera_cuts:
        end = body_n / spec.fps
        out["camera_cuts"] = [
            {
                "kind": c.kind,
                "start_s": round(off + c.start_s, 3),
                "end_s": round(off + (end if c.end_s is None else min(c.end_s, end)), 3),
                "camera_position_m": list(c.position),
                "camera_target_m": list(c.target),
            }
            for c in spec.camera_cuts
        ]
    if spec.shake or spec.shake_rot_deg:
        out["shake"] = {"translation_frac": spec.shake, "rotation_deg": spec.shake_rot_deg}
    if spec.motion_blur > 1:
        out["motion_blur"] = {"sub_frames": spec.motion_blur, "shutter_frac": spec.shutter}
    if spec.display_rotation % 360:
        rot = spec.display_rotation % 360
        out["display_rotation_deg"] = rot
        out["stored_width"], out["stored_height"] = (
            (spec.height, spec.width) if rot in (90, 270) else (spec.width, spec.height)
        )
    return out


def build_sidecar(spec: ClipSpec, script: Script, truth: TruthSeries, steps: list[Step]) -> dict:
    v = script.variant
    fps = spec.fps
    holds = []
    faults: list[dict] = []
    reps: dict[str, int] = {"left": 0, "right": 0}
    if v is not None:
        thresholds = {"rep_low": v.rep_low, "rep_high": v.rep_high, "rep_direction": v.rep_direction}
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
        if v.kind == "reps":
            for side in set(spec.sides):
                signal = both_hips(truth) if side == "both" else truth.hip[side]
                reps[side] = count_reps(list(signal), v.rep_low, v.rep_high, v.rep_direction)
                scripted = spec.scripted_reps(side)
                if reps[side] != scripted:
                    raise ValueError(f"{spec.name}: truth counts {reps[side]} {side} reps, script has {scripted}")
    n = len(truth.t)
    out = {
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
        "hold_target_s": v.hold_target_s if v else None,
        "rep_thresholds": (
            {"low": v.rep_low, "high": v.rep_high, "direction": v.rep_direction}
            if v is not None and v.kind == "reps"
            else None
        ),
        "negative": v is None,
        "body_height_m": spec.body_height,
        "camera": {
            "distance_m": spec.camera_distance,
            "height_m": spec.camera_height,
            "hfov_deg": round(spec.hfov_deg or HFOV_DEG, 2),
        },
        **_conditions(spec, script),
        "frames_truth": truth.to_json(),
    }
    if spec.routine:
        assert isinstance(script, RoutineScript)
        return routine_fields(out, spec, script, truth, steps)
    return out
