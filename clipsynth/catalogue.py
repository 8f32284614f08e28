"""The sample clip set in `sample_videos/`: every variant in good form, every fault code, both sides,
both facings, 24/30/60 fps, near and far cameras, varied clothes and rooms, a three-quarter view, a
late walk-in and a walk-out in the middle of a hold."""

from __future__ import annotations

from .catalogue_variants import VARIANT_CLIPS
from .hard import HARD
from .heldout import HELDOUT
from .mannequin import Outfit
from .negatives import NEGATIVES
from .routines import ROUTINES
from .spec import ClipSpec, Fault

# Outfits and rooms. Trousers are mid-tones that contrast with the floor: on near-black trousers the
# Lambert shading that separates overlapping legs disappears, and MediaPipe swapped left and right for
# whole seconds (standing leg lift: 37° mean hip error with black trousers, 2-6° with grey or khaki).
# Each clip pairs trousers and floor at least ~35 grey levels apart in luminance.
NAVY_GREY = Outfit(shirt=(40, 90, 170), trousers=(105, 105, 118), shoes=(235, 235, 235))
RED_DENIM = Outfit(shirt=(185, 45, 45), trousers=(60, 85, 150), shoes=(40, 40, 40))
GREEN_GREY = Outfit(shirt=(60, 140, 80), trousers=(140, 140, 150), shoes=(210, 60, 50), long_sleeves=True)
YELLOW_CHARCOAL = Outfit(shirt=(220, 180, 50), trousers=(70, 70, 80), shoes=(245, 245, 245), skin=(160, 115, 85))
WHITE_MAROON = Outfit(shirt=(235, 235, 230), trousers=(135, 48, 62), shoes=(50, 50, 60))

PLAIN = {"wall_rgb": (205, 200, 190), "wall_style": "plain", "floor_rgb": (160, 130, 95)}
GRADIENT = {"wall_rgb": (150, 170, 190), "wall_style": "gradient", "floor_rgb": (185, 175, 160)}
BRICKS = {"wall_rgb": (170, 95, 75), "wall_style": "bricks", "floor_rgb": (120, 110, 100), "floor_style": "planks"}
DARK_WOOD = {"wall_rgb": (215, 210, 200), "wall_style": "plain", "floor_rgb": (95, 72, 55), "floor_style": "planks"}
STUDIO = {"wall_rgb": (225, 225, 220), "wall_style": "gradient", "floor_rgb": (150, 120, 90), "floor_style": "planks"}

HFS, HS, LL = "hip-flexor-stretch", "hamstring-stretch", "leg-lifts"

BASE_CLIPS: tuple[ClipSpec, ...] = (
    # --- hip flexor stretch --------------------------------------------------------------------------
    ClipSpec(
        f"{HFS}__half-kneeling__good-right",
        HFS,
        "half-kneeling",
        "kneel on the right knee, hips pushed forward, upright trunk, 15 s hold, good form",
        ("right",),
        hold_s=15.0,
        facing="right",
        seed=11,
        outfit=WHITE_MAROON,
        camera_distance=2.9,
        **BRICKS,
    ),
    ClipSpec(
        f"{HFS}__half-kneeling__fault-torso-lean",
        HFS,
        "half-kneeling",
        "kneel on the left knee, 16 s hold; the trunk leans ~32° forward for 5 s in the middle",
        ("left",),
        hold_s=16.0,
        faults=(Fault("torso_lean", at_s=5.0, dur_s=5.0),),
        facing="left",
        seed=12,
        outfit=RED_DENIM,
        camera_distance=4.2,
        **GRADIENT,
    ),
    ClipSpec(
        f"{HFS}__half-kneeling__walk-in-long-hold",
        HFS,
        "half-kneeling",
        "frame empty for ~2.5 s, walks in, kneels on the right knee and holds 30.4 s (completed), 24 fps",
        ("right",),
        hold_s=30.4,
        facing="right",
        fps=24.0,
        seed=13,
        outfit=GREEN_GREY,
        camera_distance=3.6,
        walk_in=True,
        lead_in_s=1.5,
        **DARK_WOOD,
    ),
    ClipSpec(
        f"{HFS}__hand-supported__good-left-three-quarter",
        HFS,
        "hand-supported",
        "three-quarter view; kneel on the left knee, right foot forward, right hand on a yoga block, "
        "14 s hold, good form",
        ("left",),
        hold_s=14.0,
        facing="right",
        view="three-quarter",
        seed=14,
        outfit=YELLOW_CHARCOAL,
        camera_distance=3.0,
        **STUDIO,
    ),
    ClipSpec(
        f"{HFS}__hand-supported__fault-knee-past-toes",
        HFS,
        "hand-supported",
        "kneel on the right knee, left hand on a yoga block, 15 s hold; the front (left) foot is drawn "
        "back so the knee passes the toes for 5 s",
        ("right",),
        hold_s=15.0,
        faults=(Fault("front_knee_past_toes", at_s=4.0, dur_s=5.0),),
        facing="left",
        seed=15,
        outfit=WHITE_MAROON,
        camera_distance=2.8,
        **BRICKS,
    ),
    # --- hamstring stretch ---------------------------------------------------------------------------
    ClipSpec(
        f"{HS}__supine-knee-to-chest__good-both",
        HS,
        "supine-knee-to-chest",
        "lying on the back, right knee to chest 11 s, then left knee to chest 11 s, good form",
        ("right", "left"),
        hold_s=11.0,
        facing="right",
        seed=21,
        outfit=NAVY_GREY,
        camera_distance=2.5,
        camera_height=1.05,
        **GRADIENT,
    ),
    ClipSpec(
        f"{HS}__supine-knee-to-chest__fault-other-leg",
        HS,
        "supine-knee-to-chest",
        "left knee to chest, 15 s hold; the right foot lifts off the floor (hip ~108°) for 3 s",
        ("left",),
        hold_s=15.0,
        faults=(Fault("other_leg_lifts", at_s=5.0, dur_s=3.0),),
        facing="left",
        seed=22,
        outfit=RED_DENIM,
        camera_distance=2.6,
        camera_height=1.05,
        **PLAIN,
    ),
    ClipSpec(
        f"{HS}__standing-toe-reach__good-walk-out",
        HS,
        "standing-toe-reach",
        "toe reach hold; after 7 s stands up, walks out of frame (~4 s absent), comes back and "
        "finishes the hold: two holds",
        ("both",),
        hold_s=16.0,
        walk_out_after_s=7.0,
        facing="right",
        seed=23,
        outfit=GREEN_GREY,
        camera_distance=3.4,
        lead_in_s=2.0,
        **GRADIENT,
    ),
    ClipSpec(
        f"{HS}__standing-toe-reach__fault-knees-locked",
        HS,
        "standing-toe-reach",
        "60 fps; toe reach with soft knees, knees locked straight for 3.5 s mid-hold",
        ("both",),
        hold_s=10.0,
        faults=(Fault("knees_locked", at_s=2.5, dur_s=3.5),),
        facing="left",
        fps=60.0,
        seed=24,
        outfit=YELLOW_CHARCOAL,
        camera_distance=2.7,
        lead_in_s=2.0,
        tail_s=1.0,
        **BRICKS,
    ),
    ClipSpec(
        f"{HS}__split-stance-wall__good-long-hold",
        HS,
        "split-stance-wall",
        "hands on the wall, left leg stepped back, 30.4 s hold (completed), good form",
        ("left",),
        hold_s=30.4,
        facing="right",
        seed=25,
        outfit=WHITE_MAROON,
        camera_distance=3.0,
        lead_in_s=2.0,
        **STUDIO,
    ),
    ClipSpec(
        f"{HS}__split-stance-wall__faults",
        HS,
        "split-stance-wall",
        "right leg back, 18 s hold: back knee bends to ~135° for 3 s, later the front foot is drawn "
        "back so the knee passes the toes for 3 s",
        ("right",),
        hold_s=18.0,
        faults=(Fault("back_knee_bent", at_s=3.0, dur_s=3.0), Fault("front_knee_past_toes", at_s=10.0, dur_s=3.0)),
        facing="left",
        seed=26,
        outfit=NAVY_GREY,
        camera_distance=3.2,
        lead_in_s=2.0,
        **GRADIENT,
    ),
    # --- leg lifts -----------------------------------------------------------------------------------
    ClipSpec(
        f"{LL}__supine-bent-knee__good-both",
        LL,
        "supine-bent-knee",
        "3 reps right leg then 3 reps left leg, knee at 90°, slow lowering, good form",
        ("right", "left"),
        reps=3,
        facing="right",
        seed=31,
        outfit=RED_DENIM,
        camera_distance=2.4,
        camera_height=1.05,
        lead_in_s=2.5,
        **PLAIN,
    ),
    ClipSpec(
        f"{LL}__supine-bent-knee__faults",
        LL,
        "supine-bent-knee",
        "4 reps right leg: 1 good, 1 with the knee opening to ~145° at the top, 1 dropped in 0.3 s, "
        "1 with the left foot lifting (hip ~108°)",
        ("right",),
        reps=4,
        faults=(Fault("knee_angle", rep=1), Fault("lowering_too_fast", rep=2), Fault("other_leg_lifts", rep=3)),
        facing="left",
        seed=32,
        outfit=YELLOW_CHARCOAL,
        camera_distance=2.6,
        camera_height=0.9,
        lead_in_s=2.5,
        **GRADIENT,
    ),
    ClipSpec(
        f"{LL}__standing-straight-leg__good-right",
        LL,
        "standing-straight-leg",
        "2 reps right leg: lift straight to ~130°, hold 10.5 s, lower slowly, good form",
        ("right",),
        reps=2,
        facing="right",
        seed=33,
        outfit=GREEN_GREY,
        camera_distance=2.7,
        lead_in_s=2.0,
        **DARK_WOOD,
    ),
    ClipSpec(
        f"{LL}__standing-straight-leg__faults",
        LL,
        "standing-straight-leg",
        "3 reps left leg: knee bent to ~126°, a 4 s hold, a 0.3 s drop",
        ("left",),
        reps=3,
        faults=(Fault("knee_bent", rep=0), Fault("hold_too_short", rep=1), Fault("lowering_too_fast", rep=2)),
        facing="left",
        seed=34,
        outfit=NAVY_GREY,
        camera_distance=3.0,
        lead_in_s=2.0,
        **GRADIENT,
    ),
    ClipSpec(
        f"{LL}__supine-leg-to-chest__good-right",
        LL,
        "supine-leg-to-chest",
        "right knee to chest, 14 s hold, good form",
        ("right",),
        hold_s=14.0,
        facing="left",
        seed=35,
        outfit=WHITE_MAROON,
        camera_distance=2.5,
        camera_height=1.05,
        lead_in_s=2.5,
        **BRICKS,
    ),
    ClipSpec(
        f"{LL}__side-lying__good-left",
        LL,
        "side-lying",
        "front view, lying on the right side, 4 lifts of the left leg to ~40° abduction, good form",
        ("left",),
        reps=4,
        facing="right",
        view="front",
        seed=36,
        outfit=NAVY_GREY,
        camera_distance=2.6,
        camera_height=0.9,
        lead_in_s=2.5,
        **GRADIENT,
    ),
    ClipSpec(
        f"{LL}__side-lying__faults-right",
        LL,
        "side-lying",
        "front view, lying on the left side, 3 lifts of the right leg: 1 good, 1 with the knee bent "
        "to ~118°, 1 raised to ~65° abduction",
        ("right",),
        reps=3,
        faults=(Fault("knee_bent", rep=1), Fault("leg_too_high", rep=2)),
        facing="left",
        view="front",
        seed=37,
        outfit=RED_DENIM,
        camera_distance=2.5,
        camera_height=1.05,
        lead_in_s=2.5,
        **STUDIO,
    ),
)


# The sample set: the first catalogue, then the variants added later (glute bridge, more forms).
CLIPS: tuple[ClipSpec, ...] = BASE_CLIPS + VARIANT_CLIPS


def clip_sets() -> dict[str, tuple[tuple[ClipSpec, ...], str]]:
    """Every clip set and its folder under sample_videos/ ("" = sample_videos/ itself)."""
    return {
        "sample": (CLIPS, ""),
        "heldout": (HELDOUT, "heldout"),
        "negatives": (NEGATIVES, "negatives"),
        "hard": (HARD, "hard"),
        "routines": (ROUTINES, "routines"),
    }


def folder_of(name: str) -> str:
    """The sample_videos/ sub-folder a clip is rendered into."""
    stem = name.removesuffix(".mp4")
    for specs, folder in clip_sets().values():
        if any(s.name == stem for s in specs):
            return folder
    raise KeyError(stem)


def by_name(name: str) -> ClipSpec:
    """A clip of any set (sample, held-out, negatives, hard, routines) by name, with or without .mp4."""
    stem = name.removesuffix(".mp4")
    every = [s for specs, _ in clip_sets().values() for s in specs]
    for spec in every:
        if spec.name == stem:
            return spec
    raise KeyError(f"no clip named {stem!r}; known: {', '.join(s.name for s in every)}")
