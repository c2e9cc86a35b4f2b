"""Recycled arrays and one-vector updates must never change what was handed out.

The optimizers write each update into arrays they handed out before once
nobody holds them (``buffers.Recycler``), and update a small network's
entries as one vector (``flat_step``).  Both are only right if nothing that
was handed out ever changes: a checkpoint taken before an update, a state
or weights held by a view, must read the same bytes after any number of
later updates, and going back and forth must give the same bits.  The
networks here are large enough for each path: ``BIG`` (W1 of 130 x 128
entries: recycled, parameter by parameter) and ``SMALL`` (one vector).
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.buffers import RECYCLE_FROM, Recycler
from bp_tui.engine.flat_step import FLAT_MAX
from bp_tui.engine.timeline import Timeline
from tests.engine.helpers import assert_same_snapshot

BIG, SMALL = [130, 128, 3], [3, 5, 2]

OPTIMIZERS = [
    {"optimizer": "momentum"},
    {"optimizer": "adam"},
    {"optimizer": "adam", "weight_decay": 0.01},
    {"optimizer": "adamw", "weight_decay": 0.1},
    {"optimizer": "nesterov", "weight_decay": 0.01, "freeze": ["b1"]},
    {"optimizer": "rmsprop"},
]


def scenario(layers: list[int], training: dict, samples: int = 9, epochs: int = 20):
    rng = np.random.default_rng(5)
    return scenario_from_dict({
        "title": "buffers",
        "network": {"layers": layers, "activations": ["tanh", "identity"], "seed": 2, "init": "xavier"},
        "data": {"inputs": rng.normal(size=(samples, layers[0])).tolist(),
                 "targets": rng.normal(size=(samples, layers[-1])).tolist()},
        "training": {"loss": "mse", "learning_rate": 0.01, "batch_size": 4, "epochs": epochs,
                     "shuffle": True} | training,
    })


def test_the_networks_take_the_paths_they_are_meant_to():
    big = TrainingSession(scenario(BIG, {"optimizer": "adam"})).optimizer
    small = TrainingSession(scenario(SMALL, {"optimizer": "adam"})).optimizer
    assert big._flat is None and BIG[0] * BIG[1] > max(FLAT_MAX, RECYCLE_FROM)
    assert small._flat is not None


def copies(checkpoint) -> list[bytes]:
    return [a.tobytes() for a in checkpoint.arrays()]


@pytest.mark.parametrize("layers", [BIG, SMALL], ids=["big", "small"])
@pytest.mark.parametrize("training", OPTIMIZERS, ids=lambda o: "-".join(map(str, o.values())))
def test_a_checkpoint_taken_before_updates_never_changes_after_them(layers, training):
    """The session alone (no timeline holding every state) lets go of each update's arrays
    soonest: the recycler reuses them at once; a checkpoint still held must keep its bytes,
    and resuming from it must repeat the run bit for bit."""
    session = TrainingSession(scenario(layers, training))
    session.run_updates(3)
    checkpoint = session.checkpoint()
    held = copies(checkpoint)
    view = session.state  # read-only views of the weights and of the current batch's state
    weights = [w.tobytes() for w in view.weights[1:]]
    session.run_updates(12)
    assert copies(checkpoint) == held
    assert [w.tobytes() for w in view.weights[1:]] == weights
    later = [a.copy() for a in session.checkpoint().arrays()]
    session.restore(checkpoint)
    session.run_updates(12)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(session.checkpoint().arrays(), later, strict=True))


@pytest.mark.parametrize("training", OPTIMIZERS[:4], ids=lambda o: "-".join(map(str, o.values())))
def test_back_and_forth_on_a_big_network_is_bit_identical(training):
    from tests.engine.test_time_travel_optimizers import full_snapshot

    timeline = Timeline(TrainingSession(scenario(BIG, training, epochs=4)), budget=1)
    total = 8 * timeline.per_update
    forward = [full_snapshot(timeline.session)]
    for _ in range(total):
        timeline.step()
        forward.append(full_snapshot(timeline.session))
    for position in (total - 1, 2, total, 0, 7, total - 4, 1):
        timeline.goto(position)
        assert_same_snapshot(full_snapshot(timeline.session), forward[position])


def test_the_recycler_never_hands_out_an_array_someone_holds():
    recycler, like = Recycler(), np.empty(RECYCLE_FROM)
    first = recycler.out(like)
    view = first[10:20].view()  # a view holds it through its base
    view.flags.writeable = False
    first = None  # noqa: F841 (only the view holds it now)
    second = recycler.out(like)
    assert not np.shares_memory(second, view)
    address = second.__array_interface__["data"][0]
    del second
    third = recycler.out(like)  # nothing holds the second any more: taken back
    assert third.__array_interface__["data"][0] == address
    view = None
    assert recycler.out(like) is not third  # the first, free again; the third is held by this test
    assert recycler.scratch(like) is recycler.scratch(like) and recycler.scratch(like) is not recycler.scratch(like, 1)


@pytest.mark.parametrize("training", OPTIMIZERS, ids=lambda o: "-".join(map(str, o.values())))
def test_one_vector_gives_the_bits_of_parameter_by_parameter(training):
    """The same operations on the same numbers: a small network's one-vector update and the
    parameter-by-parameter one write the same bytes, weights and state, update after update."""
    flat = TrainingSession(scenario(SMALL, training))
    each = TrainingSession(scenario(SMALL, training))
    each.optimizer._flat = None
    assert (flat.optimizer._flat is None) == bool(training.get("freeze"))  # frozen: never one vector
    for _ in range(15):
        flat.finish_update()
        each.finish_update()
        assert [a.tobytes() for a in flat.checkpoint().arrays()] == [a.tobytes() for a in each.checkpoint().arrays()]
    assert flat.optimizer.state == each.optimizer.state and flat.optimizer.state.updates == 15


@pytest.mark.parametrize("training", OPTIMIZERS[:4], ids=lambda o: "-".join(map(str, o.values())))
def test_the_applied_pass_on_screen_keeps_its_bytes(training):
    """The session lets go of the previous batch's pass before the optimizer writes, so that
    its arrays can be reused; one still held (as the screen holds ``state.applied``) must not
    be: its weights before and after, gradients and optimizer state read the same bytes later."""
    session = TrainingSession(scenario(BIG, training))
    session.run_updates(3)
    applied = session.state.applied
    assert applied is not None
    arrays = [*applied.weights[1:], *applied.weights_after[1:], *applied.grad_weights[1:],
              *applied.optimizer_state.all_arrays()]
    held = [a.tobytes() for a in arrays]
    session.run_updates(12)
    assert [a.tobytes() for a in arrays] == held


def test_with_nothing_held_two_sets_of_arrays_take_turns():
    """Headless training (nothing holds past passes): W1 and Adam's m and s for it are written
    into two sets of arrays by turns (6 arrays), the fewest the rule "never write into what was
    handed out" allows: the weights and state before the update are the current pass's."""
    session = TrainingSession(scenario(BIG, {"optimizer": "adam"}))
    addresses = set()
    for update in range(20):
        session.finish_update()
        arrays = [session.W[1], *(a.base for a in session.optimizer.state.arrays[0])]  # W1, its m and s
        if update >= 4:
            addresses.update(a.__array_interface__["data"][0] for a in arrays)
    assert len(addresses) == 6
