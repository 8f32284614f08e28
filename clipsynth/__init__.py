"""Deterministic synthetic exercise clips with exact ground truth, for testing the form checker.

A shaded 3D mannequin (capsules and ellipsoids, a real face photo on the head) is posed by forward
kinematics, ray-cast in numpy and encoded to H.264; the truth sidecar comes from the same script that
animates it, never from a detector.

Modules, in pipeline order:
- `body`: proportions, the per-frame `Posture` (joint angles + root placement), forward kinematics;
- `mannequin`: solid primitives on the skeleton, outfit colours, placing the body on the floor;
- `solve`: contact and reach solvers (flat feet, a knee and a foot both on the floor, hands on a target);
- `postures`: the base postures (standing, walking, half-kneeling, supine, side-lying, forward bend,
  split stance, standing leg lift);
- `exercises`: each exercise variant's rest/target postures, faults, timings and thresholds;
- `spec`, `catalogue`, `heldout`: the data describing a clip, the sample clip set, and a held-out set
  that no analysis code was tuned on;
- `timeline`, `script`: keyframes with easing, and the script built from a spec;
- `texture`, `raycast`, `render`: face and floor/wall textures, ray/primitive hits, camera and shading;
- `truth`: hip/knee/torso angles, holds, faults and rep counts for the sidecar;
- `video`, `clip`: noise/blur/H.264 output and the end-to-end `render_clip`.

"facing" in a sidecar: for standing and kneeling clips, the direction the person's toes point in the
image; for lying clips, the side of the image the feet are on. "side" always names the person's own
anatomical left/right.

Rendering needs the `synth` extra (scikit-image for the face photo, imageio-ffmpeg for H.264).
"""

from .catalogue import CLIPS, by_name
from .clip import render_clip
from .heldout import HELDOUT
from .spec import ClipSpec, Fault

__all__ = ["CLIPS", "HELDOUT", "ClipSpec", "Fault", "by_name", "render_clip"]
