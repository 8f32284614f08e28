import math

import pytest

from formcheck.engine.statemachines import HoldTimer, IntervalTracker, RepCounter, RepState, TransitionWatch


def feed(counter, values, fps=30.0):
    events = []
    for i, v in enumerate(values):
        ev = counter.update(i / fps, v)
        if ev:
            events.append((round(i / fps, 3), ev))
    return events


def test_rep_counts_a_full_cycle_once():
    c = RepCounter(enter=105, exit=122)
    values = [135] * 10 + [100] * 10 + [90] * 10 + [130] * 10
    assert [e for _, e in feed(c, values)] == ["up", "rep"]


def test_jitter_in_the_hysteresis_band_never_counts():
    c = RepCounter(enter=105, exit=122)
    # Oscillating between 104 and 123 every frame: too fast to be confirmed either way.
    values = [135] * 10 + [104, 123] * 30
    assert feed(c, values) == []


def test_video_starting_mid_rep_does_not_count_that_rep():
    c = RepCounter(enter=105, exit=122)
    values = [90] * 10 + [135] * 10
    assert feed(c, values) == []
    assert c.state is RepState.REST


def test_rising_signal_counts_the_other_way_round():
    # A glute bridge: the hip opens past 150 and comes back below 138.
    c = RepCounter(enter=150, exit=138, rising=True)
    values = [125] * 10 + [155] * 10 + [170] * 10 + [128] * 10 + [160] * 10 + [125] * 10
    assert [e for _, e in feed(c, values)] == ["up", "rep", "up", "rep"]


def test_unknown_values_keep_state():
    c = RepCounter(enter=105, exit=122)
    values = [135] * 10 + [90] * 10 + [math.nan] * 20 + [90] * 5 + [135] * 10
    assert [e for _, e in feed(c, values)] == ["up", "rep"]


def run_hold(timer, flags, fps=30.0):
    holds = []
    for i, f in enumerate(flags):
        h = timer.update(i / fps, f)
        if h:
            holds.append(h)
    h = timer.finish()
    if h:
        holds.append(h)
    return holds


def test_hold_bridges_a_short_wobble_and_unknown_frames():
    timer = HoldTimer(grace_s=1.0, confirm_s=0.3, min_hold_s=2.0)
    flags = [False] * 30 + [True] * 150 + [False] * 15 + [None] * 10 + [True] * 150 + [False] * 60
    holds = run_hold(timer, flags)
    assert len(holds) == 1
    assert holds[0].start_s == pytest.approx(1.0)
    assert holds[0].duration_s == pytest.approx((150 + 25 + 150 - 1) / 30, abs=0.05)


def test_hold_breaks_on_a_long_gap_and_drops_blips():
    timer = HoldTimer(grace_s=1.0, confirm_s=0.3, min_hold_s=2.0)
    flags = [True] * 90 + [False] * 60 + [True] * 90 + [False] * 10 + [True] * 20 + [False] * 60
    flags += [True] * 30 + [False] * 60  # a 1 s blip: shorter than min_hold_s
    holds = run_hold(timer, flags)
    assert [round(h.duration_s, 2) for h in holds] == [2.97, 3.97]


def test_a_hold_is_gated_on_position_and_its_ends_on_stillness():
    timer = HoldTimer(confirm_s=0.3)
    # 1 s moving into the range, 10 s rocking (still only at the turning points, every second), 1 s out.
    frames = [(True, False)] * 30
    frames += [(True, i % 30 in (0, 1, 2)) for i in range(300)]
    frames += [(True, False)] * 30 + [(False, False)] * 60
    holds = []
    for i, (in_pos, settled) in enumerate(frames):
        h = timer.update(i / 30, in_pos, settled)
        if h:
            holds.append(h)
    assert len(holds) == 1  # the rocking never ended it
    assert holds[0].start_s == pytest.approx(1.0, abs=0.05)  # from the first still moment, not the way in
    assert holds[0].end_s == pytest.approx(10.0 + 2 / 30, abs=0.05)  # to the last one, not the way out


def test_someone_never_still_is_timed_from_entering_to_leaving():
    timer = HoldTimer(confirm_s=0.3)
    for i in range(300):
        timer.update(i / 30, True, settled=False)
    assert timer.elapsed(299 / 30) == pytest.approx(299 / 30, abs=0.05)
    h = timer.update(10.0 + 1.5, False, settled=False)
    assert h is not None and h.start_s == 0.0 and h.end_s == pytest.approx(299 / 30)


def test_interval_tracker_reports_intervals_not_frames():
    tr = IntervalTracker(min_s=0.5, merge_s=0.75)
    flags = [False] * 30 + [True] * 60 + [False] * 10 + [True] * 30 + [False] * 60 + [True] * 9 + [False] * 60
    out = []
    for i, f in enumerate(flags):
        iv = tr.update(i / 30, f)
        if iv:
            out.append(iv)
    # the 10-frame gap is merged; the 9-frame blip (0.3 s) is too short to be a fault
    assert len(out) == 1
    assert out[0][0] == pytest.approx(1.0) and out[0][1] == pytest.approx((30 + 60 + 10 + 30 - 1) / 30)


@pytest.mark.parametrize(("duration", "expect_speed"), [(0.5, 88.0), (2.0, 22.0)])
def test_transition_speed(duration, expect_speed):
    w = TransitionWatch(from_value=100, to_value=122)
    fps = 100.0
    res = None
    n = int(duration * fps)
    values = [90] * 10 + [90 + 44 * i / n for i in range(n + 1)] + [134] * 10
    for i, v in enumerate(values):
        r = w.update(i / fps, v)
        res = res or r
    assert res is not None
    assert res[2] == pytest.approx(expect_speed, rel=0.05)


def test_the_shortest_hold_is_a_stay_in_position_that_long():
    # 1 s moving into the fold (in position, not still), 2.5 s still, out: 3.5 s in position, 2.5 s held.
    frames = [(True, False)] * 30 + [(True, True)] * 75 + [(False, False)] * 60
    stretch, top = (
        HoldTimer(confirm_s=0.3, min_hold_s=3.0),
        HoldTimer(confirm_s=0.3, min_hold_s=3.0, min_in_position=False),
    )
    got = {}
    for name, timer in (("stretch", stretch), ("top", top)):
        got[name] = [h for i, (p, s) in enumerate(frames) if (h := timer.update(i / 30, p, s))]
    assert [round(h.duration_s, 1) for h in got["stretch"]] == [2.5]  # reported: the still part
    assert got["top"] == []  # a pause at the top of a rep must be still that long
