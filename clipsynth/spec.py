"""The data that describes one synthetic clip: what is performed, by whom, where and how it is filmed.
Both the frames and the truth sidecar are generated from a `ClipSpec`."""

from __future__ import annotations

from dataclasses import dataclass, field

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
class ClipSpec:
    name: str  # file stem: <exercise>__<variant>__<what>
    exercise: str
    variant: str
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

    @property
    def clip_file(self) -> str:
        return f"{self.name}.mp4"
