"""Whole routines in one take (sample_videos/routines/): several exercises in sequence with rests and
transitions between them, same person, room and fixed camera, no cuts (see `routine`). Good form
throughout; each routine has its own outfit and room."""

from __future__ import annotations

from .mannequin import Outfit
from .spec import ClipSpec, Exercise, Transition

GB, HFS, HS, LL = "glute-bridge", "hip-flexor-stretch", "hamstring-stretch", "leg-lifts"

# Outfits and rooms new to this set (trousers >= 35 grey levels of luminance from the floor).
TEAL_SLATE = Outfit(shirt=(30, 140, 140), trousers=(118, 120, 132), shoes=(240, 240, 240))
BERRY_KHAKI = Outfit(shirt=(150, 40, 75), trousers=(178, 162, 122), shoes=(50, 50, 55), long_sleeves=True)
HONEY_PLANKS = {
    "wall_rgb": (222, 214, 198),
    "wall_style": "plain",
    "floor_rgb": (190, 160, 118),
    "floor_style": "planks",
}
# The third routine is held out: rendered once as specified, after the recogniser was built and tuned.
INDIGO_SAND = Outfit(shirt=(60, 50, 140), trousers=(182, 166, 128), shoes=(240, 240, 240), skin=(175, 125, 95))
SAGE_PLANKS = {"wall_rgb": (190, 205, 192), "wall_style": "plain", "floor_rgb": (104, 96, 90), "floor_style": "planks"}
DUSK_GREY = {"wall_rgb": (178, 192, 208), "wall_style": "gradient", "floor_rgb": (92, 88, 94), "floor_style": "plain"}

ROUTINES: tuple[ClipSpec, ...] = (
    ClipSpec(
        "routine__floor-knee-to-chest-leg-lifts-bridges",
        None,
        None,
        "walks in, lies down on the floor; knee-to-chest hamstring hold on the right (15 s); rests lying "
        "flat; bent-knee leg lifts, 3 right then 3 left; rests; 5 quick glute bridges; rests; gets up and "
        "walks out. Good form throughout",
        (),
        routine=(
            Transition("walk-in", 1.0),
            Transition("rest-standing", 1.5),
            Transition("lie-down"),
            Transition("rest-lying", 3.0),
            Exercise(HS, "supine-knee-to-chest", ("right",), hold_s=15.0),
            Transition("rest-lying-flat", 4.0),
            Exercise(LL, "supine-bent-knee", ("right", "left"), reps=3),
            Transition("rest-lying", 4.0),
            Exercise(GB, "supine-bridge-quick", ("both",), reps=5),
            Transition("rest-lying", 3.0),
            Transition("get-up"),
            Transition("rest-standing", 1.5),
            Transition("walk-out", 1.0),
        ),
        facing="right",
        seed=91,
        body_height=1.72,
        outfit=TEAL_SLATE,
        camera_distance=2.9,
        camera_height=1.0,
        **HONEY_PLANKS,
    ),
    ClipSpec(
        "routine__standing-leg-lifts-toe-reach-kneeling",
        None,
        None,
        "walks in; standing straight-leg lifts with the left leg, 2 reps with 10.5 s holds; rests standing; "
        "standing toe reach, 15 s hold; rests; kneels down on the left knee into the half-kneeling hip "
        "flexor stretch, 15 s hold, stands up; walks out. Good form throughout",
        (),
        routine=(
            Transition("walk-in", 1.0),
            Transition("rest-standing", 2.0),
            Exercise(LL, "standing-straight-leg", ("left",), reps=2),
            Transition("rest-standing", 4.0),
            Exercise(HS, "standing-toe-reach", ("both",), hold_s=15.0),
            Transition("rest-standing", 3.0),
            Exercise(HFS, "half-kneeling", ("left",), hold_s=15.0),
            Transition("rest-standing", 2.0),
            Transition("walk-out", 1.0),
        ),
        facing="left",
        seed=92,
        body_height=1.65,
        outfit=BERRY_KHAKI,
        camera_distance=3.0,
        camera_height=1.0,
        **DUSK_GREY,
    ),
    ClipSpec(
        "routine__kneeling-both-sides-toe-reach-leg-lifts",
        None,
        None,
        "walks in; half-kneeling hip flexor stretch on the right (15 s), stands up, rests, the same on the left "
        "(15 s); rests standing; standing toe reach (15 s); lies down; bent-knee leg lifts, 2 right then 2 "
        "left; gets up; walks out. Good form throughout. Held out: rendered once, after the recogniser was "
        "tuned on the other two",
        (),
        routine=(
            Transition("walk-in", 1.0),
            Transition("rest-standing", 2.0),
            Exercise(HFS, "half-kneeling", ("right", "left"), hold_s=15.0, gap_s=3.0),
            Transition("rest-standing", 3.0),
            Exercise(HS, "standing-toe-reach", ("both",), hold_s=15.0),
            Transition("rest-standing", 2.0),
            Transition("lie-down"),
            Transition("rest-lying", 3.0),
            Exercise(LL, "supine-bent-knee", ("right", "left"), reps=2),
            Transition("rest-lying", 3.0),
            Transition("get-up"),
            Transition("rest-standing", 1.5),
            Transition("walk-out", 1.0),
        ),
        facing="right",
        seed=93,
        body_height=1.78,
        outfit=INDIGO_SAND,
        camera_distance=3.1,
        camera_height=0.9,
        **SAGE_PLANKS,
    ),
)
