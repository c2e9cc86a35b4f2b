"""Two runs side by side (``engine/compare.py``) and the lessons built for it.

Each run of a comparison must be exactly the run it would be alone (checked
against a separate session of the same scenario), however the pair is moved.
The lessons' figures are recomputed here with plain NumPy from the formulas.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import ScenarioError, TrainingSession, load_scenario
from bp_tui.engine.compare import Comparison, fork
from bp_tui.engine.debugger import Debugger


def alone(scenario, updates: int) -> TrainingSession:
    session = TrainingSession(scenario)
    session.run_updates(updates)
    return session


def same_weights(x: TrainingSession, y: TrainingSession) -> bool:
    return all((a is None and b is None) or np.array_equal(a, b) for a, b in zip(x.W + x.b, y.W + y.b))


def test_lockstep_runs_are_each_the_run_alone():
    pair = Comparison(load_scenario("valley_sgd"), load_scenario("valley_momentum"))
    assert pair.differences() == ["optimizer: sgd → momentum (momentum 0.8)"]
    for _ in range(3 * len(pair.a.session.cycle) + 1):  # three updates and a phase, by phases
        pair.step()
    pair.run_updates(4)  # the update under way, then 3 more
    for run in pair.runs:
        assert run.session.updates_done == 7 and run.session.phases_done == 0
        assert same_weights(run.session, alone(run.scenario, 7))
    for _ in range(4):
        assert pair.back()
    per = len(pair.a.session.cycle)
    assert pair.a.timeline.position == pair.b.timeline.position == 7 * per - 4
    pair.goto_update(2)
    for run in pair.runs:
        assert same_weights(run.session, alone(run.scenario, 2))


def test_a_finished_run_waits_for_the_other():
    a, b = load_scenario("seed"), load_scenario("seed")
    pair = Comparison(a, Debugger(b))
    pair.a.goto_update(5)
    assert pair.a.session.finished
    pair.finish_update()
    assert pair.a.session.updates_done == 5 and pair.b.session.updates_done == 1
    pair.run_updates(10)
    assert pair.finished


def test_fork_starts_from_the_current_weights_with_one_setting_changed():
    run = Debugger(load_scenario("lr_too_high"))
    run.goto_update(3)
    run.step()  # mid-update: the fork starts from the weights before it
    pair = fork(run, "learning_rate", 0.2)
    assert pair.offset == 3 and pair.a is run
    assert pair.differences() == ["learning_rate: 0.55 → 0.2"]
    b = pair.b.session
    assert b.updates_done == 0 and same_weights(b, alone(load_scenario("lr_too_high"), 3))
    pair.finish_update()
    # B's first update by hand: w, b = the weights after 3 updates at 0.55, then one step at 0.2
    x, y = np.arange(-2.0, 3.0), np.arange(-2.0, 3.0) * 2 + 1
    w, c = 0.0, 0.0
    for lr in (0.55, 0.55, 0.55, 0.2):
        e = w * x + c - y
        w, c = w - lr * np.mean(2 * e * x), c - lr * np.mean(2 * e)
    assert b.W[1][0, 0] == pytest.approx(w, rel=1e-12) and b.b[1][0] == pytest.approx(c, rel=1e-12)
    assert run.session.updates_done == 4  # A finished its update too, in lockstep


@pytest.mark.parametrize("setting,value,shown", [
    ("optimizer", "adam", "optimizer: sgd → adam (beta1 0.9, beta2 0.999, eps 1e-08)"),
    ("batch_size", 2, "batch_size: None → 2"),
])
def test_fork_other_settings(setting, value, shown):
    pair = fork(Debugger(load_scenario("linear")), setting, value)
    assert pair.differences() == [shown]
    pair.run_updates(3)
    assert pair.b.session.updates_done == 3


def test_fork_refuses_bad_values():
    run = Debugger(load_scenario("seed"))
    for setting, value in [("learning_rate", 0), ("optimizer", "adagrad"), ("batch_size", 0), ("epochs", 3)]:
        with pytest.raises(ValueError):
            fork(run, setting, value)


def test_compare_refuses_networks_of_other_shapes():
    with pytest.raises(ScenarioError) as info:
        Comparison(load_scenario("seed"), load_scenario("xor"))
    assert info.value.where == "network.layers"


# --- the lessons -------------------------------------------------------------------------


def numpy_valley(momentum: float, updates: int):
    X = np.array([[10, 0.5], [-10, 1.0], [5, -1.0], [-5, -0.5], [8, 0.8], [-8, -0.8]])
    y = X @ np.array([0.3, 2.0])
    w, v, losses = np.zeros(2), np.zeros(2), []
    for t in range(1, updates + 1):
        e = X @ w - y
        losses.append(np.mean(e**2))
        g = 2 * X.T @ e / len(X)
        v = g if t == 1 else momentum * v + g
        w = w - 0.014 * (v if momentum else g)
    return losses, w


def lesson(name: str) -> TrainingSession:
    return alone(load_scenario(name), 10**6)


def test_valley_lessons_figures():
    for name, momentum in (("valley_sgd", 0.0), ("valley_momentum", 0.8)):
        session = lesson(name)
        losses, w = numpy_valley(momentum, 100)
        np.testing.assert_allclose(session.loss_history, losses, rtol=1e-9)
        np.testing.assert_allclose(session.W[1][:, 0], w, rtol=1e-9)
    sgd, mom = lesson("valley_sgd").loss_history, lesson("valley_momentum").loss_history
    assert [round(x, 2) for x in sgd[:4]] == [9.25, 6.34, 4.61, 3.57]
    assert (round(sgd[9], 2), round(sgd[49], 3), round(sgd[99], 3)) == (1.85, 0.445, 0.078)
    assert round(mom[2], 2) == 6.88 and round(mom[9], 2) == 1.24 and round(mom[24], 3) == 0.059
    assert 1e-4 < mom[49] < 1.3e-4 and 2.5e-9 < mom[99] < 3.5e-9
    assert round(float(lesson("valley_sgd").W[1][1, 0]), 2) == 1.65


def numpy_line(lr: float, updates: int):
    """linear.toml's line by plain gradient descent: losses, then the weight and the bias."""
    x, y = np.arange(-2.0, 3.0), np.arange(-2.0, 3.0) * 2 + 1
    w, c, losses = 0.0, 0.0, []
    for _ in range(updates):
        e = w * x + c - y
        losses.append(np.mean(e**2))
        w, c = w - lr * np.mean(2 * e * x), c - lr * np.mean(2 * e)
    return losses, w, c


def test_learning_rate_lessons_figures():
    high, right = lesson("lr_too_high"), lesson("lr_right")
    for session, lr in ((high, 0.55), (right, 0.2)):
        losses, w, c = numpy_line(lr, 15)
        np.testing.assert_allclose(session.loss_history, losses, rtol=1e-9)
        assert (session.W[1][0, 0], session.b[1][0]) == pytest.approx((w, c), rel=1e-9)
    assert [round(x, 1) for x in high.loss_history[:4]] == [9.0, 11.5, 16.6, 23.9]
    assert round(high.loss_history[14]) == 1319
    assert [round(x, 3) for x in right.loss_history[:4]] == [9, 0.68, 0.142, 0.047]
    assert 0.9e-4 < right.loss_history[9] < 1.1e-4 and 5.5e-7 < right.loss_history[14] < 6.5e-7
    assert float(high.b[1][0]) == pytest.approx(1.0, rel=1e-9)


def test_parse_change_reads_what_a_user_types():
    from bp_tui.engine.compare import parse_change

    assert parse_change("learning_rate=0.05") == ("learning_rate", 0.05)
    assert parse_change(" lr 0.5 ") == ("learning_rate", 0.5)
    assert parse_change('optimizer = "adam"') == ("optimizer", "adam")
    assert parse_change("batch_size: 4") == ("batch_size", 4)
    for bad in ("", "epochs=3", "learning_rate=", "batch_size=2.5", "lr=fast"):
        with pytest.raises(ValueError):
            parse_change(bad)
