"""The optimizer seam: SGD exactly as the slides, and state that time travel keeps.

SGD is checked against the arithmetic itself (every trace line's weights are
the previous line's minus learning_rate x its gradient, bit for bit) and
against hand-worked numbers.  The seam's state handling is checked with a
small optimizer defined here, heavy-ball momentum (PyTorch's SGD with
momentum), compared with ``torch.optim.SGD``: its velocity must be part of
every checkpoint, restored bit for bit by time travel, and counted in the
timeline's memory.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.breakdown import weight_breakdown
from bp_tui.engine.export import trace_lines
from bp_tui.engine.optimizers import SGD, Equation, Optimizer, OptimizerState, Term, UpdateStep, optimizer_for
from bp_tui.engine.params import Param
from bp_tui.engine.scenario import bundled_names
from bp_tui.engine.timeline import Timeline
from tests.engine.helpers import assert_same_snapshot, random_scenario, snapshot


@pytest.mark.parametrize("name", [n for n in bundled_names() if load_scenario(n).optimizer.plain])
def test_sgd_moves_every_weight_by_minus_learning_rate_times_gradient(name):
    scn = load_scenario(name)
    lr = scn.learning_rate
    lines = [json.loads(line) for _, line in zip(range(40), trace_lines(scn, 39))]
    for before, after in zip(lines, lines[1:]):
        for key, grads in (("weights", "grad_weights"), ("biases", "grad_biases")):
            for w, g, new in zip(before[key], after[grads], after[key]):
                expected = np.asarray(w, dtype=float) - lr * np.asarray(g, dtype=float)
                assert np.asarray(new, dtype=float).tobytes() == expected.tobytes()


def test_sgd_explains_the_seeds_update_with_its_numbers():
    session = TrainingSession(load_scenario("seed"))
    session.run_phases(3)  # forward, forward, backward of layer 2
    step = session.optimizer.explain(Param(2, 0, 0), 1.0, 6.0, session.state.current.optimizer_state)
    line = Equation((Term("w", 1.0), " − ", Term("learning_rate", 0.01), " × ", Term("gradient", 6.0)),
                    Term("new w", 0.94))
    assert step == UpdateStep(Param(2, 0, 0), "sgd", (line,))
    (line,) = step.equations
    assert line.formula == "w − learning_rate × gradient = new w"
    assert line.numbers(lambda x: f"{x:g}") == "1 − 0.01 × 6 = 0.94"
    bias = SGD(0.5, (1, 1), True).explain(Param(1, None, 0), 2.0, 1.0, OptimizerState(0, ()))
    assert bias.equations[0].formula == "b − learning_rate × gradient = new b" and bias.new_value == 1.5
    assert session.optimizer.formula(Param(2, 0, 0)) == "w − learning_rate × gradient = new w"  # words, no numbers


def test_sgd_keeps_no_state_and_never_writes_what_it_was_handed():
    session = TrainingSession(random_scenario(2, [3, 4, 2], ["tanh", "identity"], "mse", samples=5))
    assert session.optimizer == SGD(session.scenario.learning_rate, (3, 4, 2), True)
    before = [w.copy() for w in session.W[1:]]
    handed = session.W
    session.finish_update()
    assert all(np.array_equal(w, c) for w, c in zip(handed[1:], before))
    assert session.optimizer.state.updates == 1 and session.optimizer.state.nbytes == 0


# ----------------------------------------------------------- a stateful optimizer
class HeavyBall(Optimizer):
    """PyTorch's SGD with momentum (dampening 0): v <- g at t = 1, else m v + g; w <- w - lr v."""

    name = "heavy_ball"
    slots = ("v",)
    momentum = 0.9

    def update(self, w, g, slots, t, buf=None):  # ignores buf: returns new arrays of its own
        (v,) = slots
        v = g.copy() if t == 1 else self.momentum * v + g
        return w - self.learning_rate * v, (v,)

    def explain(self, param, w, g, state):
        new = self._new_value(param, w, g, state)
        return UpdateStep(param, self.name, (Equation((Term("w", w),), Term("new w", new)),))


def heavy_ball_session(scn) -> TrainingSession:
    session = TrainingSession(scn)
    session.optimizer = HeavyBall(scn.learning_rate, scn.layers, scn.bias)
    session.reset()
    return session


def scenario_for_momentum():
    return random_scenario(4, [3, 5, 2], ["tanh", "identity"], "mse", samples=7, batch_size=3, epochs=4,
                           learning_rate=0.05)


def test_a_stateful_optimizer_agrees_with_torch():
    torch = pytest.importorskip("torch")
    scn = scenario_for_momentum()
    session = heavy_ball_session(scn)
    params = [torch.tensor(np.array(a), dtype=torch.float64) for a in session.W[1:] + session.b[1:]]
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.SGD(params, lr=scn.learning_rate, momentum=0.9)
    depth = len(scn.layers) - 1
    for _ in range(12):
        session.run_phases(2 * depth)  # forward and backward: the gradients are known
        grads = session.current.grad_weights[1:] + session.current.grad_biases[1:]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(np.array(g), dtype=torch.float64)
        opt.step()
        session.step()  # the update
        for p, mine in zip(params, session.W[1:] + session.b[1:]):
            np.testing.assert_allclose(mine, p.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_optimizer_state_travels_in_time_bit_for_bit():
    session = heavy_ball_session(scenario_for_momentum())
    timeline = Timeline(session, budget=1)  # checkpoints thin out: replay does the work
    total = 9 * timeline.per_update
    shots = [(snapshot(session), session.optimizer.state)]
    for _ in range(total):
        timeline.step()
        shots.append((snapshot(session), session.optimizer.state))
    assert shots[-1][1].updates == 9 and shots[-1][1].nbytes > 0
    for position in (total - 1, 3, 0, total, timeline.per_update * 5 + 2):
        timeline.goto(position)
        state, optimizer_state = shots[position]
        assert_same_snapshot(snapshot(session), state)
        assert session.optimizer.state == optimizer_state
    timeline.reset()
    assert session.optimizer.state.updates == 0 and not any(a.any() for a in session.optimizer.state.all_arrays())


def test_the_timeline_counts_optimizer_state():
    scn = scenario_for_momentum()
    sgd, heavy = Timeline(TrainingSession(scn)), Timeline(heavy_ball_session(scn))
    for timeline in (sgd, heavy):
        timeline.run_updates(20)
    weights = sum(a.nbytes for a in sgd.session.W[1:] + sgd.session.b[1:])
    assert heavy.session.checkpoint_bytes == 2 * sgd.session.checkpoint_bytes == 2 * weights
    assert heavy.memory_bytes() - heavy.session.history_bytes == 2 * (sgd.memory_bytes() - sgd.session.history_bytes)
    assert heavy.max_sparse < sgd.max_sparse or heavy.max_sparse == 8


def test_the_breakdown_explains_the_update_applied_from_the_state_before_it():
    session = heavy_ball_session(scenario_for_momentum())
    session.run_updates(3)
    applied = session.state.applied
    param = Param(2, 1, 0)
    bd = weight_breakdown(applied, param, "identity", session.optimizer)
    assert applied.optimizer_state.updates == 2  # the state that update 3 started from
    assert bd.new_weight == applied.weights_after[2][1, 0] == session.W[2][1, 0]


def test_a_state_is_immutable():
    session = heavy_ball_session(scenario_for_momentum())
    session.run_updates(2)
    state = session.optimizer.state
    with pytest.raises(ValueError):
        state.array("v", Param.whole("W", 1))[0, 0] = 1.0
    assert state.value("v", Param(1, 0, 0)) == state.array("v", Param.whole("W", 1))[0, 0]


def test_the_scenario_picks_sgd_by_default():
    scn = load_scenario("seed")
    assert optimizer_for(scn) == SGD(0.01, (2, 2, 1), False)
    assert optimizer_for(scn) != SGD(0.02, (2, 2, 1), False)
