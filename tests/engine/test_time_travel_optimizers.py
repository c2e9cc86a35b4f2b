"""Time travel with optimizer state: every past phase comes back bit for bit.

With momentum or Adam the weights after an update depend on the optimizer's
state (v; m and s), so a replay from a checkpoint is only exact if the
checkpoint holds that state too.  Forward phase by phase, then back to the
start and forward again, then random jumps, with checkpoints thinned out by
a tiny budget: at every phase, across update, checkpoint and epoch
boundaries, the state (weights, optimizer state, the views) must be the same
bytes as on the way forward.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.timeline import Timeline
from tests.engine.helpers import assert_same_snapshot, snapshot


def shuffled(optimizer: dict, epochs: int = 4):
    rng = np.random.default_rng(7)
    return scenario_from_dict({
        "title": "time travel",
        "network": {"layers": [3, 4, 2], "activations": ["tanh", "identity"], "seed": 3, "init": "xavier"},
        "data": {"inputs": rng.normal(size=(10, 3)).round(3).tolist(),
                 "targets": rng.normal(size=(10, 2)).round(3).tolist()},
        "training": {"loss": "mse", "learning_rate": 0.05, "batch_size": 3, "epochs": epochs,
                     "shuffle": True} | optimizer,
    })


def full_snapshot(session: TrainingSession) -> dict:
    """The session's state and its optimizer's, as plain copies."""
    shot = snapshot(session)
    shot["optimizer"] = {name: tuple(np.array(a, copy=True) for a in arrays)
                         for name, arrays in optimizer_state(session).items()}
    return shot


def optimizer_state(session: TrainingSession) -> dict:
    """Parameter name -> its optimizer state arrays (v; m, s)."""
    state = session.optimizer.state
    return {p.name: arrays for p, arrays in zip(state.params, state.arrays)}


OPTIMIZERS = [
    {"optimizer": "adam", "weight_decay": 0.01},
    {"optimizer": "momentum", "momentum": 0.9},
    {"optimizer": "nesterov", "freeze": ["b1"]},
    {"optimizer": "rmsprop"},
    {"optimizer": "adamw", "weight_decay": 0.1},
]


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o["optimizer"])
def test_back_and_forth_through_every_phase_is_bit_identical(optimizer):
    timeline = Timeline(TrainingSession(shuffled(optimizer)), budget=1)  # checkpoints thin out
    total = timeline.end  # 4 epochs of 4 batches: 16 updates
    forward = [full_snapshot(timeline.session)]
    for _ in range(total):
        timeline.step()
        forward.append(full_snapshot(timeline.session))
    assert any(np.any(a != 0) for arrays in forward[-1]["optimizer"].values() for a in arrays)
    for position in range(total, -1, -1):
        assert timeline.position == position
        assert_same_snapshot(full_snapshot(timeline.session), forward[position])
        if position:
            timeline.back()
    for position in range(1, total + 1):
        assert timeline.redo()
        assert_same_snapshot(full_snapshot(timeline.session), forward[position])
    rng = np.random.default_rng(0)
    per = timeline.per_update
    epoch_ends = [e * 4 * per for e in range(5)]
    for position in rng.integers(0, total + 1, size=40).tolist() + epoch_ends + [1, total - 1]:
        timeline.goto(position)
        assert_same_snapshot(full_snapshot(timeline.session), forward[position])


def test_restart_from_a_checkpoint_continues_exactly():
    """A checkpoint taken mid-training restores the optimizer state it was taken with."""
    session = TrainingSession(shuffled({"optimizer": "adam"}, epochs=6))
    session.run_updates(9)
    checkpoint = session.checkpoint()
    session.run_updates(7)
    later = full_snapshot(session)
    session.run_updates(3)
    session.restore(checkpoint)
    session.run_updates(7)
    assert_same_snapshot(full_snapshot(session), later)


def test_checkpoint_memory_counts_the_optimizer_state():
    """Adam keeps two arrays per parameter: a checkpoint pins three times the weights' bytes."""
    sgd = Timeline(TrainingSession(shuffled({})))
    adam = Timeline(TrainingSession(shuffled({"optimizer": "adam"})))
    for timeline in (sgd, adam):
        timeline.run_updates(12)
    weights = sum(a.nbytes for a in sgd.session.W[1:] + sgd.session.b[1:])
    assert adam.memory_bytes() - adam.session._loss_history.nbytes >= 3 * weights * len(adam._sparse)


def test_watches_pin_an_entrys_optimizer_state_over_updates():
    """The watch panel's series of Adam's m and s for one weight: the state after each update,
    the same when the updates are replayed by going back and forth."""
    from bp_tui.engine.debugger import Debugger, StateWatch
    from bp_tui.engine.params import Param

    debugger = Debugger(shuffled({"optimizer": "adam"}))
    param = Param.parse("W2[1,0]")
    watches, pinned = debugger.toggle_state_watch(param)
    assert pinned and [w.name for w in watches] == ["m of W2[1,0]", "s of W2[1,0]"]
    expected = {"m": [0.0], "s": [0.0]}
    for _ in range(6):
        debugger.run(until_update=debugger.session.updates_done + 1)
        for slot in expected:
            expected[slot].append(float(debugger.session.optimizer.state.array(slot, param.parameter)[1, 0]))
    debugger.goto_update(2)
    debugger.goto_update(6)
    series = dict(debugger.watches.view(6))
    for slot, values in expected.items():
        assert series[StateWatch(slot, param)].tolist() == values
    assert expected["m"][1] != 0
    assert debugger.toggle_state_watch(param)[1] is False and not debugger.watches.series


def test_sgd_has_no_state_to_watch():
    from bp_tui.engine.debugger import Debugger
    from bp_tui.engine.params import Param

    assert Debugger(shuffled({})).toggle_state_watch(Param.parse("W1[0,0]")) == ([], False)
