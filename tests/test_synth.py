"""The synthetic clip renderer: decodable, deterministic, truth consistent with the kinematics, and
believable to MediaPipe standing and lying down. Renders only a few low-cost frames."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("skimage", reason="scikit-image (the mannequin's face texture) is not installed")
cv2 = pytest.importorskip("cv2")
pytest.importorskip("imageio_ffmpeg", reason="imageio-ffmpeg (H.264 writer) is not installed")

from clipsynth.body import BodyShape, Posture, forward_kinematics  # noqa: E402
from clipsynth.clip import render_clip, render_frames  # noqa: E402
from clipsynth.spec import ClipSpec  # noqa: E402
from clipsynth.truth import count_reps, hip_angle, intervals, knee_angle, torso_incl  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHAPE = BodyShape(1.75)

SHORT = ClipSpec(
    name="test__standing-toe-reach__short",
    exercise="hamstring-stretch",
    variant="standing-toe-reach",
    description="test clip",
    sides=("both",),
    hold_s=1.0,
    lead_in_s=0.2,
    fps=24.0,
    width=320,
    height=240,
    camera_distance=3.0,
    seed=5,
)
SHORT_FRAMES = 48  # 2 s: rest, bend down, the start of the hold


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory):
    out = tmp_path_factory.mktemp("clips")
    sidecar = render_clip(SHORT, out, frames=SHORT_FRAMES)
    return out / SHORT.clip_file, sidecar


def test_clip_decodes_with_opencv(short_clip):
    path, sidecar = short_clip
    cap = cv2.VideoCapture(str(path))
    stamps, shapes = [], set()
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        stamps.append(cap.get(cv2.CAP_PROP_POS_MSEC))
        shapes.add(frame.shape)
    cap.release()
    assert len(stamps) == SHORT_FRAMES == sidecar["frames"]
    assert shapes == {(240, 320, 3)}
    assert stamps[0] == pytest.approx(0.0, abs=1.0)
    assert np.allclose(np.diff(stamps), 1000.0 / 24.0, atol=1.0)


def test_same_seed_gives_identical_frames():
    a = [img for _, img, *_ in render_frames(SHORT, frames=3)]
    b = [img for _, img, *_ in render_frames(SHORT, frames=3)]
    c = [img for _, img, *_ in render_frames(replace(SHORT, seed=6), frames=3)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])  # the sensor noise follows the seed


def test_sidecar_schema(short_clip):
    path, _ = short_clip
    data = json.loads(path.with_suffix(".json").read_text())
    for key, kind in {
        "clip": str,
        "exercise": str,
        "variant": str,
        "fps": float,
        "width": int,
        "height": int,
        "duration_s": float,
        "frames": int,
        "seed": int,
        "facing": str,
        "view": str,
        "description": str,
        "reps": dict,
        "holds": list,
        "faults": list,
        "frames_truth": dict,
    }.items():
        assert isinstance(data[key], kind), key
    assert data["clip"] == path.name and data["facing"] in ("left", "right")
    assert data["view"] in ("side", "three-quarter", "front")
    ft = data["frames_truth"]
    n = data["frames"]
    assert ft["t"] == [round(i / 24.0, 4) for i in range(n)]
    for key in ("in_frame", "torso_incl", "working_side", "phase"):
        assert len(ft[key]) == n, key
    for key in ("hip", "knee"):
        assert set(ft[key]) == {"left", "right"} and all(len(v) == n for v in ft[key].values())
    assert set(ft["phase"]) <= {"rest", "moving", "holding", "absent", "walking"}
    assert all(ft["in_frame"])
    # The clip ends inside the hold, which started when the bend was complete.
    assert ft["phase"][0] == "rest" and ft["phase"][-1] == "holding"
    assert data["holds"][0]["side"] == "both" and data["holds"][0]["start_s"] == pytest.approx(1.7, abs=0.05)


@pytest.mark.parametrize(
    ("posture", "hip", "knee"),
    [
        (Posture(hip_flex_l=90, hip_abd_l=0, knee_flex_l=90), 90.0, 90.0),  # sitting-like
        # Shoulders are wider than hips, so the trunk line tilts ~8° sideways: an 8° adducted thigh is in
        # line with it and the hip angle is purely the sagittal one.
        (Posture(hip_flex_l=0, hip_abd_l=-8), 180.0, 180.0),
        (Posture(hip_flex_l=-15, hip_abd_l=-8), 195.0, 180.0),  # lunge back leg: extension reads > 180
        (Posture(pitch=-90, hip_flex_l=45, hip_abd_l=-8, knee_flex_l=60), 135.0, 120.0),  # lying, knee bent
    ],
)
def test_truth_angles_follow_the_kinematics(posture, hip, knee):
    sk = forward_kinematics(posture, SHAPE)
    assert hip_angle(sk, "left") == pytest.approx(hip, abs=0.5)
    assert knee_angle(sk, "left") == pytest.approx(knee, abs=0.01)


def test_torso_inclination_and_rep_counting():
    assert torso_incl(forward_kinematics(Posture(), SHAPE)) == pytest.approx(0.0, abs=0.01)
    assert torso_incl(forward_kinematics(Posture(pitch=-90), SHAPE)) == pytest.approx(90.0, abs=0.01)
    assert count_reps([135, 120, 100, 90, 110, 125, 130, 100, 124], 105, 122) == 2
    assert intervals([None, "a", "a", None, "b"], 10.0) == [("a", 0.1, 0.3), ("b", 0.4, 0.5)]


@pytest.mark.parametrize("variant", ["standing-toe-reach", "supine-knee-to-chest"])
def test_mediapipe_believes_the_mannequin(variant):
    mp = pytest.importorskip("mediapipe")
    spec = replace(
        SHORT,
        variant=variant,
        lead_in_s=3.0,
        width=640,
        height=480,
        sides=("both",) if variant.startswith("standing") else ("right",),
        camera_distance=2.6 if variant.startswith("supine") else 3.0,
        camera_height=0.8 if variant.startswith("supine") else 1.0,
    )
    hits = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for _, img, *_ in render_frames(spec, frames=8):
            hits += pose.process(img).pose_landmarks is not None  # frames are RGB already
    assert hits >= 6


def test_rising_rep_count_for_the_glute_bridge():
    # Up when the hip passes 150, back at rest below 138: two bridges, one that never reached the top.
    hips = [131, 140, 152, 174, 174, 150, 137, 131, 148, 136, 131, 160, 175, 139, 137]
    assert count_reps(hips, 138, 150, "rising") == 2
    assert count_reps([140, 100, 130], 105, 122) == count_reps([140, 100, 130], 105, 122, "falling") == 1


def test_bridge_keeps_shoulders_and_feet_on_the_floor():
    from clipsynth.mannequin import Outfit, lowest_of, pose_body
    from clipsynth.postures_floor import bridge, bridge_rest

    shape = BodyShape(1.72)
    rest = bridge_rest(90.0, shape, hip_flex=48.0)
    top = bridge(90.0, shape, 3.0, ref=rest)
    a, b = pose_body(rest, shape, Outfit()), pose_body(top, shape, Outfit())
    assert 125 < hip_angle(a.skeleton, "left") < 135 and 65 < knee_angle(a.skeleton, "left") < 80
    assert 170 < hip_angle(b.skeleton, "left") < 180 and 80 < knee_angle(b.skeleton, "left") < 100
    # Upper back, feet and hands on the floor; hips up; the feet did not slide.
    for part in ("torso", "foot_l", "foot_r", "hand_l", "hand_r"):
        assert lowest_of(b.prims, {part}) < 0.015, part
    assert lowest_of(b.prims, {"pelvis"}) > 0.12
    assert np.allclose(a.skeleton.joints["heel_l"][[0, 2]], b.skeleton.joints["heel_l"][[0, 2]], atol=0.01)


def test_display_rotation_tag(tmp_path):
    from clipsynth.conditions import store_rotated
    from clipsynth.video import h264_writer

    frame = np.full((48, 64, 3), 40, np.uint8)
    frame[4:12, 4:20] = (250, 30, 30)  # a red patch at the top left of the upright picture
    with h264_writer(tmp_path / "r.mp4", 48, 64, 10.0, 20, display_rotation=90) as send:
        for _ in range(3):
            send(store_rotated(frame, 90))
    cap = cv2.VideoCapture(str(tmp_path / "r.mp4"))
    assert cap.get(cv2.CAP_PROP_ORIENTATION_META) in (90.0, 270.0)
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, shown = cap.read()
    cap.release()
    assert ok and shown.shape == (48, 64, 3)
    assert shown[8, 10, 2] > 150 and shown[40, 50, 2] < 100  # upright again (BGR)


def test_floor_postures_rest_on_the_floor():
    from clipsynth.mannequin import Outfit, lowest_of, pose_body
    from clipsynth.postures_floor import long_sitting, supine_legs

    shape = BodyShape(1.72)
    flat = pose_body(
        supine_legs(90.0, shape, hip_flex={"left": 1.0, "right": 1.0}, knee_flex={"left": 4.0, "right": 4.0}),
        shape,
        Outfit(),
    )
    assert all(lowest_of(flat.prims, {p}) < 0.035 for p in ("pelvis", "torso", "foot_l", "foot_r", "thigh_l", "hand_r"))
    assert 165 < hip_angle(flat.skeleton, "left") < 180  # never past the frontal plane (no jump to > 180)
    fold = pose_body(long_sitting(90.0, shape, fold=38.0, spine=30.0, reach_toes=True), shape, Outfit())
    assert lowest_of(fold.prims, {"pelvis"}) < 0.005 and lowest_of(fold.prims, {"foot_l"}) < 0.005
    assert 55 < torso_incl(fold.skeleton) < 68 and knee_angle(fold.skeleton, "right") > 170


def test_title_card_and_shake_frames(tmp_path):
    spec = replace(SHORT, name="test__card", title_card="DAY 1", card_s=0.25, shake=0.02, shake_rot_deg=1.5)
    sidecar = render_clip(spec, tmp_path, frames=10)  # 6 card frames, then the person
    ft = sidecar["frames_truth"]
    assert ft["phase"][:6] == ["absent"] * 6 and not any(ft["in_frame"][:6])
    assert ft["phase"][6] == "rest" and all(ft["in_frame"][6:])
    assert sidecar["cards"] == [{"kind": "title", "text": "DAY 1", "start_s": 0.0, "end_s": 0.25}]
    assert sidecar["shake"] == {"translation_frac": 0.02, "rotation_deg": 1.5} and sidecar["negative"] is False
    frames = [img for _, img, *_ in render_frames(spec, frames=8)]
    assert frames[0].std() < 40 and not np.array_equal(frames[6], frames[7])  # a card; the camera moves


def test_negative_clip_truth():
    from clipsynth.clip import dry_run
    from clipsynth.negatives import NEGATIVES

    spec = replace(next(s for s in NEGATIVES if s.activity == "sit"), hold_s=1.0)
    sidecar = dry_run(spec)
    assert sidecar["negative"] is True and sidecar["exercise"] is None and sidecar["variant"] is None
    assert sidecar["reps"] == {"left": 0, "right": 0} and sidecar["holds"] == [] and sidecar["faults"] == []
    assert {"rest", "moving", "walking"} <= set(sidecar["frames_truth"]["phase"])
    assert set(sidecar["frames_truth"]["working_side"]) == {None}


def test_routine_truth_segments_follow_the_script():
    """A short routine (standing reps, a standing hold, lying down, supine reps on both sides, getting up),
    through the dry run: one segment per exercise block, in order, apart, inside the clip, with the
    script's counts; everything outside the segments is rest or transition."""
    from clipsynth.clip import dry_run
    from clipsynth.spec import Exercise, Transition

    steps = (
        Transition("walk-in", 0.5),
        Exercise("leg-lifts", "standing-knee-drive", ("right", "left"), reps=1, gap_s=0.5),
        Transition("rest-standing", 1.0),
        Exercise("hamstring-stretch", "standing-toe-reach", ("both",), hold_s=2.0),
        Transition("lie-down", 3.0),
        Transition("rest-lying-flat", 1.0),
        Exercise("leg-lifts", "supine-bent-knee", ("right", "left"), block_reps=(2, 1), gap_s=1.0),
        Transition("get-up", 3.0),
        Transition("walk-out", 0.5),
    )
    spec = ClipSpec("test__routine", None, None, "test routine", (), routine=steps, fps=10.0, width=320, height=240)
    sc = dry_run(spec)
    n, fps = sc["frames"], sc["fps"]
    assert sc["routine"] is True and sc["negative"] is False and sc["exercise"] is None
    assert "segment" in sc["segment_rule"] and sc["duration_s"] == pytest.approx(n / fps)
    segs = sc["segments"]
    blocks = [s for s in steps if isinstance(s, Exercise)]
    assert [(s["exercise"], s["variant"]) for s in segs] == [(b.exercise, b.variant) for b in blocks]
    assert [s["side"] for s in segs] == ["both", "both", "both"]
    for a, b in zip(segs, segs[1:]):
        assert a["end_s"] <= b["start_s"]
    assert all(0.0 < s["start_s"] < s["end_s"] <= sc["duration_s"] for s in segs)
    assert [s["reps"] for s in segs] == [
        {"left": 1, "right": 1},
        {"left": 0, "right": 0},
        {"left": 1, "right": 2},
    ]
    assert sc["reps"] == {"left": 2, "right": 3}
    (hold,) = segs[1]["holds"]
    assert hold["side"] == "both" and hold["duration_s"] == pytest.approx(2.0, abs=0.11)
    assert segs[1]["start_s"] < hold["start_s"] < hold["end_s"] < segs[1]["end_s"]
    assert sc["holds"] == [hold] and sc["faults"] == []
    # Frame by frame: the exercise's own phases and working side only inside segments; a segment's first
    # frame has left rest and the frame before it has not started the movement yet.
    ft = sc["frames_truth"]
    inside = [any(s["start_s"] <= i / fps < s["end_s"] for s in segs) for i in range(n)]
    for i in range(n):
        if not inside[i]:
            assert ft["working_side"][i] is None and ft["phase"][i] != "holding", i
    for s in segs:
        i0 = round(s["start_s"] * fps)
        assert ft["phase"][i0] == "moving" and ft["working_side"][i0] is not None
        assert ft["working_side"][i0 - 1] is None
    assert {"walking", "absent", "rest"} <= set(ft["phase"])
    # The routine's steps tile the take, in order.
    parts = sc["routine_steps"]
    assert [p["step"] for p in parts][:2] == ["walk-in", "exercise"] and len(parts) == len(steps)
    assert parts[0]["start_s"] == 0.0 and parts[-1]["end_s"] == pytest.approx(n / fps, abs=1 / fps)
    assert all(a["end_s"] == b["start_s"] for a, b in zip(parts, parts[1:]))
    # A routine is only steps: the spec does not also name an exercise.
    with pytest.raises(ValueError, match="names its exercises"):
        dry_run(replace(spec, exercise="leg-lifts"))


def _local_imports(folder: Path) -> dict[str, set[str]]:
    """Each module of a package and the package's modules it imports, at any depth (function-level too)."""
    import ast

    graph: dict[str, set[str]] = {}
    for p in folder.glob("*.py"):
        found = set()
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module:
                found.add(n.module.split(".")[0])
            elif isinstance(n, ast.ImportFrom) and n.module and n.module.startswith(f"{folder.name}."):
                found.add(n.module.split(".")[1])
        graph[p.stem] = found
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import cycle in ``graph`` (its modules in order), or None."""
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(m: str, path: list[str]) -> list[str] | None:
        state[m] = 1
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return [*path[path.index(n) :], n] if n in path else [m, n]
            if n not in state and (found := visit(n, [*path, n])):
                return found
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m, [m])):
            return found
    return None


def test_clipsynth_has_no_import_cycle():
    assert _cycle(_local_imports(ROOT / "clipsynth")) is None
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # the check finds one
