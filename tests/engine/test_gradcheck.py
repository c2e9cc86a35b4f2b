"""Gradient checking: backprop against nudging one weight, on every bundled scenario.

The checks must agree (relative error < 1e-6) wherever the loss is smooth,
flag ReLU kinks instead of reporting them as errors, catch a deliberately
wrong activation slope and say where it is, check a 784-128-10 network by
sample (its speed is measured by benchmarks/gradcheck.py), and leave the
session exactly as it was.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, gradcheck, load_scenario
from bp_tui.engine.activations import Sigmoid, Tanh
from bp_tui.engine.debugger import Debugger
from bp_tui.engine.gradcheck import batch_loss, check_network, check_weight
from bp_tui.engine.network import forward
from bp_tui.engine.params import Param
from bp_tui.engine.scenario import bundled_names
from tests.engine.helpers import assert_same_snapshot, random_scenario, scenario, snapshot

TOLERANCE = 1e-6
#: Above this many parameters a bundled scenario's weights are checked by a seeded sample.
EVERY_WEIGHT_UP_TO = 500


def through_backward(session):
    """Run the current batch's passes up to its update: its view, gradients and all."""
    while not session.finished and session.next_phase.kind != "update":
        session.step()
    return session.current.view()


def check_one(session, param):
    """``v`` on the current batch, its backward pass run first."""
    sc = session.scenario
    return check_weight(through_backward(session), param, sc.activations, sc.loss)


def check_all(session, **options):
    sc = session.scenario
    return check_network(through_backward(session), sc.activations, sc.loss, **options)


def every_parameter(session):
    for l in range(1, len(session.W)):
        rows = list(range(session.W[l].shape[0])) + ([None] if session.b[l] is not None else [])
        for i in rows:
            for j in range(session.W[l].shape[1]):
                yield Param(l, i, j)


def test_seed_output_weight_gives_6_both_ways():
    session = TrainingSession(load_scenario("seed"))
    check = check_one(session, Param(2, 0, 0))
    assert check.backprop == 6.0  # 2 x error 3 x hidden value 1
    assert check.finite_difference == pytest.approx(6.0, abs=1e-9)
    assert check.relative_error < 1e-12 and not check.kink
    assert (check.param, check.name) == (Param.weight(2, 0, 0), "W2[0,0]")


@pytest.mark.parametrize("name", bundled_names())
@pytest.mark.parametrize("updates", [0, 3, 50])
def test_agrees_on_every_weight_of_every_bundled_scenario(name, updates):
    session = TrainingSession(load_scenario(name))
    session.run_updates(updates)
    params = list(every_parameter(session))
    if len(params) > EVERY_WEIGHT_UP_TO:  # digits (2,410): a seeded sample keeps the suite fast
        chosen = np.random.default_rng(updates).choice(len(params), EVERY_WEIGHT_UP_TO, replace=False)
        params = [params[k] for k in sorted(chosen)]
    checks = [check_one(session, p) for p in params]
    smooth = [c for c in checks if not c.kink]
    assert len(smooth) >= 0.9 * len(checks)
    assert max(c.relative_error for c in smooth) < TOLERANCE, max(smooth, key=lambda c: c.relative_error)
    whole = check_all(session)
    total = sum(1 for _ in every_parameter(session))
    if whole.sampled:  # more parameters than one check covers: a sample that holds the largest gradients
        assert whole.total == total > whole.checked >= 2000
    else:
        assert whole.checked == whole.total == total
        if len(checks) == total:
            assert whole.kinks == len(checks) - len(smooth)
    assert whole.worst.relative_error < TOLERANCE


def test_the_fast_path_computes_the_same_losses_as_batch_loss():
    """``check_network`` nudges a pre-activation column instead of redoing the
    layer's product; its losses must be batch_loss's, for every activation
    and loss, weights and biases."""
    hidden = ("identity", "relu", "leaky_relu", "sigmoid", "tanh")
    outputs = [("identity", "mse"), ("tanh", "mse"), ("sigmoid", "bce"), ("softmax", "cross_entropy")]
    for k, (h, (out, loss)) in enumerate((h, o) for h in hidden for o in outputs):
        session = TrainingSession(random_scenario(k, [3, 4, 3, 2], [h, h, out], loss, samples=5, batch_size=4))
        s, W, b = session.scenario, session.W, session.b
        view = session.current.view()
        X, T = view.node_values[0], view.targets
        acts = gradcheck._net(s.activations, 3)
        Z, A = forward(W, b, acts, X)
        for l in (1, 2, 3):
            rows = np.array([0, 2, -1, 1])  # -1: a bias
            cols = np.array([1, 0, 1, 1])
            deltas = np.array([1e-3, -2e-3, 5e-4, 0.1])
            loss_fn = gradcheck._losses.LOSSES[loss]
            fast, _ = gradcheck._nudged_losses(acts, loss_fn, W, b, Z, A, T, l, rows, cols, deltas)
            for r, c, d, value in zip(rows, cols, deltas, fast):
                W2, b2 = list(W), list(b)
                if r < 0:
                    b2[l] = b[l].copy()
                    b2[l][c] += d
                else:
                    W2[l] = W[l].copy()
                    W2[l][r, c] += d
                assert value == pytest.approx(batch_loss(s.activations, loss, W2, b2, X, T), rel=1e-12, abs=1e-15)


def test_a_wrong_activation_slope_is_caught_and_the_error_grows(monkeypatch):
    scn = load_scenario("xor")  # tanh hidden, sigmoid output
    assert check_all(TrainingSession(scn)).worst.relative_error < TOLERANCE
    right = Sigmoid.slope
    errors = []
    for factor in (1.001, 1.01, 1.1):
        monkeypatch.setattr(Sigmoid, "slope", lambda self, Z, A, f=factor: f * right(self, Z, A))
        result = check_all(TrainingSession(scn))  # the session's backward pass uses the wrong slope
        errors.append(result.worst.relative_error)
        # Every gradient is off by the factor: |f - 1| / (f + 1) relative error.
        assert result.worst.relative_error == pytest.approx((factor - 1) / (factor + 1), rel=1e-3)
        assert result.worst.verdict == "disagrees"
    assert errors[0] < errors[1] < errors[2]


def test_the_worst_weight_is_found_and_located(monkeypatch):
    # Hidden node 1's tanh slope is made 1.5 times too large: only the
    # weights into it (W1[.][1] and b1[1]) get wrong gradients, by 1.5 x.
    session = TrainingSession(random_scenario(3, [3, 4, 2], ["tanh", "identity"], "mse", samples=6))
    right = Tanh.slope

    def wrong(self, Z, A):
        slope = right(self, Z, A).copy()
        slope[:, 1] *= 1.5
        return slope

    monkeypatch.setattr(Tanh, "slope", wrong)
    result = check_all(session)
    worst = result.worst
    assert (worst.param.layer, worst.param.j) == (1, 1)
    assert worst.relative_error == pytest.approx(0.5 / 2.5, rel=1e-6)
    assert worst.backprop == pytest.approx(1.5 * worst.finite_difference, rel=1e-6)
    for p in every_parameter(session):
        check = check_one(session, p)
        assert (check.relative_error > 0.1) == (p.layer == 1 and p.j == 1)


def test_kinks_are_flagged_and_left_out():
    # Hidden pre-activation 1 x 1e-4 sits within the step (1e-3) of ReLU's kink.
    session = TrainingSession(scenario([1, 1, 1], ["relu", "identity"], [[1.0]], [[3.0]],
                                       weights=[[[1e-4]], [[2.0]]], bias=False))
    assert check_one(session, Param(1, 0, 0)).kink
    assert not check_one(session, Param(2, 0, 0)).kink
    result = check_all(session)
    assert (result.kinks, result.checked) == (1, 2)
    assert (result.worst.param.layer, result.worst.kink) == (2, False)
    # A kink in a later layer than the nudged weight: layer 2 is the ReLU one
    # here, its pre-activation 1 x 1 + (-1 + 1e-6) = 1e-6, moved 1e-3 by a nudge.
    session = TrainingSession(scenario([1, 1, 1, 1], ["identity", "relu", "identity"], [[1.0]], [[3.0]],
                                       weights=[[[1.0]], [[1.0]], [[1.0]]], biases=[[0.0], [-1.0 + 1e-6], [0.0]]))
    assert check_one(session, Param(1, 0, 0)).kink and check_one(session, Param(2, None, 0)).kink
    assert not check_one(session, Param(3, 0, 0)).kink
    assert check_all(session).kinks == 4  # W1, b1, W2, b2


def test_non_finite_gives_nan_without_warnings():
    session = TrainingSession(load_scenario("diverging"))
    session.run_updates(370)  # weights are nan from update 365 on
    assert np.isnan(session.W[1]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check = check_one(session, Param(1, 0, 0))
        result = check_all(session)
    assert np.isnan(check.relative_error) and np.isnan(result.worst.relative_error)


def test_a_check_leaves_the_batch_and_the_session_bit_identical():
    session = TrainingSession(load_scenario("iris"))
    session.run_updates(2)
    session.forward()
    session.forward()
    session.backward()  # mid-update: layer 2's gradients done, layer 1's not
    before, W, b = snapshot(session), session.W, session.b
    arrays = [w.copy() for w in W[1:]] + [x.copy() for x in b[1:]]
    batch, sc = session.current.view(), session.scenario
    first = check_weight(batch, Param(2, 2, 1), sc.activations, sc.loss)
    with pytest.raises(ValueError, match="has not reached layer 1"):
        check_weight(batch, Param(1, 2, 3), sc.activations, sc.loss)
    assert_same_snapshot(before, snapshot(session))
    assert session.W is W and session.b is b
    assert all(np.array_equal(x, y) for x, y in zip(arrays, W[1:] + b[1:]))
    # The backprop number is the session's own gradient, the same at the batch's end.
    assert first.backprop == session.current.grad_weights[2][2, 1]
    session.backward()
    assert check_one(session, Param(2, 2, 1)) == first


def test_v_checks_the_gradient_on_screen_after_the_update():
    """Seed, f f b b u v: the breakdown shows the applied batch's gradient 6 for W2[0,0];
    the check is of that gradient, with the weights before the update, not the next batch's."""
    debugger = Debugger(load_scenario("seed"))
    for step in (debugger.forward, debugger.forward, debugger.backward, debugger.backward, debugger.update):
        step()
    assert debugger.session.state.gradient_batch(2) is not None
    check = debugger.check_weight(Param(2, 0, 0))
    assert check.backprop == 6.0 and check.finite_difference == pytest.approx(6.0, abs=1e-9)
    assert check.verdict == "agrees" and check.error_text == "< 1e-10"
    assert debugger.check_network().worst.verdict == "agrees"
    # Before any backward pass there is nothing on screen to check.
    fresh = Debugger(load_scenario("seed"))
    assert fresh.check_weight(Param(2, 0, 0)) is None and fresh.check_network() is None


def test_a_wrong_backward_pass_is_caught(monkeypatch):
    """The check reads the session's gradient: if the backward pass computed it
    wrong, the check says so (it does not recompute the gradient its own way)."""
    from bp_tui.engine import session as session_module

    right = session_module.weight_gradient

    def wrong(*args, **kwargs):
        grad_W, grad_b = right(*args, **kwargs)
        return grad_W * 1.5, grad_b

    monkeypatch.setattr(session_module, "weight_gradient", wrong)
    debugger = Debugger(load_scenario("xor"))
    debugger.run(until_update=1)
    check = debugger.check_weight(Param(1, 0, 0))
    assert check.verdict == "disagrees" and check.relative_error == pytest.approx(0.5 / 2.5, rel=1e-6)
    assert debugger.check_weight(Param(1, None, 0)).verdict == "agrees"  # biases were left right


def test_verdicts_and_their_text():
    session = TrainingSession(scenario([1, 1, 1], ["relu", "identity"], [[1.0]], [[3.0]],
                                       weights=[[[1e-4]], [[2.0]]], bias=False))
    assert check_one(session, Param(1, 0, 0)).verdict == "at a kink"
    assert gradcheck.error_text(8.9e-13) == gradcheck.error_text(3.6e-12) == "< 1e-10"  # two CPUs, one text
    assert gradcheck.error_text(2.5e-7) == "2.5e-07" and gradcheck.error_text(float("nan")) == "nan"
    assert gradcheck.GradCheck(Param(1, 0, 0), 1.0, 1.1, 0.05, 1e-3).verdict == "disagrees"
    assert gradcheck.GradCheck(Param(1, 0, 0), np.nan, 1.0, np.nan, 1e-3).verdict == "not finite"


def test_a_784_128_10_network_is_checked_by_sample():
    rng = np.random.default_rng(0)
    inputs = rng.random((128, 784))
    targets = np.eye(10)[rng.integers(0, 10, 128)]
    session = TrainingSession(scenario([784, 128, 10], ["relu", "softmax"], inputs, targets,
                                       loss="cross_entropy", batch_size=64, init="he", seed=0))
    session.finish_update()
    result = check_all(session)
    assert result.sampled and result.total == 784 * 128 + 128 + 128 * 10 + 10
    assert 2000 <= result.checked <= 2000 + gradcheck.LARGEST + 4
    assert result.worst.relative_error < TOLERANCE and not result.worst.kink
    assert check_all(session) == result  # seeded: the same sample again


def test_a_sample_always_holds_the_largest_gradients():
    grads = np.random.default_rng(1).normal(size=5000)
    grads[4321] = 100.0
    grads[17] = np.nan  # a broken gradient counts as the largest
    starts = np.array([0, 3000, 5000])
    chosen = gradcheck._choose(grads, starts, 100, seed=0)
    order = np.argsort(-np.abs(np.nan_to_num(grads, nan=np.inf)))
    assert {17, 4321} | set(order[:gradcheck.LARGEST].tolist()) <= set(chosen.tolist())
    assert np.argmax(np.abs(grads[3000:])) + 3000 in chosen
    assert np.array_equal(chosen, gradcheck._choose(grads, starts, 100, seed=0))
    assert not np.array_equal(chosen, gradcheck._choose(grads, starts, 100, seed=1))
