"""Which samples make up each batch of each epoch (contract section 3).

Without shuffling, batches are consecutive slices in file order and the last
batch of an epoch may be smaller; with shuffling, each epoch is a seeded
permutation (deterministic per seed, different between seeds and epochs,
covering every sample exactly once).  The counters a UI shows (epoch, batch,
updates done) and the per-epoch loss follow the schedule.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import TrainingSession
from bp_tui.engine.schedule import Schedule
from tests.engine.helpers import scenario


def ten_samples(batch_size=4, epochs=3, shuffle=False, seed=None) -> TrainingSession:
    """10 samples whose single input is their row number, so batches are readable."""
    inputs = np.arange(10, dtype=float).reshape(10, 1)
    targets = 2.0 * inputs + 1.0
    sc = scenario((1, 1), ("identity",), inputs, targets, weights=[[[0.5]]], learning_rate=0.001,
                  batch_size=batch_size, epochs=epochs, shuffle=shuffle, seed=seed)
    return TrainingSession(sc)


def batches(session: TrainingSession):
    """(epoch, batch, sample indices, input column, updates done before) of every update."""
    out = []
    while not session.finished:
        state = session.state
        cur = state.current
        out.append((cur.epoch, cur.batch, cur.sample_indices, cur.node_values[0][:, 0].tolist(), state.updates_done))
        assert (state.epoch, state.batch) == (cur.epoch, cur.batch)
        session.finish_update()
    return out


def test_ten_samples_in_batches_of_four():
    """Sizes 4, 4, 2 in file order, each epoch; counters from 1, batch restarting each epoch."""
    session = ten_samples(batch_size=4, epochs=3)
    state = session.state
    assert (state.batches_per_epoch, state.total_updates, state.samples) == (3, 9, 10)
    seen = batches(session)
    expected_slices = [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9)]
    assert [(e, b, idx) for e, b, idx, _, _ in seen] == [
        (epoch, batch + 1, expected_slices[batch]) for epoch in (1, 2, 3) for batch in range(3)
    ]
    assert [len(idx) for _, _, idx, _, _ in seen] == [4, 4, 2] * 3
    assert [done for *_, done in seen] == list(range(9))
    # The batch's inputs are the rows it names.
    for _, _, idx, column, _ in seen:
        assert column == [float(i) for i in idx]
    assert session.finished and session.state.updates_done == 9


@pytest.mark.parametrize("batch_size,sizes", [(1, [1] * 10), (3, [3, 3, 3, 1]), (5, [5, 5]),
                                              (9, [9, 1]), (10, [10]), (None, [10]), (25, [10])])
def test_batch_sizes(batch_size, sizes):
    """ceil(samples / batch size) batches per epoch; the last one takes what is left."""
    session = ten_samples(batch_size=batch_size, epochs=2)
    assert session.state.batches_per_epoch == len(sizes)
    seen = batches(session)
    assert [len(idx) for _, _, idx, _, _ in seen] == sizes * 2
    assert [i for _, _, idx, _, _ in seen[: len(sizes)] for i in idx] == list(range(10))


def test_epoch_loss_is_the_mean_over_the_epochs_samples():
    """Epoch loss = sum of batch loss x batch size / samples; running loss so far likewise."""
    session = ten_samples(batch_size=4, epochs=2)
    losses, sizes = [], []
    while not session.finished:
        cur = session.state.current
        sizes.append(len(cur.sample_indices))
        session.finish_update()
        losses.append(session.state.applied.batch_loss)
        state = session.state
        if len(losses) % 3 and not state.finished:  # mid-epoch: the running mean of the epoch so far
            k = len(losses) % 3
            expected = sum(l * s for l, s in zip(losses[-k:], sizes[-k:])) / sum(sizes[-k:])
            assert state.epoch_running_loss == pytest.approx(expected, rel=1e-14)
        elif not state.finished:  # a new epoch has seen no samples yet
            assert state.epoch_running_loss is None
    state = session.state
    np.testing.assert_array_equal(state.loss_history, losses)
    for epoch in range(2):
        ls, ss = losses[3 * epoch: 3 * epoch + 3], sizes[3 * epoch: 3 * epoch + 3]
        assert state.epoch_loss[epoch] == pytest.approx(sum(l * s for l, s in zip(ls, ss)) / 10, rel=1e-14)


def epoch_orders(session: TrainingSession) -> list[list[int]]:
    orders: dict[int, list[int]] = {}
    for epoch, _, idx, column, _ in batches(session):
        assert column == [float(i) for i in idx]
        orders.setdefault(epoch, []).extend(idx)
    return [orders[e] for e in sorted(orders)]


def test_shuffle_is_a_fresh_permutation_each_epoch():
    """Each epoch covers every sample exactly once, in a different order."""
    orders = epoch_orders(ten_samples(batch_size=4, epochs=4, shuffle=True, seed=3))
    assert len(orders) == 4
    for order in orders:
        assert sorted(order) == list(range(10))
    assert len({tuple(o) for o in orders}) == 4
    assert all(order != list(range(10)) for order in orders)


def test_shuffle_is_deterministic_per_seed_and_differs_between_seeds():
    a = epoch_orders(ten_samples(batch_size=3, epochs=3, shuffle=True, seed=7))
    b = epoch_orders(ten_samples(batch_size=3, epochs=3, shuffle=True, seed=7))
    c = epoch_orders(ten_samples(batch_size=3, epochs=3, shuffle=True, seed=8))
    assert a == b
    assert a != c
    assert all(x != y for x, y in zip(a, c))


def test_shuffle_false_is_file_order_every_epoch():
    orders = epoch_orders(ten_samples(batch_size=3, epochs=3, shuffle=False, seed=7))
    assert orders == [list(range(10))] * 3


def test_schedule_rebuilds_any_epoch_in_any_order():
    """Asking for updates out of order (e.g. after a reset) gives the same batches."""
    forward = Schedule(10, 4, 5, True, 42)
    in_order = [(e, b, idx.tolist()) for e, b, idx, _ in (forward.at(u) for u in range(15))]
    scrambled = Schedule(10, 4, 5, True, 42)
    rng = np.random.default_rng(0)
    for u in rng.permutation(15).tolist() + [14, 0, 7]:
        e, b, idx, _ = scrambled.at(u)
        assert (e, b, idx.tolist()) == in_order[u]
    assert forward.batches_per_epoch == 3 and forward.total_updates == 15
    assert [forward.samples_before(b) for b in (1, 2, 3)] == [0, 4, 8]


def test_earlier_batches_keep_their_indices():
    """A batch's sample indices do not change when later epochs are drawn."""
    session = ten_samples(batch_size=4, epochs=3, shuffle=True, seed=1)
    first = session.state.current
    indices, inputs = first.sample_indices, np.array(first.node_values[0])
    session.run_updates(5)
    assert first.sample_indices == indices
    np.testing.assert_array_equal(first.node_values[0], inputs)
