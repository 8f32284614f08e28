"""The data that describes one synthetic clip: what is performed, by whom, where and how it is filmed.
Both the frames and the truth sidecar are generated from a `ClipSpec`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .mannequin import Outfit


@dataclass(frozen=True)
class Fault:
    """A scripted form fault. `set_index` picks the side block (0 = first side in `ClipSpec.sides`);
    rep variants use `rep` (0-based rep in that block); hold variants start it `at_s` into the hold and
    keep it `dur_s` seconds (plus ~1 s easing in and out)."""

    code: str
    set_index: int = 0
    rep: int = 0
    at_s: float = 4.0
    dur_s: float = 4.0


@dataclass(frozen=True)
class CameraCut:
    """From `start_s` to `end_s` (script time, seconds) the clip is filmed from another camera: `position`
    and `target` in metres, relative to the exercise spot (x along the floor, y up, z towards the main
    camera). The cut is abrupt both ways (`end_s` = None: until the end of the clip)."""

    start_s: float
    end_s: float | None
    position: tuple[float, float, float]
    target: tuple[float, float, float]
    kind: str = "jump"  # "jump": same exercise from elsewhere; "close-up": a tight framing of a body part


@dataclass(frozen=True)
class Exercise:
    """An exercise block: the variant's own rep or hold script, side block after side block (as a single
    clip with `sides`, `reps`/`block_reps`, `hold_s`/`holds_s`, `block_gap_s` between side blocks)."""

    exercise: str
    variant: str
    sides: tuple[str, ...]
    reps: int = 3
    hold_s: float = 15.0
    block_reps: tuple[int, ...] | None = None
    holds_s: tuple[float, ...] | None = None
    gap_s: float = 2.0
    t_up_s: float | None = None
    pose_opts: tuple[tuple[str, float], ...] = ()
    faults: tuple[Fault, ...] = ()


# Transition kinds and what the person does. Rests need `seconds`; for the moves `seconds` is optional
# (see `Transition`).
TRANSITIONS: dict[str, str] = {
    "rest-standing": "stands still",
    "rest-lying": "lies still on the back, knees bent, feet flat",
    "rest-lying-flat": "lies still on the back, legs long on the floor",
    "walk-in": "walks in from outside the frame (from behind the person's back) to the exercise spot",
    "walk-out": "walks out of the frame the way the toes point",
    "walk-out-and-back": "walks out of the frame the way the toes point, turns, comes back to the spot",
    "lie-down": "from standing: squats, sits on the floor with the hands behind, lies back (knees bent)",
    "get-up": "from lying: sits up onto the hands, rocks forward into a squat, stands up",
}
REST_KINDS = ("rest-standing", "rest-lying", "rest-lying-flat")


@dataclass(frozen=True)
class Transition:
    """A step between exercises. `seconds`: for a rest, how long it lasts (required); for `walk-in`, how
    long the frame is empty first; for `walk-out`, how long it stays empty after; for `walk-out-and-back`,
    how long the person is out of the frame; for `lie-down`/`get-up`, the whole movement's duration
    (default 4.4 s)."""

    kind: str
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in TRANSITIONS:
            raise ValueError(f"transition {self.kind!r} not in {sorted(TRANSITIONS)}")
        if self.kind in REST_KINDS and not self.seconds:
            raise ValueError(f"{self.kind} needs seconds")


RoutineStep = Union[Exercise, Transition]


@dataclass(frozen=True)
class ClipSpec:
    name: str  # file stem: <exercise>__<variant>__<what>
    exercise: str | None  # None (and variant None): a negative clip, `activity` names what happens
    variant: str | None
    description: str
    sides: tuple[str, ...]  # working leg / stretched side per block, in order ("both" for toe reach)
    reps: int = 3  # per side, rep variants
    hold_s: float = 15.0  # per hold (hold variants)
    faults: tuple[Fault, ...] = ()
    facing: str = "right"  # standing/kneeling: where the toes point; lying: the side the feet are on
    view: str = "side"  # side | three-quarter | front
    fps: float = 30.0
    width: int = 640
    height: int = 480
    seed: int = 7
    body_height: float = 1.72
    outfit: Outfit = field(default_factory=Outfit)
    wall_rgb: tuple[int, int, int] = (200, 196, 186)
    wall_style: str = "plain"
    floor_rgb: tuple[int, int, int] = (150, 120, 90)
    floor_style: str = "plain"
    camera_distance: float = 3.2  # metres from the exercise spot (the camera looks along -z)
    camera_height: float = 1.0
    head_turn: float = 35.0  # degrees the head turns towards the camera in side views
    lead_in_s: float = 3.0  # resting before the first movement
    tail_s: float = 2.0
    walk_in: bool = False  # frame empty at first, then the person walks in
    walk_out_after_s: float | None = None  # leave the frame this far into the first hold, then return
    noise_sigma: float = 2.0  # Gaussian sensor noise, grey levels
    blur_sigma: float = 0.6  # pixels; softens ray-cast edges like a real lens
    crf: int = 26
    # --- added with the glute bridge and the later variants; the defaults keep older clips unchanged ---
    holds_s: tuple[float, ...] | None = None  # per side block, overrides hold_s (e.g. 30 s right, 20 s left)
    block_reps: tuple[int, ...] | None = None  # per side block, overrides reps (e.g. 4 right then 3 left)
    block_gap_s: float = 2.0  # rest between side blocks (alternating reps use a short one)
    t_up_s: float | None = None  # overrides the variant's lift time (a fast swing)
    pose_opts: tuple[tuple[str, float], ...] = ()  # posture knobs read by the variant (e.g. a deeper fold)
    activity: str | None = None  # negative clips: the scripted activity (see `negatives`)
    # --- filming conditions (the `conditions` list of the sidecar) ---
    conditions: tuple[str, ...] = ()
    hfov_deg: float | None = None  # None: a phone's 62° landscape field of view
    title_card: str | None = None  # text of a plain card shown `card_s` before the clip (no person)
    outro_card: str | None = None  # ... and after it
    card_s: float = 2.5
    camera_cuts: tuple[CameraCut, ...] = ()
    shake: float = 0.0  # hand-held jitter: smooth random translation, fraction of the frame size
    shake_rot_deg: float = 0.0  # ... and rotation
    display_rotation: int = 0  # pixels stored rotated by this (90/270) with a display-rotation tag
    motion_blur: int = 0  # > 1: sub-frames averaged over the exposure while the body moves
    shutter: float = 1.0  # exposure as a fraction of the frame interval (motion blur)
    rock_deg: float = 0.0  # hold variants: the hips rock forward/back by this much during the hold
    rock_period_s: float = 2.0
    # rep variants: hold every rep at the top this long, scripted and reported as a hold in the truth even
    # where the variant times none (None: the variant's own pause at the top)
    top_hold_s: float | None = None
    # --- a whole routine in one take (`routine`): exercise blocks and transitions; exercise, variant and
    # sides stay unset (each block names its own) ---
    routine: tuple[RoutineStep, ...] = ()

    @property
    def clip_file(self) -> str:
        return f"{self.name}.mp4"

    def reps_for(self, block: int) -> int:
        """Reps of side block `block`."""
        return self.block_reps[block] if self.block_reps is not None else self.reps

    def scripted_reps(self, side: str) -> int:
        """Reps the script performs with `side` over the whole clip."""
        return sum(self.reps_for(i) for i, s in enumerate(self.sides) if s == side)

    def hold_for(self, block: int) -> float:
        """Hold duration of side block `block`."""
        return self.holds_s[block] if self.holds_s is not None else self.hold_s
