"""Pure geometry on image-plane (pixel) and world (metre) points. No state, no MediaPipe.

Image coordinates have x to the right and y *down*. Angle conventions (shared with the sample clips' truth):

- hip angle: trunk line (hip -> shoulder) to thigh (hip -> knee), measured on the body's front side.
  180 = thigh in line with the trunk, 90 = thigh at right angles in front, >180 = hip extension.
- knee angle: thigh to shank measured behind the knee. 180 = straight, 90 = right angle.
- torso inclination: trunk line from straight up, 0 = upright, 90 = lying.

Front/back is only knowable with the body's *chirality* in the image: ``+1`` when the front of the body is
90 degrees clockwise (on screen) from the trunk's head direction: standing, the person faces image-right
and the camera sees their right side; lying on the back, the head is on the image-left. ``-1`` is the
mirror image. Chirality is invariant to in-plane rotation, so it holds across postures.
Without it, angles fall back to unsigned values in [0, 180].
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Points and vectors are plain float sequences (tuples, or numpy rows): the per-frame stages convert a frame's
# landmarks to Python floats once, because numpy's per-call overhead on two or three numbers is many times the
# arithmetic. The operations are the same IEEE ones in the same order, so the values are the same.
Vec = Sequence[float]


def sub(a: Vec, b: Vec) -> tuple[float, ...]:
    """``a - b``, componentwise (2D or 3D)."""
    if len(a) == 2:
        return a[0] - b[0], a[1] - b[1]
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def dot(a: Vec, b: Vec) -> float:
    """The dot product of two 2D or 3D vectors."""
    if len(a) == 2:
        return a[0] * b[0] + a[1] * b[1]
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def signed_angle(a: Vec, b: Vec) -> float:
    """Angle in degrees from 2D vector ``a`` to ``b`` in image coordinates, in (-180, 180]."""
    cross = a[0] * b[1] - a[1] * b[0]
    dot2 = a[0] * b[0] + a[1] * b[1]
    return math.degrees(math.atan2(cross, dot2))


def norm(v: Vec) -> float:
    """Length of a 2D or 3D vector."""
    return math.hypot(*v)


def unsigned_angle(a: Vec, b: Vec) -> float:
    """Angle in degrees between two vectors of any dimension, in [0, 180]."""
    na = norm(a)
    nb = norm(b)
    if na == 0.0 or nb == 0.0:
        return math.nan
    c = dot(a, b) / (na * nb)
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def joint_angle(proximal: Vec, joint: Vec, distal: Vec) -> float:
    """Unsigned interior angle at ``joint`` (2D or 3D), 180 = the three points in a line."""
    return unsigned_angle(sub(proximal, joint), sub(distal, joint))


def hip_angle(trunk_up: Vec, hip: Vec, knee: Vec, chirality: int | None) -> float:
    """Hip angle (see module doc). ``trunk_up`` is the direction hip -> shoulder."""
    thigh = (knee[0] - hip[0], knee[1] - hip[1])
    if not chirality:
        return unsigned_angle(trunk_up, thigh)
    # Flexion: rotation of the thigh from "straight down the trunk line" towards the front.
    flexion = -chirality * signed_angle((-trunk_up[0], -trunk_up[1]), thigh)
    return 180.0 - flexion


def knee_angle(hip: Vec, knee: Vec, ankle: Vec, chirality: int | None) -> float:
    """Knee angle (see module doc); values above 180 mean hyperextension."""
    thigh = (knee[0] - hip[0], knee[1] - hip[1])
    shank = (ankle[0] - knee[0], ankle[1] - knee[1])
    if not chirality:
        return 180.0 - unsigned_angle(thigh, shank)
    # Knee flexion turns the shank backwards relative to the thigh: the opposite sense to hip flexion.
    flexion = chirality * signed_angle(thigh, shank)
    return (180.0 - flexion) % 360.0


def inclination(vec_up: Vec) -> float:
    """Angle of an image-plane vector from straight up, in [0, 180] degrees."""
    return unsigned_angle(vec_up, (0.0, -1.0))


def anterior(trunk_up: Vec, chirality: int) -> tuple[float, float]:
    """Unit vector pointing out of the body's front, in the image plane."""
    nx, ny = -trunk_up[1] * chirality, trunk_up[0] * chirality
    length = math.hypot(nx, ny)
    return (nx / length, ny / length) if length else (nx, ny)


def chirality_evidence(trunk_up: Vec, nose: Vec, ear_mid: Vec) -> float:
    """How strongly the face points to one side of the trunk, in [-1, 1] (the sign of the chirality).

    The nose is in front of the ears: its offset along the trunk's normal says which way the front is.
    Normalised by the nose-ear distance so a frontal face (nose between the ears) gives about 0.
    """
    offset = (nose[0] - ear_mid[0], nose[1] - ear_mid[1])
    dist = math.hypot(*offset)
    if dist == 0.0:
        return 0.0
    if not math.isfinite(dist):
        return math.nan  # a broken landmark: no evidence (inf / inf would warn on the way to the same NaN)
    front_if_positive = anterior(trunk_up, 1)
    return clamp(dot(offset, front_if_positive) / dist, -1.0, 1.0)


def clamp(x: float, lo: float, hi: float) -> float:
    """``x`` limited to [lo, hi]; NaN stays NaN."""
    return lo if x < lo else hi if x > hi else x


def seg_len(a: Vec, b: Vec) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])
