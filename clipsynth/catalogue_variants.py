"""Sample clips of the variants added after the first catalogue (`exercises_more`): the glute bridge and
the further forms of leg lifts and the hamstring stretch. Rendered into `sample_videos/` with the others
(`catalogue.CLIPS` includes these)."""

from __future__ import annotations

from .mannequin import Outfit
from .spec import ClipSpec, Fault

# Outfits and rooms new to this set. Trousers keep >= 35 grey levels of luminance from the floor.
COBALT_SAND = Outfit(shirt=(35, 75, 185), trousers=(170, 150, 115), shoes=(245, 245, 245))
CORAL_SLATE = Outfit(shirt=(235, 110, 90), trousers=(85, 95, 110), shoes=(240, 240, 240), long_sleeves=True)
PLUM_KHAKI = Outfit(shirt=(110, 45, 95), trousers=(165, 150, 110), shoes=(60, 60, 65), skin=(200, 150, 115))
LIME_NAVY = Outfit(shirt=(150, 200, 60), trousers=(50, 60, 105), shoes=(240, 240, 240))
GREY_RUST = Outfit(shirt=(150, 150, 155), trousers=(160, 80, 50), shoes=(35, 35, 40), skin=(140, 95, 70))


def _room(wall: tuple[int, int, int], wall_style: str, floor: tuple[int, int, int], floor_style: str) -> dict:
    return {"wall_rgb": wall, "wall_style": wall_style, "floor_rgb": floor, "floor_style": floor_style}


# Rooms (floor luminance in the comment).
MINT_WALNUT = _room((190, 215, 200), "plain", (105, 78, 58), "planks")  # 83
WARM_GREY = _room((210, 200, 185), "gradient", (175, 170, 160), "plain")  # 170
PALE_OAK = _room((225, 220, 205), "plain", (185, 150, 105), "planks")  # 155
BLUE_TILE = _room((120, 150, 185), "gradient", (200, 195, 185), "plain")  # 196

GB, LL, HS = "glute-bridge", "leg-lifts", "hamstring-stretch"

VARIANT_CLIPS: tuple[ClipSpec, ...] = (
    ClipSpec(
        f"{GB}__supine-bridge__good",
        GB,
        "supine-bridge",
        "lying on the back, knees bent, feet flat, arms by the sides; 6 bridges: hips up in 1.5 s until "
        "shoulders-hips-knees line up (hip ~174), 5.5 s hold at the top, down in 2 s; good form",
        ("both",),
        reps=6,
        facing="right",
        seed=41,
        outfit=COBALT_SAND,
        camera_distance=2.6,
        camera_height=0.95,
        lead_in_s=2.5,
        **MINT_WALNUT,
    ),
    ClipSpec(
        f"{GB}__supine-bridge__faults",
        GB,
        "supine-bridge",
        "5 bridges, feet on the left: 1 good; 2 tops out with the hips low (hip ~153); 3 pushes past the "
        "line, back arched (hip ~200); 4 held only 1.5 s at the top; 5 good",
        ("both",),
        reps=5,
        faults=(Fault("hips_low", rep=1), Fault("back_arched", rep=2), Fault("hold_too_short", rep=3)),
        facing="left",
        seed=42,
        outfit=CORAL_SLATE,
        camera_distance=2.7,
        camera_height=1.05,
        lead_in_s=2.5,
        **WARM_GREY,
    ),
    ClipSpec(
        f"{GB}__supine-bridge-quick__good",
        GB,
        "supine-bridge-quick",
        "lying on the back, knees bent, feet flat; 8 quick bridges: hips up in 1.1 s to a straight line, "
        "0.7 s squeeze, down in 1.3 s, 0.8 s at rest; good form",
        ("both",),
        reps=8,
        facing="left",
        seed=51,
        outfit=GREY_RUST,
        camera_distance=2.6,
        camera_height=1.0,
        lead_in_s=2.5,
        **BLUE_TILE,
    ),
    ClipSpec(
        f"{GB}__supine-bridge__faults-three-quarter",
        GB,
        "supine-bridge",
        "three-quarter view, feet on the right; 4 bridges: 1 good; 2 held only 1.5 s at the top; 3 tops out "
        "with the hips low (hip ~153); 4 good",
        ("both",),
        reps=4,
        faults=(Fault("hold_too_short", rep=1), Fault("hips_low", rep=2)),
        facing="right",
        view="three-quarter",
        seed=50,
        outfit=PLUM_KHAKI,
        camera_distance=2.8,
        camera_height=1.15,
        lead_in_s=2.5,
        **BLUE_TILE,
    ),
    # --- leg lifts -----------------------------------------------------------------------------------
    ClipSpec(
        f"{LL}__supine-straight-leg__good-right-left",
        LL,
        "supine-straight-leg",
        "lying on the back, one knee bent with the foot flat; the other leg straight (knee ~176) lifted to "
        "hip ~105 and lowered in 2.5 s: 4 reps right, then 3 reps left; good form",
        ("right", "left"),
        block_reps=(4, 3),
        facing="right",
        seed=43,
        outfit=LIME_NAVY,
        camera_distance=2.5,
        camera_height=1.0,
        lead_in_s=2.5,
        **PALE_OAK,
    ),
    ClipSpec(
        f"{LL}__supine-double-leg__good",
        LL,
        "supine-double-leg",
        "lying on the back, both legs straight lifted together from the floor (hip ~170) to hip ~105 and "
        "lowered in 2.6 s, 5 reps (counted as both); good form",
        ("both",),
        reps=5,
        facing="left",
        seed=44,
        outfit=GREY_RUST,
        camera_distance=2.6,
        camera_height=1.05,
        lead_in_s=2.5,
        **BLUE_TILE,
    ),
    ClipSpec(
        f"{LL}__standing-knee-drive__good-alternating",
        LL,
        "standing-knee-drive",
        "standing, drives one knee up to a horizontal thigh (hip ~95, knee ~86) and lowers it, alternating "
        "left, right, ... 8 reps (4 per leg), the opposite arm swinging; good form",
        ("left", "right") * 4,
        reps=1,
        block_gap_s=0.3,
        facing="right",
        seed=45,
        outfit=PLUM_KHAKI,
        camera_distance=3.0,
        lead_in_s=2.0,
        **BLUE_TILE,
    ),
    ClipSpec(
        f"{LL}__standing-side-raise__good-alternating",
        LL,
        "standing-side-raise",
        "front view, standing facing the camera; raises one leg straight out to the side (abduction ~42, "
        "knee ~178) in 1 s, 0.4 s at the top, down in 1 s, 1 s at rest; alternating right, left, ... 6 reps "
        "(3 per leg), trunk upright (torso_incl < 3); good form",
        ("right", "left") * 3,
        reps=1,
        block_gap_s=0.2,
        view="front",
        seed=52,
        outfit=COBALT_SAND,
        camera_distance=3.0,
        camera_height=1.0,
        lead_in_s=2.5,
        **MINT_WALNUT,
    ),
    # --- hamstring stretch ---------------------------------------------------------------------------
    ClipSpec(
        f"{HS}__supine-straight-leg__good-right-left",
        HS,
        "supine-straight-leg",
        "lying on the back, the right leg raised straight (hip ~96, knee ~175), both hands behind the thigh, "
        "the left leg flat: 30 s hold; then the left leg, 20 s hold; good form",
        ("right", "left"),
        holds_s=(30.5, 20.0),
        facing="left",
        seed=46,
        outfit=COBALT_SAND,
        camera_distance=2.6,
        camera_height=1.05,
        lead_in_s=2.5,
        **WARM_GREY,
    ),
    ClipSpec(
        f"{HS}__seated-reach__good",
        HS,
        "seated-reach",
        "sitting on the floor, legs straight out in front (knees ~175), folds forward reaching along the "
        "shins (trunk ~61° from vertical) and holds 30.5 s; good form",
        ("both",),
        hold_s=30.5,
        facing="right",
        seed=47,
        outfit=CORAL_SLATE,
        camera_distance=2.7,
        camera_height=1.0,
        lead_in_s=2.5,
        **PALE_OAK,
    ),
    ClipSpec(
        f"{HS}__supine-knee-hugs__good-alternating",
        HS,
        "supine-knee-hugs",
        "lying on the back, legs straight; alternately hugs one knee to the chest (hip ~54, knee ~62) and "
        "lets it go, ~1 s up and 1 s down: left, right, ... 10 reps (5 per leg); good form",
        ("left", "right") * 5,
        reps=1,
        block_gap_s=0.1,
        facing="right",
        seed=48,
        outfit=GREY_RUST,
        camera_distance=2.5,
        camera_height=1.0,
        lead_in_s=2.5,
        **MINT_WALNUT,
    ),
    ClipSpec(
        f"{HS}__standing-toe-reach__good-deep-fold",
        HS,
        "standing-toe-reach",
        "a deep toe reach: trunk ~150° from vertical, head towards the shins, fingers near the floor, knees "
        "soft (~160); 25 s hold; good form",
        ("both",),
        hold_s=25.0,
        pose_opts=(("bend", 112.0), ("spine", 50.0), ("hand_up", 0.0), ("neck_flex", 20.0)),
        facing="left",
        seed=49,
        outfit=LIME_NAVY,
        camera_distance=3.0,
        lead_in_s=2.0,
        **PALE_OAK,
    ),
)
