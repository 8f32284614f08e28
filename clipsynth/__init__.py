"""Deterministic synthetic exercise clips with exact ground truth, for testing the form checker.

A shaded 3D mannequin (capsules and ellipsoids, a real face photo on the head) is posed by forward
kinematics, ray-cast in numpy and encoded to H.264; the truth sidecar comes from the same script that
animates it, never from a detector.

Modules, in pipeline order:
- `body`: proportions, the per-frame `Posture` (joint angles + root placement), forward kinematics;
- `mannequin`: solid primitives on the skeleton, outfit colours, placing the body on the floor;
- `solve`: contact and reach solvers (flat feet, a knee and a foot both on the floor, hands on a target);
- `postures`: the base postures (standing, walking, half-kneeling, supine, side-lying, forward bend,
  split stance, standing leg lift); `postures_floor`: the glute bridge, supine straight-leg postures
  (raises, holds, knee hugs) and long sitting; `postures_standing`: squat, lunge, sitting on a box
  (negative clips);
- `variant`: the `Variant` record and posture context; `exercises` (the first nine variants) and
  `exercises_more` (glute bridge and the later forms): rest/target postures, faults, timings, thresholds;
- `spec`, `catalogue` (+ `catalogue_variants`), `heldout`, `negatives`, `hard`: the data describing a
  clip, and the clip sets (sample, held-out, negatives with no exercise, hard filming conditions);
- `routine`, `routines`: a whole routine in one take (exercise blocks and transitions: rests, walking
  in and out, lying down, getting up; `postures_transition` has the floor sit and squat they pass
  through), its truth `segments`, and the routine set;
- `timeline`, `script`: keyframes with easing, and the script built from a spec (`negatives` builds the
  scripts of its activities);
- `texture`, `raycast`, `render`: face and floor/wall textures, ray/primitive hits, camera and shading;
- `conditions`: title/outro cards, camera cuts, hand-held shake, motion blur, display-rotation tags;
- `truth`: hip/knee/torso angles, holds, faults and rep counts for the sidecar;
- `video`, `clip`: noise/blur/H.264 output and the end-to-end `render_clip` (and `dry_run`: the truth
  without pixels).

"facing" in a sidecar: for standing and kneeling clips, the direction the person's toes point in the
image; for lying clips, the side of the image the feet are on. "side" always names the person's own
anatomical left/right.

Rendering needs the `synth` extra (scikit-image for the face photo, imageio-ffmpeg for H.264).
"""

from .catalogue import CLIPS, by_name, clip_sets
from .clip import dry_run, render_clip
from .hard import HARD
from .heldout import HELDOUT
from .negatives import NEGATIVES
from .routines import ROUTINES
from .spec import CameraCut, ClipSpec, Exercise, Fault, Transition

__all__ = [
    "CLIPS",
    "HARD",
    "HELDOUT",
    "NEGATIVES",
    "ROUTINES",
    "CameraCut",
    "ClipSpec",
    "Exercise",
    "Fault",
    "Transition",
    "by_name",
    "clip_sets",
    "dry_run",
    "render_clip",
]
