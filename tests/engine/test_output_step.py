"""The output step in the slides' words: prediction, target, error, loss and loss slope.

Hand-worked numbers first (the seed's 7 − 4 = 3, 3² = 9, 2 × 3 = 6; a sigmoid
and a softmax at 0 giving 0.5), then, for random networks of each loss, the
formula with its numbers is evaluated as Python arithmetic and must give both
the stated result and the loss and loss slope the training session computed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.output_step import output_step
from tests.engine.helpers import SEED_TOML, random_scenario, scenario


def forward(session: TrainingSession) -> None:
    while session.next_phase.kind == "forward":
        session.step()


def evaluate(worked) -> float:
    """The formula with its numbers, computed by Python: an independent check of ``result``."""
    text = worked.with_numbers(lambda v: f"({v!r})")
    text = text.replace("×", "*").replace("−", "-").replace("²", "**2").replace("log", "math.log")
    return eval(text, {"math": math})  # our own formula text, numbers from repr


def test_seed_error_is_7_minus_4_and_the_slope_2_times_3():
    session = TrainingSession(load_scenario(SEED_TOML))
    session.step()
    assert output_step(session.state.current, "mse") is None  # the output is not computed yet
    session.step()
    step = output_step(session.state.current, "mse")
    assert (step.prediction[0], step.target[0], step.error[0]) == (7.0, 4.0, 3.0)
    assert step.loss.formula == "error²" and step.loss.with_numbers(str) == "3.0²" and step.loss.result == 9.0
    (slope,) = step.loss_slopes
    assert slope.formula == "2 × error" and slope.with_numbers(lambda v: f"{v:g}") == "2 × 3"
    assert slope.result == 6.0 and step.slope_wrt == "the output node's value"
    assert step.sample_index == 0 and step.outputs == 1


def test_mse_with_two_outputs_averages_and_scales_by_2_over_k():
    sc = scenario((1, 2), ("identity",), [[1.0]], [[0.0, 4.0]], bias=False, weights=[[[1.0, 2.0]]])
    session = TrainingSession(sc)
    forward(session)
    step = output_step(session.state.current, "mse")
    assert step.error.tolist() == [1.0, -2.0]
    assert step.loss.formula == "mean over the 2 outputs of error²" and step.loss.result == 2.5
    assert [s.formula for s in step.loss_slopes] == ["2/2 × error"] * 2
    assert [s.result for s in step.loss_slopes] == [1.0, -2.0]


def test_bce_at_one_half():
    sc = scenario((1, 2), ("sigmoid",), [[1.0]], [[1.0, 0.0]], loss="bce", bias=False, weights=[[[0.0, 0.0]]])
    session = TrainingSession(sc)
    forward(session)
    step = output_step(session.state.current, "bce")
    assert step.prediction.tolist() == [0.5, 0.5] and step.error.tolist() == [-0.5, 0.5]
    assert step.loss.with_numbers(str) == "(−log(0.5) + −log(1 − 0.5)) / 2"
    assert step.loss.result == pytest.approx(math.log(2), rel=1e-12)
    # (p − t) / (p (1 − p)) / k: (0.5 − 1) / 0.25 / 2 = −1 and (0.5 − 0) / 0.25 / 2 = 1
    assert [s.result for s in step.loss_slopes] == [-1.0, 1.0]


def test_softmax_cross_entropy_is_p_minus_t():
    sc = scenario((1, 2), ("softmax",), [[1.0]], [[1.0, 0.0]], loss="cross_entropy", bias=False,
                  weights=[[[0.0, 0.0]]])
    session = TrainingSession(sc)
    forward(session)
    step = output_step(session.state.current, "cross_entropy")
    assert step.loss.with_numbers(str) == "−log(0.5)" and step.loss.result == pytest.approx(math.log(2), rel=1e-12)
    assert [s.with_numbers(str) for s in step.loss_slopes] == ["0.5 − 1.0", "0.5 − 0.0"]
    assert [s.result for s in step.loss_slopes] == [-0.5, 0.5]
    assert "pre-activation" in step.slope_wrt


@pytest.mark.parametrize("loss, activation, outputs", [
    ("mse", "identity", 1), ("mse", "tanh", 3), ("bce", "sigmoid", 1), ("bce", "sigmoid", 2),
    ("cross_entropy", "softmax", 3)])
def test_worked_numbers_compute_to_what_training_computed(loss, activation, outputs):
    sc = random_scenario(7, (3, 4, outputs), ("relu", activation), loss, samples=4)
    session = TrainingSession(sc)
    forward(session)
    session.step()  # the output layer's backward phase: its loss slopes
    batch = session.state.current
    for s in range(4):
        step = output_step(batch, loss, s)
        assert step.sample == s and step.sample_index == s
        assert evaluate(step.loss) == pytest.approx(step.loss.result, rel=1e-12)
        assert step.loss.result == pytest.approx(batch.sample_loss[s], rel=1e-12)
        for k, worked in enumerate(step.loss_slopes):
            assert evaluate(worked) == pytest.approx(worked.result, rel=1e-12, abs=1e-15)
            assert worked.result == pytest.approx(batch.loss_slopes[-1][s, k], rel=1e-12, abs=1e-15)
        np.testing.assert_array_equal(step.error, batch.node_values[-1][s] - batch.targets[s])
