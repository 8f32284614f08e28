"""The leg identity stage on its own: continuity, repairs and the side vote, frame by frame."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.engine.legs import MERGE_S, LegObservation, LegStatus, LegTracker

FPS = 30.0


def obs(label: str, knee: tuple[float, float], ankle: tuple[float, float], hip: float = 150.0, **kw) -> LegObservation:  # type: ignore[no-untyped-def]
    return LegObservation(
        label=label,
        knee=np.array(knee, float),
        ankle=np.array(ankle, float),
        usable=kw.get("usable", True),
        confidence=kw.get("confidence", 0.9),
        values={"hip": hip},
    )


# Supine side view in torso lengths from the hips: the resting leg's knee up and forward, the lifted one higher.
REST = ((0.7, -0.4), (1.4, 0.0))
LIFTED = ((0.1, -0.9), (0.8, -1.1))


def run(tracker: LegTracker, frames: list[list[LegObservation]], t0: float = 0.0):  # type: ignore[no-untyped-def]
    out = []
    for i, o in enumerate(frames):
        out.append(tracker.update(t0 + i / FPS, o))
    return out


def test_legs_apart_keep_their_tracks_and_sides():
    tr = LegTracker()
    res = run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    last = res[-1]
    assert [lg.status for lg in last] == [LegStatus.SEEN, LegStatus.SEEN]
    assert [lg.side for lg in last] == ["left", "right"]
    assert last[1].observation is not None and last[1].observation.values["hip"] == 90


def test_a_label_swap_does_not_rename_a_leg():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 60)
    # MediaPipe swaps the labels (not the positions) for 6 frames: the tracks follow the positions.
    swapped = run(tr, [[obs("left", *LIFTED, hip=90), obs("right", *REST)]] * 6, t0=2.0)
    for frame in swapped:
        rest_leg = next(lg for lg in frame if lg.observation is not None and lg.observation.values["hip"] == 150)
        assert rest_leg.track == 0 and rest_leg.side == "left"


def test_a_collapsed_leg_goes_to_the_track_already_there():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    # Both observations drawn on the lifted leg: only the lifted track takes it.
    frame = tr.update(1.0 + 1 / FPS, [obs("left", *LIFTED, hip=91), obs("right", *LIFTED, hip=90)])
    assert frame[1].status is LegStatus.SEEN
    assert frame[0].status is LegStatus.UNSEEN


def test_a_phantom_beside_the_visible_leg_is_not_taken_for_the_other_leg():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    near = ((0.3, -0.9), (1.0, -1.1))  # 0.2 torso lengths beside the lifted leg: not a duplicate
    frame = tr.update(1.0 + 1 / FPS, [obs("left", *near, hip=95), obs("right", *LIFTED, hip=90)])
    assert frame[0].status is LegStatus.UNSEEN  # the resting leg cannot have jumped up there
    assert frame[1].status is LegStatus.SEEN


def test_both_legs_jumping_in_one_frame_is_a_glitch():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    far = ((-0.8, 0.6), (-1.2, 1.3))
    frame = tr.update(1.0 + 1 / FPS, [obs("left", *far), obs("right", (-0.6, 0.9), (-1.0, 1.6))])
    assert [lg.status for lg in frame] == [LegStatus.UNSEEN, LegStatus.UNSEEN]
    # and the tracks are where they were: the next normal frame continues
    frame = tr.update(1.0 + 2 / FPS, [obs("left", *REST), obs("right", *LIFTED, hip=90)])
    assert [lg.side for lg in frame] == ["left", "right"]


def test_an_angle_leaping_faster_than_a_leg_moves_is_unseen():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    frame = tr.update(30 / FPS, [obs("left", *REST), obs("right", *LIFTED, hip=170)])  # 80 deg in 33 ms
    assert frame[1].status is LegStatus.UNSEEN and frame[0].status is LegStatus.SEEN


def test_a_leg_hidden_beside_the_other_is_merged_and_one_lost_far_away_is_not():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", (0.75, -0.45), (1.45, -0.05))]] * 30)
    hidden = [[obs("left", *REST), obs("right", *REST, usable=False)]] * int(MERGE_S * FPS + 3)
    frames = run(tr, hidden, t0=1.0)
    assert frames[0][1].status is LegStatus.UNSEEN  # not yet: a leg can vanish for a frame
    assert frames[-1][1].status is LegStatus.MERGED  # hidden behind the resting leg
    tr2 = LegTracker()
    run(tr2, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    frames = run(tr2, [[obs("left", *REST), obs("right", *LIFTED, usable=False)]] * 20, t0=1.0)
    assert frames[-1][1].status is LegStatus.UNSEEN  # lost at the top of a lift: not beside the other leg


def test_labels_of_legs_that_overlap_count_for_little():
    tr = LegTracker()
    # Legs drawn almost on top of each other with their labels the wrong way round...
    run(tr, [[obs("left", *REST), obs("right", (0.72, -0.41), (1.42, 0.0))]] * 60)
    run(tr, [[obs("right", *REST), obs("left", (0.72, -0.41), (1.42, 0.0))]] * 60, t0=2.0)
    # ... then apart, labelled right, for one second: the clear evidence wins.
    res = run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30, t0=4.0)
    assert [lg.side for lg in res[-1]] == ["left", "right"]


def test_after_the_legs_coincide_fresh_evidence_decides_the_sides():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 240)  # 8 s: track 0 is clearly left
    run(tr, [[obs("left", *REST), obs("right", *REST)]] * 30, t0=8.0)  # 1 s drawn in one place
    # They come apart with track 0 on the leg now labelled right (the legs could have parted either way).
    res = run(tr, [[obs("right", *REST), obs("left", *LIFTED, hip=90)]] * 45, t0=9.0)
    assert res[-1][0].side == "right" and res[-1][1].side == "left"


def test_reset_forgets_everything():
    tr = LegTracker()
    run(tr, [[obs("left", *REST), obs("right", *LIFTED, hip=90)]] * 30)
    tr.reset()
    frame = tr.update(5.0, [obs("left", *LIFTED, hip=90), obs("right", *REST)])
    assert frame[0].observation is not None and frame[0].observation.label == "left"


@pytest.mark.parametrize("usable", [(False, False), (False, True)])
def test_unusable_observations_are_unseen(usable):
    tr = LegTracker()
    frame = tr.update(0.0, [obs("left", *REST, usable=usable[0]), obs("right", *LIFTED, usable=usable[1])])
    seen = [lg.status is LegStatus.SEEN for lg in frame]
    assert sum(seen) == sum(usable)


def test_legs_crossing_keep_their_tracks_when_the_moving_one_is_lost_at_the_crossing():
    # One leg hugged in as the other is let go (alternating knee hugs): they cross in the picture. At the
    # crossing MediaPipe loses the leg going in for a few frames and freezes the other where they meet; when
    # both show again, each is nearer where the *other* was last seen, but where each was heading says which.
    out_knee, in_knee = np.array((0.6, -0.5)), np.array((-0.5, -0.6))

    def at(start: np.ndarray, end: np.ndarray, f: float) -> tuple[tuple[float, float], tuple[float, float]]:
        knee = start + (end - start) * f
        return (float(knee[0]), float(knee[1])), (float(knee[0]) + 0.75, float(knee[1]) + 0.05)

    tr = LegTracker()
    run(tr, [[obs("left", *at(in_knee, out_knee, 0)), obs("right", *at(out_knee, in_knee, 0))]] * 30)
    frames, n = [], 30
    for i in range(n + 1):
        f = i / n
        going_out = at(in_knee, out_knee, 0.45 if 0.45 <= f < 0.6 else f)  # frozen at the crossing a moment
        going_in = obs("right", *at(out_knee, in_knee, f), usable=not 0.4 < f < 0.59)
        frames.append([obs("left", *going_out, hip=60 + 100 * f), going_in])
    res = run(tr, frames, t0=1.0)
    for frame in res[-5:]:
        left = next(lg for lg in frame if lg.observation is not None and lg.observation.label == "left")
        assert left.track == 0 and left.side == "left"
