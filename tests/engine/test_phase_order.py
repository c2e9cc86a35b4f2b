"""The session's phase order, its refusals, and its conveniences.

One update is forward 1..L, backward L..1, update.  Anything out of turn is
refused with ``PhaseOrderError`` whose message names the phase that comes
next, and a refused call changes nothing (the whole state is compared bit
for bit before and after).  Once the last update is applied training is
finished and every phase is refused.  ``finish_update``, ``run_updates``
(to the schedule's end of an epoch) and ``reset`` are checked against plain ``step`` calls.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import Phase, PhaseOrderError, TrainingSession, load_scenario
from tests.engine.helpers import SEED_TOML, assert_same_snapshot, random_scenario, snapshot


def three_layers(epochs: int = 2) -> TrainingSession:
    """Layers 1..3, 5 samples in batches of 2 (sizes 2, 2, 1): 3 updates per epoch."""
    sc = random_scenario(4, (2, 3, 3, 2), ("tanh", "relu", "identity"), "mse", samples=5,
                         batch_size=2, epochs=epochs, learning_rate=0.1)
    return TrainingSession(sc)


def refused(session: TrainingSession, call, *needles: str) -> str:
    """``call`` raises PhaseOrderError naming ``needles`` and leaves the state untouched."""
    before = snapshot(session)
    with pytest.raises(PhaseOrderError) as info:
        call()
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    assert_same_snapshot(before, snapshot(session))
    return message


def test_one_update_is_forward_then_backward_then_update():
    session = three_layers()
    phases = []
    while session.state.updates_done < 2:
        phases.append(session.step())
    cycle = [Phase("forward", 1), Phase("forward", 2), Phase("forward", 3),
             Phase("backward", 3), Phase("backward", 2), Phase("backward", 1), Phase("update")]
    assert phases == cycle * 2


def test_backward_before_forward_is_refused():
    session = three_layers()
    message = refused(session, session.backward, "next: forward, layer 1 of 3")
    assert "forward pass is not done" in message
    refused(session, lambda: session.backward(layer=3), "next: forward, layer 1 of 3")
    # Half way through the forward pass: still refused, naming the next forward layer.
    session.forward()
    refused(session, session.backward, "next: forward, layer 2 of 3")


def test_forward_of_a_later_layer_first_is_refused():
    session = three_layers()
    message = refused(session, lambda: session.forward(layer=2), "next: forward, layer 1 of 3")
    assert "layer by layer" in message
    session.forward(layer=1)
    refused(session, lambda: session.forward(layer=3), "next: forward, layer 2 of 3")
    # Redoing a layer already done is refused too.
    refused(session, lambda: session.forward(layer=1), "already done", "next: forward, layer 2 of 3")
    session.forward(layer=2)
    session.forward(layer=3)
    refused(session, session.forward, "already done", "next: backward, layer 3 of 3")


def test_second_backward_of_the_same_layer_is_refused():
    """Gradients are never accumulated twice."""
    session = three_layers()
    for _ in range(3):
        session.forward()
    session.backward(layer=3)
    message = refused(session, lambda: session.backward(layer=3), "next: backward, layer 2 of 3")
    assert "already done" in message and "layer 3" in message
    # Skipping a layer (backward 1 before 2) is refused as well.
    refused(session, lambda: session.backward(layer=1), "next: backward, layer 2 of 3")
    session.backward(layer=2)
    session.backward(layer=1)
    refused(session, session.backward, "already done", "next: update")
    refused(session, lambda: session.backward(layer=2), "already done", "next: update")


def test_update_before_the_backward_pass_is_done_is_refused():
    session = three_layers()
    refused(session, session.update, "next: forward, layer 1 of 3")
    for _ in range(3):
        session.forward()
    refused(session, session.update, "backward pass is not done", "next: backward, layer 3 of 3")
    session.backward()
    session.backward()
    refused(session, session.update, "next: backward, layer 1 of 3")
    session.backward()
    assert session.update() == Phase("update")


def test_refusals_never_change_the_state():
    """At every point of two updates, every out-of-turn call leaves the whole state as it was."""
    session = three_layers()
    calls = [("update", None, session.update), ("forward", None, session.forward),
             ("backward", None, session.backward)]
    calls += [("forward", l, lambda l=l: session.forward(layer=l)) for l in (1, 2, 3)]
    calls += [("backward", l, lambda l=l: session.backward(layer=l)) for l in (1, 2, 3)]
    tried = 0
    for _ in range(7 * 2):
        nxt = session.next_phase
        for kind, layer, call in calls:
            if kind == nxt.kind and layer in (None, nxt.layer):
                continue  # the one call that is in turn
            refused(session, call, f"next: {nxt.describe(3)}")
            tried += 1
        session.step()
    # Of the 9 calls, 2 are in turn at a layer phase (with and without the layer), 1 at the update.
    assert tried == 2 * (6 * 7 + 8)


def test_finished_training_refuses_everything():
    session = TrainingSession(load_scenario(SEED_TOML))
    while not session.finished:
        session.step()
    state = session.state
    assert state.finished and state.next_phase is None and state.last_phase == Phase("update")
    assert state.updates_done == state.total_updates == 5
    for call in (session.step, session.forward, session.backward, session.update,
                 lambda: session.forward(layer=1), lambda: session.backward(layer=2)):
        refused(session, call, "training is finished", "5 epochs")
    # The conveniences do nothing at the end, without raising.
    before = snapshot(session)
    session.finish_update()
    finish_epoch(session)
    session.run_updates(3)
    assert_same_snapshot(before, snapshot(session))


def test_finish_update_from_anywhere_in_the_cycle():
    for phases_first in range(7):
        session = three_layers()
        for _ in range(phases_first):
            session.step()
        session.finish_update()
        state = session.state
        assert state.updates_done == 1
        assert state.last_phase == Phase("update") and state.next_phase == Phase("forward", 1)
        assert (state.epoch, state.batch) == (1, 2)


def test_finish_update_equals_stepping():
    a, b = three_layers(), three_layers()
    a.finish_update()
    for _ in range(7):
        b.step()
    assert_same_snapshot(snapshot(a), snapshot(b))


def finish_epoch(session) -> None:
    """``e``: whole updates up to the end of the epoch under way, as the schedule says."""
    session.run_updates(session.schedule.next_epoch_end(session.updates_done) - session.updates_done)


def test_finish_epoch():
    session = three_layers(epochs=3)
    session.step()
    session.step()  # part-way through the first batch
    finish_epoch(session)
    state = session.state
    assert state.updates_done == 3 and (state.epoch, state.batch) == (2, 1)
    assert state.next_phase == Phase("forward", 1)
    assert len(state.epoch_loss) == 1
    session.finish_update()  # part-way through epoch 2
    finish_epoch(session)
    assert session.state.updates_done == 6 and session.state.epoch == 3
    finish_epoch(session)  # the last epoch: training ends
    assert session.finished and session.state.updates_done == 9
    assert len(session.state.epoch_loss) == 3


def test_run_updates():
    session = three_layers(epochs=2)  # 6 updates in all
    session.run_updates(0)
    assert session.state.updates_done == 0 and session.state.last_phase is None
    session.forward()
    session.run_updates(2)  # finishes the current update, then one more
    assert session.state.updates_done == 2 and session.state.next_phase == Phase("forward", 1)
    session.run_updates(100)  # fewer if training ends first
    assert session.finished and session.state.updates_done == 6


def test_reset_returns_to_the_bit_identical_initial_state():
    session = three_layers()
    fresh = snapshot(session)
    session.run_updates(4)
    session.forward()
    session.forward()
    assert not np.array_equal(session.state.weights[1], fresh["weights"][1])
    session.reset()
    assert_same_snapshot(fresh, snapshot(session))
    # And trains the same way again.
    other = three_layers()
    session.run_updates(5)
    other.run_updates(5)
    assert_same_snapshot(snapshot(other), snapshot(session))


def test_reset_after_training_finished():
    session = three_layers(epochs=1)
    fresh = snapshot(session)
    session.run_updates(10)
    assert session.finished
    session.reset()
    assert not session.finished
    assert_same_snapshot(fresh, snapshot(session))


def test_views_are_read_only_and_outlive_later_phases():
    """A state's arrays are never written again: an old state still shows its numbers."""
    session = three_layers()
    for _ in range(4):
        session.step()
    old = session.state
    kept = snapshot(session)
    with pytest.raises(ValueError):
        old.current.grad_weights[3][0, 0] = 1.0
    with pytest.raises(ValueError):
        old.weights[1][0, 0] = 1.0
    session.run_updates(3)
    for field, want in kept["current"].items():
        got = getattr(old.current, field)
        if isinstance(want, tuple):
            assert len(got) == len(want)
            for g, w in zip(got, want):
                assert (g is None and w is None) or np.array_equal(g, w), field
    np.testing.assert_array_equal(old.weights[1], kept["weights"][1])
