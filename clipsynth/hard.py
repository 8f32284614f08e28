"""Hard filming conditions (sample_videos/hard/): existing variants filmed the way real users film them
at their worst. Each clip lists its conditions in the sidecar (`conditions`, plus `cards`,
`camera_cuts`, `shake`, `motion_blur` or `display_rotation_deg` where they apply); the truth is the
movement's own (card frames are `absent`, close-up frames `in_frame: false`). Hard cases are meant to be
hard: none was re-rendered to make MediaPipe behave."""

from __future__ import annotations

import math

from .catalogue_variants import BLUE_TILE, COBALT_SAND, LIME_NAVY, MINT_WALNUT, PALE_OAK, WARM_GREY
from .mannequin import Outfit
from .spec import CameraCut, ClipSpec

HFS, HS, LL = "hip-flexor-stretch", "hamstring-stretch", "leg-lifts"


def portrait_hfov(width: int, height: int, vfov: float = 62.0) -> float:
    """Horizontal field of view of a phone held upright: its long side keeps the landscape 62°."""
    return round(2 * math.degrees(math.atan(math.tan(math.radians(vfov) / 2) * width / height)), 2)


SAND_OLIVE = Outfit(shirt=(215, 200, 160), trousers=(95, 110, 70), shoes=(240, 240, 240))
BLACK_LEGGINGS = Outfit(shirt=(230, 120, 40), trousers=(22, 22, 26), shoes=(235, 235, 235))
NAVY_STONE = Outfit(shirt=(30, 50, 110), trousers=(150, 140, 125), shoes=(50, 50, 55), long_sleeves=True)
ROSE_GREY = Outfit(shirt=(215, 130, 150), trousers=(125, 125, 135), shoes=(240, 240, 240))

HARD: tuple[ClipSpec, ...] = (
    ClipSpec(
        f"{HFS}__half-kneeling__hard-rocking-hold",
        HFS,
        "half-kneeling",
        "kneel on the right knee, 31 s hold during which the hips rock forward and back by ±7° (back-hip "
        "extension 7-21°) every 2 s; the knee and front foot stay planted. Truth: one continuous hold",
        ("right",),
        hold_s=31.0,
        rock_deg=7.0,
        rock_period_s=2.0,
        conditions=("rocking-in-hold",),
        facing="left",
        seed=81,
        outfit=SAND_OLIVE,
        camera_distance=3.1,
        lead_in_s=2.0,
        **WARM_GREY,
    ),
    ClipSpec(
        f"{LL}__supine-bent-knee__hard-camera-shake",
        LL,
        "supine-bent-knee",
        "hand-held phone: smooth random pan/tilt moving the image up to ±2% of its size and a roll of up to "
        "±1.5°; 4 reps of the right leg, knee at 90°, good form",
        ("right",),
        reps=4,
        shake=0.02,
        shake_rot_deg=1.5,
        conditions=("camera-shake",),
        facing="right",
        seed=82,
        outfit=COBALT_SAND,
        camera_distance=2.5,
        camera_height=1.0,
        lead_in_s=2.5,
        **MINT_WALNUT,
    ),
    ClipSpec(
        f"{LL}__standing-straight-leg__hard-portrait-small",
        LL,
        "standing-straight-leg",
        "phone held upright: 480x854 portrait, camera 4.1 m away so the person fills ~35% of the frame "
        "height; 2 reps of the right leg with 10.5 s holds, good form",
        ("right",),
        reps=2,
        width=480,
        height=854,
        hfov_deg=portrait_hfov(480, 854),
        conditions=("portrait", "small-person"),
        facing="right",
        seed=83,
        outfit=ROSE_GREY,
        camera_distance=4.1,
        camera_height=1.2,
        lead_in_s=2.0,
        **PALE_OAK,
    ),
    ClipSpec(
        f"{LL}__standing-straight-leg__hard-black-leggings",
        LL,
        "standing-straight-leg",
        "near-black leggings (22, 22, 26) on a light floor: the legs' shading barely separates them; 2 reps "
        "of the left leg with 10.5 s holds, good form",
        ("left",),
        reps=2,
        conditions=("near-black-leggings",),
        facing="right",
        seed=84,
        outfit=BLACK_LEGGINGS,
        camera_distance=2.8,
        lead_in_s=2.0,
        **BLUE_TILE,
    ),
    ClipSpec(
        f"{HS}__supine-knee-to-chest__hard-cards-jump-cut",
        HS,
        "supine-knee-to-chest",
        "a 2.5 s title card (no person), then right knee to chest with a 24 s hold; 11 s into the hold the "
        "video jump-cuts to a closer, higher, oblique camera (the person still in the stretch) until the "
        "end; a 2.5 s outro card. Truth: one continuous 24 s hold (the body never leaves the stretch); the "
        "cut's time is in `camera_cuts`",
        ("right",),
        hold_s=24.0,
        title_card="KNEE TO CHEST\nhamstring stretch - day 3",
        outro_card="Thanks for watching!",
        camera_cuts=(CameraCut(15.0, None, (0.8, 1.25, 1.7), (0.1, 0.25, 0.0)),),
        conditions=("title-card", "outro-card", "jump-cut"),
        facing="right",
        seed=85,
        outfit=NAVY_STONE,
        camera_distance=2.6,
        camera_height=1.05,
        lead_in_s=2.5,
        **PALE_OAK,
    ),
    ClipSpec(
        f"{HS}__standing-toe-reach__hard-leg-close-up",
        HS,
        "standing-toe-reach",
        "toe reach, 20 s hold; 8 s into the hold the video cuts for 3 s to a close-up of the shins and feet "
        "(no head or trunk in view, the hands at the edge), then back. Truth: one continuous hold; the "
        "close-up frames are `in_frame: false`",
        ("both",),
        hold_s=20.0,
        camera_cuts=(CameraCut(11.5, 14.5, (-0.28, 0.34, 1.0), (-0.28, 0.32, 0.0), kind="close-up"),),
        conditions=("close-up-cut",),
        facing="right",
        seed=86,
        outfit=LIME_NAVY,
        camera_distance=3.2,
        lead_in_s=2.0,
        **WARM_GREY,
    ),
    ClipSpec(
        f"{LL}__standing-straight-leg__hard-rotation-tag",
        LL,
        "standing-straight-leg",
        "a phone video filmed upright: 480x640 as displayed, stored as 640x480 pixels rotated 90° clockwise "
        "with a display-rotation tag of 90° (counter-clockwise) so a player that honours it shows it upright; "
        "2 reps of the right leg with 10.5 s holds, good form",
        ("right",),
        reps=2,
        width=480,
        height=640,
        hfov_deg=portrait_hfov(480, 640),
        display_rotation=90,
        conditions=("display-rotation-90",),
        facing="left",
        seed=87,
        outfit=ROSE_GREY,
        camera_distance=2.9,
        lead_in_s=2.0,
        **MINT_WALNUT,
    ),
    ClipSpec(
        f"{LL}__standing-straight-leg__hard-motion-blur",
        LL,
        "standing-straight-leg",
        "the right leg swung up in 0.3 s (and lowered in 2 s) with a full-frame-interval shutter: 9 "
        "sub-frames averaged per frame smear the moving leg; 2 reps with 10.5 s holds",
        ("right",),
        reps=2,
        t_up_s=0.3,
        motion_blur=9,
        shutter=1.0,
        conditions=("motion-blur", "fast-lift"),
        facing="right",
        seed=88,
        outfit=NAVY_STONE,
        camera_distance=2.7,
        lead_in_s=2.0,
        **PALE_OAK,
    ),
)
