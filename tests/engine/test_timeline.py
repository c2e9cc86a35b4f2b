"""Stepping back: every past phase comes back bit for bit, by checkpoints and replay."""

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.timeline import Timeline
from tests.engine.helpers import assert_same_snapshot, scenario, snapshot


def shuffled(epochs=4, batch_size=3):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(10, 3)).round(3)
    T = rng.normal(size=(10, 2)).round(3)
    return scenario([3, 4, 2], ["tanh", "identity"], X.tolist(), T.tolist(), seed=3,
                    batch_size=batch_size, epochs=epochs, shuffle=True, learning_rate=0.1)


def record_forward(timeline: Timeline, phases: int) -> list[dict]:
    """Snapshots at positions 0..phases, stepping forward one phase at a time."""
    shots = [snapshot(timeline.session)]
    for _ in range(phases):
        timeline.step()
        shots.append(snapshot(timeline.session))
    return shots


@pytest.mark.parametrize("budget", [10**9, 1])  # roomy, and so tight that checkpoints thin out
def test_forward_back_forward_is_bit_identical_at_every_phase(budget):
    timeline = Timeline(TrainingSession(shuffled()), budget=budget)
    total = 3 * timeline.per_update * timeline.session.schedule.batches_per_epoch  # three epochs
    forward = record_forward(timeline, total)
    for position in range(total, -1, -1):  # back one phase at a time, to the start
        assert timeline.position == position
        assert_same_snapshot(snapshot(timeline.session), forward[position])
        if position:
            assert timeline.back()
    assert not timeline.back()  # nothing before the start
    for position in range(1, total + 1):  # and forward again, redoing
        assert timeline.redo()
        assert_same_snapshot(snapshot(timeline.session), forward[position])
    assert not timeline.redo()  # nothing to redo at the frontier


def test_jumps_in_any_order_land_on_the_same_states():
    timeline = Timeline(TrainingSession(shuffled(epochs=6)), budget=1)
    end = timeline.end
    forward = record_forward(timeline, end)
    rng = np.random.default_rng(0)
    for position in rng.integers(0, end + 1, size=60).tolist() + [0, end, end // 2]:
        timeline.goto(position)
        assert timeline.position == position
        assert_same_snapshot(snapshot(timeline.session), forward[position])


def test_goto_update_and_epoch():
    session = TrainingSession(shuffled(epochs=5))
    timeline = Timeline(session)
    timeline.goto_epoch(3)
    per_epoch = session.schedule.batches_per_epoch
    assert session.updates_done == 3 * per_epoch and session.phases_done == 0
    assert len(session.state.epoch_loss) == 3
    reference = TrainingSession(shuffled(epochs=5))
    reference.run_updates(3 * per_epoch)
    assert_same_snapshot(snapshot(session), snapshot(reference))
    timeline.goto_update(2)
    assert session.updates_done == 2 and session.applied is not None and session.applied.batch == 2
    timeline.goto_update(10**6)
    assert session.finished


def test_reset_forgets_the_past():
    timeline = Timeline(TrainingSession(load_scenario("seed")))
    timeline.run_updates(3)
    timeline.reset()
    assert timeline.position == 0 and timeline.frontier == 0 and not timeline.redo()


def test_checkpoints_stay_within_the_budget_on_a_long_run():
    session = TrainingSession(shuffled(epochs=400, batch_size=1))
    one = sum(a.nbytes for a in session.W[1:] + session.b[1:])
    timeline = Timeline(session, budget=40 * one)
    timeline.run_updates(4000)
    assert timeline.max_sparse == 40 - 8
    assert len(timeline._sparse) <= timeline.max_sparse
    keys = timeline._sparse_keys
    gaps = np.diff(keys)
    assert gaps.max() <= 3 * 4000 / timeline.max_sparse  # spread evenly: too few to spend near the user
    assert timeline.memory_bytes() <= (timeline.max_sparse + 8) * one + session.history_bytes
