"""The first two updates of every optimizer, worked out by hand for one weight.

The network is one identity weight w, no bias, input 1, target 0, mse: the
loss is w², its gradient 2w.  From w = 1 with learning rate 0.1, each test
writes the numbers of contract section 5's formulas (the decimals worked by
hand; where they stop being round, the formula itself on the previous hand
numbers) and checks the trace and the breakdown's explanation against them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.optimizers import OPTIMIZERS
from bp_tui.engine.params import Param
from bp_tui.engine.trace import trace_records
from bp_tui.engine.training_settings import OptimizerSettings

REL = 1e-12


def two_updates(**training) -> list[tuple[float, float]]:
    """``(gradient, weight after)`` of the first two updates."""
    document = {
        "title": "one weight",
        "network": {"layers": [1, 1], "activations": ["identity"], "bias": False, "weights": [[[1.0]]]},
        "data": {"inputs": [[1.0]], "targets": [[0.0]]},
        "training": {"loss": "mse", "learning_rate": 0.1, "epochs": 2} | training,
    }
    records = list(trace_records(TrainingSession(scenario_from_dict(document))))[1:]
    assert len(records) == 2
    return [(r["grad_weights"][0][0][0], r["weights"][0][0][0]) for r in records]


def check(got, expected):
    for (g, w), (g_hand, w_hand) in zip(got, expected):
        assert g == pytest.approx(g_hand, rel=REL)
        assert w == pytest.approx(w_hand, rel=REL)


def test_sgd():
    # g = 2, w = 1 - 0.1 * 2 = 0.8; g = 1.6, w = 0.8 - 0.16 = 0.64
    check(two_updates(), [(2.0, 0.8), (1.6, 0.64)])


def test_sgd_weight_decay():
    # g + 0.5 w = 2 + 0.5 = 2.5, w = 0.75; g = 1.5 (the trace's), 1.5 + 0.375 = 1.875, w = 0.5625
    check(two_updates(weight_decay=0.5), [(2.0, 0.75), (1.5, 0.5625)])


def test_momentum():
    # v = g = 2, w = 0.8; g = 1.6, v = 0.9 * 2 + 1.6 = 3.4, w = 0.8 - 0.34 = 0.46
    check(two_updates(optimizer="momentum"), [(2.0, 0.8), (1.6, 0.46)])


def test_momentum_weight_decay():
    # g' = 2 + 0.5 = 2.5 = v, w = 0.75; g = 1.5, g' = 1.875, v = 0.9 * 2.5 + 1.875 = 4.125, w = 0.3375
    check(two_updates(optimizer="momentum", weight_decay=0.5), [(2.0, 0.75), (1.5, 0.3375)])


def test_nesterov():
    # v = 2, w = 1 - 0.1 * (2 + 0.9 * 2) = 0.62
    # g = 1.24, v = 1.8 + 1.24 = 3.04, w = 0.62 - 0.1 * (1.24 + 0.9 * 3.04) = 0.62 - 0.3976 = 0.2224
    check(two_updates(optimizer="nesterov"), [(2.0, 0.62), (1.24, 0.2224)])


def test_rmsprop():
    # alpha 0.75: s = 0.25 * 2² = 1, w = 1 - 0.1 * 2 / (1 + 1e-8) = 0.800000002 (to 9 digits)
    w1 = 1 - 0.2 / (1 + 1e-8)
    assert w1 == pytest.approx(0.800000002, rel=1e-9)
    g2 = 2 * w1
    s2 = 0.75 * 1 + 0.25 * g2**2  # 1.3900000032
    w2 = w1 - 0.1 * g2 / (math.sqrt(s2) + 1e-8)
    check(two_updates(optimizer="rmsprop", alpha=0.75), [(2.0, w1), (g2, w2)])


def test_adam():
    # m = 0.1 * 2 = 0.2, s = 0.001 * 4 = 0.004, m̂ = 0.2 / 0.1 = 2, ŝ = 0.004 / 0.001 = 4,
    # w = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9000000005 (to 10 digits)
    w1 = 1 - 0.1 * 2 / (2 + 1e-8)
    assert w1 == pytest.approx(0.9000000005, rel=1e-10)
    g2 = 2 * w1  # 1.800000001
    m2 = 0.9 * 0.2 + 0.1 * g2  # 0.3600000001
    s2 = 0.999 * 0.004 + 0.001 * g2**2  # 0.0072360000036
    m_hat, s_hat = m2 / (1 - 0.9**2), s2 / (1 - 0.999**2)  # 1.8947..., 3.6198...
    w2 = w1 - 0.1 * m_hat / (math.sqrt(s_hat) + 1e-8)  # 0.80041...
    assert w2 == pytest.approx(0.8004, abs=1e-4)
    check(two_updates(optimizer="adam"), [(2.0, w1), (g2, w2)])


def test_adam_weight_decay_is_added_to_the_gradient():
    # g' = 2 + 0.5 = 2.5: m̂ = 2.5, ŝ = 6.25, w = 1 - 0.1 * 2.5 / (2.5 + 1e-8)
    w1 = 1 - 0.1 * 2.5 / (2.5 + 1e-8)
    g2 = 2 * w1
    gd = g2 + 0.5 * w1
    m2, s2 = 0.9 * 0.25 + 0.1 * gd, 0.999 * 0.00625 + 0.001 * gd**2
    w2 = w1 - 0.1 * (m2 / 0.19) / (math.sqrt(s2 / (1 - 0.999**2)) + 1e-8)
    check(two_updates(optimizer="adam", weight_decay=0.5), [(2.0, w1), (g2, w2)])


def test_adamw_decays_the_weight_first():
    # w' = 1 * (1 - 0.1 * 0.5) = 0.95, then Adam's step of 0.1 * 2 / (2 + 1e-8): 0.8500000005
    w1 = 0.95 - 0.1 * 2 / (2 + 1e-8)
    assert w1 == pytest.approx(0.8500000005, rel=1e-10)
    g2 = 2 * w1
    m2, s2 = 0.9 * 0.2 + 0.1 * g2, 0.999 * 0.004 + 0.001 * g2**2
    w2 = w1 * 0.95 - 0.1 * (m2 / 0.19) / (math.sqrt(s2 / (1 - 0.999**2)) + 1e-8)
    check(two_updates(optimizer="adamw", weight_decay=0.5), [(2.0, w1), (g2, w2)])


def test_frozen_weight_keeps_its_value_and_gradient():
    check(two_updates(optimizer="adam", freeze=["W1"], weight_decay=0.1), [(2.0, 1.0), (2.0, 1.0)])


# --- the explanation of one entry's update ---------------------------------------------


def short(x: float) -> str:
    return f"{x:.8g}"


W = Param.parse("W1[0,0]")


def one_weight(name: str, **settings):
    """The optimizer of the one-weight network above (learning rate 0.1)."""
    return OPTIMIZERS[name](0.1, (1, 1), False, OptimizerSettings(name=name, **settings))


def lines(step) -> list[str]:
    return [f"{e.formula}: {e.numbers(short)}" for e in step.equations]


def test_momentum_explained_with_its_numbers():
    opt = one_weight("momentum")
    first = opt.explain(W, 1.0, 2.0, opt.state)
    assert lines(first) == ["gradient (first update) = v: 2 (first update) = 2",
                            "learning_rate × v = step: 0.1 × 2 = 0.2",
                            "w − step = new w: 1 − 0.2 = 0.8"]
    opt.step([None, np.array([[1.0]])], [None, None], [None, np.array([[2.0]])], [None, None])
    second = opt.explain(W, 0.8, 1.6, opt.state)
    assert lines(second)[0] == "momentum × v + gradient = v: 0.9 × 2 + 1.6 = 3.4"
    assert second.new_value == pytest.approx(0.46, rel=REL)


def test_nesterov_explained():
    opt = one_weight("nesterov")
    assert lines(opt.explain(W, 1.0, 2.0, opt.state))[1:] == [
        "learning_rate × (gradient + momentum × v) = step: 0.1 × (2 + 0.9 × 2) = 0.38",
        "w − step = new w: 1 − 0.38 = 0.62"]


def test_rmsprop_explained():
    opt = one_weight("rmsprop", alpha=0.75)
    assert lines(opt.explain(W, 1.0, 2.0, opt.state))[0] == (
        "alpha × s + (1 − alpha) × gradient² = s: 0.75 × 0 + (1 − 0.75) × 2² = 1")


def test_adam_explained_with_m_s_their_corrections_and_the_step():
    opt = one_weight("adam", weight_decay=0.5)
    step = opt.explain(W, 1.0, 2.0, opt.state)
    assert [e.result.name for e in step.equations] == ["g", "m", "s", "m̂", "ŝ", "step", "new w"]
    assert lines(step)[:5] == [
        "gradient + weight_decay × w = g: 2 + 0.5 × 1 = 2.5",
        "beta1 × m + (1 − beta1) × g = m: 0.9 × 0 + (1 − 0.9) × 2.5 = 0.25",
        "beta2 × s + (1 − beta2) × g² = s: 0.999 × 0 + (1 − 0.999) × 2.5² = 0.00625",
        "m / (1 − beta1^1) = m̂: 0.25 / (1 − 0.9^1) = 2.5",
        "s / (1 − beta2^1) = ŝ: 0.00625 / (1 − 0.999^1) = 6.25",
    ]
    assert step.new_value == pytest.approx(1 - 0.1 * 2.5 / (2.5 + 1e-8), rel=REL)


def test_adamw_explained_starts_with_the_decayed_weight():
    opt = one_weight("adamw", weight_decay=0.5)
    step = opt.explain(W, 1.0, 2.0, opt.state)
    assert lines(step)[0] == "w × (1 − learning_rate × weight_decay) = w: 1 × (1 − 0.1 × 0.5) = 0.95"
    assert lines(step)[-1] == "w − step = new w: 0.95 − 0.1 = 0.85"


def test_sgd_with_weight_decay_explained():
    opt = one_weight("sgd", weight_decay=0.5)
    assert lines(opt.explain(W, 1.0, 2.0, opt.state)) == [
        "gradient + weight_decay × w = g: 2 + 0.5 × 1 = 2.5",
        "w − learning_rate × g = new w: 1 − 0.1 × 2.5 = 0.75"]


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_frozen_entry_explained_as_not_moving(name):
    opt = one_weight(name, freeze=("W1",))
    step = opt.explain(W, 0.35, 0.01, opt.state)
    assert step.new_value == 0.35
    frozen = "(frozen: its gradient is not applied)"
    assert lines(step) == [f"w {frozen} = new w: 0.35 {frozen} = 0.35"]


def test_explain_document_writes_adams_square_root_as_maths():
    """``bp-tui explain`` renders the optimizer's lines: √ŝ as \\sqrt{...} around the whole number."""
    from bp_tui.engine.explain import explain_update

    document = {
        "title": "one weight",
        "network": {"layers": [1, 1], "activations": ["identity"], "bias": False, "weights": [[[1.0]]]},
        "data": {"inputs": [[1.0]], "targets": [[0.0]]},
        "training": {"loss": "mse", "learning_rate": 0.1, "epochs": 2, "optimizer": "adam"},
    }
    text = explain_update(scenario_from_dict(document), 1)
    assert "`beta1 × m + (1 − beta1) × gradient = m`" in text
    assert r"\sqrt{4" in text and "m̂" in text
