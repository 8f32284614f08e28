"""Negative clips (sample_videos/negatives/): people moving in ways that are none of the exercises, so the
analysis can be checked for not reporting one. Their truth has `exercise`/`variant` null, no reps, holds
or faults, and `negative: true`; the per-frame angles and phases are the movement's own."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from .body import BodyShape, Posture
from .catalogue_variants import BLUE_TILE, PALE_OAK, PLUM_KHAKI, WARM_GREY
from .mannequin import Box, Outfit
from .postures import heading, standing, toward_camera, walking
from .postures_standing import lunge, lunge_step, seat_box, seated, squat
from .script import HFOV_DEG, STRIDE_S, WALK_SPEED, Script, extent
from .spec import ClipSpec
from .timeline import Step, Timeline

# More outfits and a room (trousers >= 35 grey levels of luminance from the floor).
TEAL_CHINO = Outfit(shirt=(25, 120, 125), trousers=(190, 170, 130), shoes=(45, 45, 50))
RED_GREY = Outfit(shirt=(200, 50, 60), trousers=(120, 120, 128), shoes=(240, 240, 240), long_sleeves=True)
STONE_ROOM = {"wall_rgb": (200, 195, 180), "wall_style": "bricks", "floor_rgb": (90, 85, 80), "floor_style": "planks"}


class _Steps:
    """Collects timeline steps; every step of a negative clip has no working side, hold or fault."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def add(self, dur: float, pose: Posture | Callable[[float], Posture], phase: str, **kw: object) -> None:
        self.steps.append(Step(dur, pose, phase, **kw))

    def walk(self, x0: float, x1: float, yaw: float) -> None:
        d = math.copysign(1.0, x1 - x0)

        def gait(t: float, x0: float = x0) -> Posture:
            return walking(yaw, x0 + d * WALK_SPEED * t, 2 * math.pi * t / STRIDE_S)

        self.add(abs(x1 - x0) / WALK_SPEED, gait, "walking", breathe=False)


def _lunges(spec: ClipSpec, yaw: float, head: float, shape: BodyShape, x: float) -> tuple[Posture, _Steps, list]:
    stand = standing(yaw, head, x)
    s = _Steps()
    s.add(spec.lead_in_s, stand, "rest")
    keys = [stand]
    for i in range(6):
        front = ("left", "right")[i % 2]
        mid, low = lunge_step(yaw, shape, front, head_yaw=head, x=x), lunge(yaw, shape, front, head_yaw=head, x=x)
        keys += [mid, low]
        s.add(0.6, mid, "moving")
        s.add(0.7, low, "moving")
        s.add(0.3, low, "moving", breathe=False)
        s.add(0.7, mid, "moving")
        s.add(0.6, stand, "moving")
        s.add(1.0, stand, "rest")
    s.add(spec.tail_s, stand, "rest")
    return stand, s, keys


def _squats(spec: ClipSpec, yaw: float, head: float, shape: BodyShape, x: float) -> tuple[Posture, _Steps, list]:
    stand = standing(yaw, head, x)
    low = squat(yaw, shape, head_yaw=head, x=x)
    s = _Steps()
    s.add(spec.lead_in_s, stand, "rest")
    for _ in range(6):
        s.add(1.6, low, "moving", ease="cosine")
        s.add(0.3, low, "moving", breathe=False)
        s.add(1.5, stand, "moving", ease="cosine")
        s.add(1.0, stand, "rest")
    s.add(spec.tail_s, stand, "rest")
    return stand, s, [stand, low]


def _walk(spec: ClipSpec, yaw: float, head: float, shape: BodyShape, x: float) -> tuple[Posture, _Steps, list]:
    """Across the frame left to right and out, back in from the right to the middle, a pause facing the
    camera, then out to the left."""
    edge = spec.camera_distance * math.tan(math.radians(spec.hfov_deg or HFOV_DEG) / 2) + 0.7
    s = _Steps()
    start = walking(90.0, -edge, 0.0)
    s.add(spec.lead_in_s, start, "rest")  # out of frame: the truth marks these frames absent
    s.walk(-edge, edge, 90.0)
    s.add(1.0, standing(-90.0, 0.0, edge), "rest")
    s.walk(edge, x, -90.0)
    s.add(0.6, standing(-90.0, 0.0, x), "moving")
    s.add(0.7, standing(0.0, 0.0, x), "moving")
    s.add(3.5, standing(0.0, 0.0, x), "rest")
    s.add(0.7, standing(-90.0, 0.0, x), "moving")
    s.walk(x, -edge, -90.0)
    s.add(spec.tail_s, standing(-90.0, 0.0, -edge), "rest")
    return start, s, [standing(90.0, 0.0, x)]


def _sit(spec: ClipSpec, yaw: float, head: float, shape: BodyShape, x: float) -> tuple[Posture, _Steps, list]:
    """Sitting still on a box for 15 s, standing up, standing, then walking out of the frame."""
    sit = seated(yaw, shape, head_yaw=head, x=x)
    lean = seated(yaw, shape, lean=38.0, head_yaw=head, x=x)
    stand = standing(yaw, head, x)
    s = _Steps()
    s.add(spec.hold_s, sit, "rest")
    s.add(0.8, lean, "moving")
    s.add(1.3, stand, "moving")
    s.add(3.0, stand, "rest")
    direction = 1.0 if spec.facing == "right" else -1.0
    s.add(0.6, replace(stand, head_yaw=0.0), "moving")
    edge = spec.camera_distance * math.tan(math.radians(spec.hfov_deg or HFOV_DEG) / 2) + 0.7
    s.walk(x, x + direction * edge, yaw)
    s.add(spec.tail_s, standing(yaw, 0.0, x + direction * edge), "rest")
    return sit, s, [sit, stand]


ACTIVITIES = {"lunges": _lunges, "squats": _squats, "walk": _walk, "sit": _sit}


def build_activity(spec: ClipSpec) -> Script:
    """The script of a negative clip: the activity centred in the frame (a box to sit on for `sit`)."""
    make = ACTIVITIES[spec.activity]
    shape = BodyShape(spec.body_height)
    yaw = heading(spec.facing, spec.view)
    head = toward_camera(spec.facing, spec.head_turn) if spec.view == "side" else 0.0
    _, _, keys = make(spec, yaw, head, shape, 0.0)
    x0, x1, y0, y1 = extent(keys, shape)
    dx = -0.5 * (x0 + x1)
    start, steps, keys = make(spec, yaw, head, shape, dx)
    props: tuple[Box, ...] = (seat_box(keys[0], shape),) if spec.activity == "sit" else ()
    look_at = 0.5 * (y0 + y1) - (y0 if y0 > 0 else 0.0)
    return Script(Timeline(start, tuple(steps.steps)), None, props, max(look_at, 0.25))


NEGATIVES: tuple[ClipSpec, ...] = (
    ClipSpec(
        "negative__forward-lunges",
        None,
        None,
        "forward lunges, alternating legs (left first), 6 in all: step forward, back knee down to just above "
        "the floor, push back to standing; not one of the exercises",
        (),
        activity="lunges",
        facing="right",
        seed=61,
        outfit=TEAL_CHINO,
        camera_distance=3.3,
        lead_in_s=2.0,
        **STONE_ROOM,
    ),
    ClipSpec(
        "negative__bodyweight-squats",
        None,
        None,
        "6 bodyweight squats (knees ~80°, hips ~68°, arms forward), 1.6 s down, 1.5 s up; not one of the exercises",
        (),
        activity="squats",
        facing="left",
        seed=62,
        outfit=PLUM_KHAKI,
        camera_distance=3.0,
        lead_in_s=2.0,
        **BLUE_TILE,
    ),
    ClipSpec(
        "negative__walk-across-and-back",
        None,
        None,
        "frame empty for 1 s; walks in from the left, across the frame and out on the right; comes back, stops "
        "in the middle facing the camera for ~3.5 s, turns and walks out on the left",
        (),
        activity="walk",
        facing="right",
        seed=63,
        outfit=RED_GREY,
        camera_distance=4.0,
        lead_in_s=1.0,
        **WARM_GREY,
    ),
    ClipSpec(
        "negative__sit-still-then-stand",
        None,
        None,
        "sits still on a low box (hips and knees ~90°) for 15 s, stands up, stands 3 s, walks out of the frame",
        (),
        activity="sit",
        hold_s=15.0,
        facing="right",
        seed=64,
        outfit=TEAL_CHINO,
        camera_distance=3.2,
        tail_s=1.0,
        **PALE_OAK,
    ),
)
