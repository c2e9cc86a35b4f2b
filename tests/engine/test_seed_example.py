"""The seed example of the contract (scenarios/seed.toml), phase by phase.

Every number here is worked by hand from the slides' example, not taken from
the engine:

    inputs [0, 1], W1 = [[1, 2], [1, 3]], W2 = [[1], [2]], no biases
    hidden z = [0*1 + 1*1, 0*2 + 1*3] = [1, 3], relu -> [1, 3]
    output 1*1 + 3*2 = 7, target 4, error 3, mse loss 9
    loss slope at output 2*3 = 6, identity slope 1
    grad W2 = [1, 3] * 6 * 1 = [[6], [18]]
    hidden loss slopes 6*1*[1, 2] = [6, 12], relu slopes [1, 1]
    grad W1 = [0, 1]^T [6, 12] = [[0, 0], [6, 12]]
    learning rate 0.01: W2 = [[0.94], [1.82]], W1 = [[1, 2], [0.94, 2.88]]

All of these are exact in float64 (1 - 0.01*6 == 0.94 and so on, checked
when the test was written), so the checks use exact equality.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import Phase, TrainingSession, load_scenario
from bp_tui.engine.trace import trace_records
from tests.engine.helpers import SEED_TOML


@pytest.fixture
def session() -> TrainingSession:
    return TrainingSession(load_scenario(SEED_TOML))


def exact(actual, expected) -> None:
    """Bit-exact equality of an engine array with a hand-worked list."""
    actual = np.asarray(actual)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    assert np.array_equal(actual, expected), f"{actual.tolist()} != {expected.tolist()}"


def test_the_float_arithmetic_of_the_hand_worked_update_is_exact():
    """Guard for the exact checks below: the expected numbers are float-exact."""
    assert 1 - 0.01 * 6 == 0.94
    assert 2 - 0.01 * 18 == 1.82
    assert 3 - 0.01 * 12 == 2.88


def test_scenario_as_loaded(session):
    """The file gives the contract's network, data and training settings."""
    state = session.state
    assert state.layers == (2, 2, 1)
    assert state.activations == ("", "relu", "identity")
    assert state.loss == "mse" and state.learning_rate == 0.01 and state.bias is False
    exact(state.weights[1], [[1, 2], [1, 3]])
    exact(state.weights[2], [[1], [2]])
    assert state.biases == (None, None, None)
    assert (state.epochs, state.batches_per_epoch, state.total_updates, state.samples) == (5, 1, 5, 1)


def test_before_the_first_phase(session):
    """Nothing is computed yet: only the input layer has node values."""
    state = session.state
    assert state.last_phase is None
    assert state.next_phase == Phase("forward", 1)
    assert (state.epoch, state.batch, state.updates_done) == (1, 1, 0)
    cur = state.current
    assert cur.sample_indices == (0,)
    exact(cur.node_values[0], [[0, 1]])
    exact(cur.targets, [[4]])
    assert cur.node_values[1] is None and cur.node_values[2] is None
    assert cur.batch_loss is None and cur.sample_loss is None
    assert cur.forward_done == 0
    assert state.applied is None
    assert len(state.loss_history) == 0


def test_forward_layer_1(session):
    """Hidden nodes: z = [1, 3], relu keeps both; layer 2 is still pending."""
    assert session.forward() == Phase("forward", 1)
    state = session.state
    assert state.last_phase == Phase("forward", 1)
    assert state.next_phase == Phase("forward", 2)
    assert (state.epoch, state.batch, state.updates_done) == (1, 1, 0)
    cur = state.current
    exact(cur.pre_activations[1], [[1, 3]])
    exact(cur.node_values[1], [[1, 3]])
    assert cur.node_values[2] is None and cur.pre_activations[2] is None
    assert cur.batch_loss is None
    assert cur.forward_done == 1


def test_forward_layer_2(session):
    """Output 1*1 + 3*2 = 7; error 3; loss 9; backward starts at the last layer."""
    session.forward()
    assert session.forward() == Phase("forward", 2)
    state = session.state
    assert state.last_phase == Phase("forward", 2)
    assert state.next_phase == Phase("backward", 2)
    assert (state.epoch, state.batch, state.updates_done) == (1, 1, 0)
    cur = state.current
    exact(cur.node_values[2], [[7]])
    exact(cur.sample_loss, [9])
    assert cur.batch_loss == 9.0
    assert cur.loss_slopes[2] is None and cur.grad_weights[2] is None


def test_backward_layer_2(session):
    """Loss slope 2*3 = 6, identity slope 1, grad W2 = [1, 3]*6*1 = [[6], [18]]."""
    session.forward()
    session.forward()
    assert session.backward() == Phase("backward", 2)
    state = session.state
    assert state.last_phase == Phase("backward", 2)
    assert state.next_phase == Phase("backward", 1)
    assert state.updates_done == 0
    cur = state.current
    exact(cur.loss_slopes[2], [[6]])
    exact(cur.activation_slopes[2], [[1]])
    exact(cur.grad_weights[2], [[6], [18]])
    assert cur.grad_biases[2] is None
    assert cur.loss_slopes[1] is None and cur.grad_weights[1] is None
    assert cur.backward_done(2) and not cur.backward_done(1)
    # The weights have not moved yet.
    exact(state.weights[2], [[1], [2]])


def test_backward_layer_1(session):
    """Hidden loss slopes 6*1*[1, 2] = [6, 12]; relu slopes 1; grad W1 = [[0, 0], [6, 12]]."""
    for _ in range(3):
        session.step()
    assert session.backward() == Phase("backward", 1)
    state = session.state
    assert state.last_phase == Phase("backward", 1)
    assert state.next_phase == Phase("update")
    assert state.updates_done == 0
    cur = state.current
    exact(cur.loss_slopes[1], [[6, 12]])
    exact(cur.activation_slopes[1], [[1, 1]])
    exact(cur.grad_weights[1], [[0, 0], [6, 12]])
    exact(state.weights[1], [[1, 2], [1, 3]])


def test_update(session):
    """W - 0.01 * gradient, for both layers; the next batch (epoch 2) is pending."""
    for _ in range(4):
        session.step()
    assert session.update() == Phase("update")
    state = session.state
    exact(state.weights[2], [[0.94], [1.82]])
    exact(state.weights[1], [[1, 2], [0.94, 2.88]])
    assert state.last_phase == Phase("update")
    assert state.next_phase == Phase("forward", 1)
    # One sample, batch size 1: every update is a new epoch.
    assert (state.epoch, state.batch, state.updates_done) == (2, 1, 1)
    # The update that was applied, for "w was ... now ...".
    applied = state.applied
    assert (applied.epoch, applied.batch) == (1, 1)
    exact(applied.weights[2], [[1], [2]])
    exact(applied.weights_after[2], [[0.94], [1.82]])
    exact(applied.grad_weights[1], [[0, 0], [6, 12]])
    assert applied.batch_loss == 9.0
    # The new batch is pending again: nothing computed with the new weights.
    assert state.current.node_values[1] is None
    exact(state.current.weights[1], [[1, 2], [0.94, 2.88]])
    # Loss bookkeeping: one batch loss, one finished epoch of one sample.
    exact(state.loss_history, [9])
    exact(state.epoch_loss, [9])


def test_second_update_forward_uses_the_new_weights(session):
    """Epoch 2's forward pass, recomputed by hand from the updated weights."""
    session.finish_update()
    session.forward()
    session.forward()
    cur = session.state.current
    # z1 = [0, 1] @ [[1, 2], [0.94, 2.88]] = [0.94, 2.88]
    exact(cur.node_values[1], [[0.94, 2.88]])
    expected = 0.94 * 0.94 + 2.88 * 1.82
    assert cur.node_values[2][0, 0] == pytest.approx(expected, rel=1e-15)
    assert cur.batch_loss == pytest.approx((expected - 4) ** 2, rel=1e-14)


def test_trace_first_records_match_the_contract(session):
    """The contract's two trace lines for the seed, value for value."""
    records = list(trace_records(session, 1))
    assert records[0] == {"step": 0, "weights": [[[1.0, 2.0], [1.0, 3.0]], [[1.0], [2.0]]], "biases": [[], []]}
    assert records[1] == {
        "step": 1, "epoch": 1, "batch": 1, "loss": 9.0,
        "weights": [[[1.0, 2.0], [0.94, 2.88]], [[0.94], [1.82]]], "biases": [[], []],
        "grad_weights": [[[0.0, 0.0], [6.0, 12.0]], [[6.0], [18.0]]], "grad_biases": [[], []],
    }


def test_training_ends_after_five_updates(session):
    """Five epochs of one batch each: five updates, then finished."""
    session.run_updates(100)
    state = session.state
    assert state.updates_done == 5 and state.finished
    assert state.next_phase is None and state.last_phase == Phase("update")
    assert (state.epoch, state.batch) == (5, 1)
    assert len(state.loss_history) == 5 and len(state.epoch_loss) == 5
    # The loss goes down on this example with this learning rate.
    assert all(np.diff(state.loss_history) < 0)
