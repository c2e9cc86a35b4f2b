"""The debugger: runs that stop at breakpoints where they fired, watches, go-to."""

import math

import numpy as np

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.debugger import Debugger
from bp_tui.engine.params import Node, Param


def headless_losses(name: str) -> np.ndarray:
    session = TrainingSession(load_scenario(name))
    session.run_updates(10**9)
    return np.array(session.loss_history)


def test_diverging_run_stops_at_the_first_non_finite_value_and_not_again():
    losses = headless_losses("diverging")
    first_bad = int(np.argmax(~np.isfinite(losses))) + 1  # 1-based update
    debugger = Debugger(load_scenario("diverging"))
    hit = debugger.run()
    assert hit.kind == "non_finite" and hit.update == first_bad
    s = debugger.session
    # stopped at the phase that made it: the forward pass of that update, loss on screen
    assert s.updates_done == first_bad - 1 and s.last_phase == hit.phase
    assert not math.isfinite(s.current.batch_loss)
    assert np.isfinite(s.loss_history).all()
    assert "\n" not in hit.message and f"update {first_bad}" in hit.message
    assert debugger.run() is None  # the same NaN does not stop it again; it trains on
    assert s.finished


def test_loss_up_stops_at_the_first_rise():
    losses = headless_losses("sine")
    rise = int(np.argmax(losses[1:] > losses[:-1])) + 2
    debugger = Debugger(load_scenario("sine"))
    debugger.breakpoints.set("loss_up", True)
    hit = debugger.run()
    assert hit.kind == "loss_up" and hit.update == rise == debugger.session.updates_done
    hit = debugger.run()
    later = rise + int(np.argmax(losses[rise:] > losses[rise - 1:-1])) + 1
    assert hit.update == later


def test_at_update_and_at_epoch_and_a_stop_request():
    debugger = Debugger(load_scenario("iris"))
    debugger.breakpoints.set("at_update", 7)
    assert debugger.run().kind == "at_update" and debugger.session.updates_done == 7
    debugger.breakpoints.set("at_update", False)
    debugger.breakpoints.set("at_epoch", 3)
    hit = debugger.run()
    assert hit.kind == "at_epoch" and debugger.session.updates_done == 3 * debugger.session.schedule.batches_per_epoch
    calls = []
    assert debugger.run(stop=lambda: calls.append(1) or len(calls) >= 5) is None
    assert debugger.session.updates_done == 30 + 5


def test_goto_forward_runs_with_breakpoints_and_backward_jumps():
    debugger = Debugger(load_scenario("sine"))
    debugger.breakpoints.set("at_update", 10)
    hit = debugger.goto_update(50)
    assert hit.kind == "at_update" and debugger.session.updates_done == 10
    assert debugger.goto_update(50) is None and debugger.session.updates_done == 50
    debugger.goto_epoch(1)
    assert debugger.session.updates_done == debugger.session.schedule.batches_per_epoch


def test_a_run_finishes_the_update_under_way_first():
    debugger = Debugger(load_scenario("seed"))
    debugger.step()
    debugger.step()
    debugger.run(until_update=2)
    assert debugger.session.updates_done == 2 and debugger.session.phases_done == 0


def test_watches_follow_the_weights_and_survive_time_travel():
    scenario = load_scenario("sine")
    reference = TrainingSession(scenario)
    expected = [float(reference.W[1][0, 3])]
    for _ in range(12):
        reference.finish_update()
        expected.append(float(reference.W[1][0, 3]))
    debugger = Debugger(scenario)
    assert debugger.watches.toggle(Param.weight(1, 0, 3), debugger.session)
    debugger.run(until_update=12)
    (watch, series), = debugger.watches.view(12)
    assert watch.name == "W1[0,3]" and series.tolist() == expected
    debugger.back()  # into update 12, then forward again by redo
    for _ in range(debugger.timeline.per_update):
        debugger.redo()
    (_, series), = debugger.watches.view(12)
    assert series.tolist() == expected
    assert not debugger.watches.toggle(Param.weight(1, 0, 3), debugger.session)  # unpinned
    assert debugger.watches.view(12) == []


def test_a_weight_that_overflows_is_named_for_the_ui_to_select():
    from tests.engine.helpers import scenario

    # loss 1, gradient 2, learning rate 1e308: the update itself overflows, the loss never did
    overflowing = scenario([1, 1], ["identity"], [[1.0]], [[0.0]], weights=[[[1.0]]], bias=False,
                           learning_rate=1e308, epochs=3)
    hit = Debugger(overflowing).run()
    assert hit.kind == "non_finite" and hit.update == 1 and hit.phase.kind == "update"
    assert hit.weight == hit.place == Param.weight(1, 0, 0) and "weight W1[0,0] is -inf" in hit.message


def test_places_map_to_the_weight_to_select():
    from bp_tui.engine.non_finite import _place

    assert _place("gradient of weight", 2, (3, 1)) == (Param.weight(2, 3, 1), None)
    assert _place("bias", 1, (4,)) == (Param.bias(1, 4), None)
    assert _place("node value", 2, (5, 1)) == (Node(2, 1), 5)
    assert _place("loss of sample", 2, (7,)) == (None, 7)
    assert _place("batch loss", 2, ()) == (None, None)
