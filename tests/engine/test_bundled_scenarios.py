"""The bundled scenarios: every one is valid, and each teaching scenario does
what its description says, checked by training it through ``TrainingSession``.

Predictions are recomputed here with plain NumPy from the trained weights, so
these tests do not rely on the engine's own forward pass to judge its result.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bp_tui.engine.scenario import load_scenario
from bp_tui.engine.session import TrainingSession

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
ALL = sorted(SCENARIOS.glob("*.toml"))
TEACHING = ("xor", "linear", "dead_relu", "diverging", "iris", "sine")

XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bp_tui", *cmd], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, **kwargs)


def trained(name: str) -> TrainingSession:
    """A session of the bundled scenario ``name``, trained through all its epochs."""
    session = TrainingSession(load_scenario(SCENARIOS / f"{name}.toml"))
    session.run_updates(session.state.total_updates)
    assert session.finished
    return session


_ACTIVATIONS = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "softmax": lambda z: np.exp(z - z.max(axis=1, keepdims=True))
    / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True),
}


def predict(session: TrainingSession, X: np.ndarray) -> np.ndarray:
    """The network's output for ``X`` with the session's current weights."""
    state = session.state
    A = np.asarray(X, dtype=float)
    for l, name in enumerate(state.activations[1:], start=1):
        Z = A @ state.weights[l]
        if state.biases[l] is not None:
            Z = Z + state.biases[l]
        A = _ACTIVATIONS[name](Z)
    return A


# ------------------------------------------------------------------ validity
def test_the_teaching_scenarios_are_bundled():
    names = {p.stem for p in ALL}
    assert set(TEACHING) <= names
    assert (SCENARIOS / "data" / "iris.csv").is_file()
    assert (SCENARIOS / "data" / "README.md").is_file()


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_loads_with_a_title_and_a_multiline_description(path):
    scenario = load_scenario(path)
    assert scenario.title.strip()
    description = scenario.description.strip()
    assert description, "every bundled scenario says what it teaches"
    assert "\n" in description


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_check_command_accepts_it(path):
    result = _run(["check", str(path.relative_to(ROOT))])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert ": ok (" in result.stdout


# ---------------------------------------------------------------------- XOR
def test_xor_learns():
    session = trained("xor")
    state = session.state
    assert state.loss_history[-1] < 0.01
    assert state.loss_history[0] > 0.5  # it starts as a coin toss
    assert np.all(np.isfinite(state.loss_history))
    prediction = predict(session, XOR_INPUTS).ravel()
    assert np.round(prediction).tolist() == [0, 1, 1, 0]
    assert np.abs(prediction - [0, 1, 1, 0]).max() < 0.05


def test_xor_is_full_batch_gradient_descent():
    scenario = load_scenario(SCENARIOS / "xor.toml")
    assert scenario.effective_batch_size == scenario.samples == 4
    assert scenario.layers[1] > 1 and len(scenario.layers) == 3


# ---------------------------------------------------------- linear regression
def test_linear_regression_converges_to_the_line():
    session = trained("linear")
    scenario = session.scenario
    assert scenario.layers == (1, 1) and scenario.activations == ("identity",)
    np.testing.assert_allclose(scenario.targets.ravel(), 2 * scenario.inputs.ravel() + 1)
    weight = session.state.weights[1][0, 0]
    bias = session.state.biases[1][0]
    assert abs(weight - 2) < 1e-3
    assert abs(bias - 1) < 1e-3
    assert session.state.loss_history[-1] < 1e-6


# ------------------------------------------------------------------ dead ReLU
def test_dead_relu_unit_never_activates_and_never_changes():
    session = TrainingSession(load_scenario(SCENARIOS / "dead_relu.toml"))
    scenario = session.scenario
    assert scenario.activations[0] == "relu"
    dead = 1
    W1_start = session.state.weights[1].copy()
    b1_start = session.state.biases[1].copy()
    W2_start = session.state.weights[2].copy()
    dead_in = (W1_start[:, dead].tobytes(), b1_start[dead].tobytes())
    dead_out = W2_start[dead].tobytes()

    updates = 0
    while not session.finished:
        state = session.state
        # Its pre-activation is <= 0 for every sample of the data set, not only this batch.
        Z_all = scenario.inputs @ state.weights[1] + state.biases[1]
        assert np.all(Z_all[:, dead] <= 0), f"update {updates + 1}"
        session.finish_update()
        updates += 1
        applied = session.state.applied
        assert np.all(applied.pre_activations[1][:, dead] <= 0)
        assert np.all(applied.node_values[1][:, dead] == 0)
        assert np.all(applied.activation_slopes[1][:, dead] == 0)
        assert np.all(applied.grad_weights[1][:, dead] == 0)
        assert applied.grad_biases[1][dead] == 0
        # The slope of the loss at the dead node is not 0: only the activation slope is.
        assert np.any(applied.loss_slopes[1][:, dead] != 0)
        # Bit-identical: weight - learning_rate * 0 is the same number.
        W1, b1 = session.state.weights[1], session.state.biases[1]
        assert (W1[:, dead].tobytes(), b1[dead].tobytes()) == dead_in
        assert session.state.weights[2][dead].tobytes() == dead_out
    assert updates == scenario.batches_per_epoch * scenario.epochs
    assert scenario.epochs > 1 and scenario.batches_per_epoch > 1

    # Meanwhile the live unit and the output learn.
    state = session.state
    assert not np.array_equal(state.weights[1][:, 0], W1_start[:, 0])
    assert state.biases[1][0] != b1_start[0]
    assert state.weights[2][0, 0] != W2_start[0, 0]
    assert state.epoch_loss[-1] < state.epoch_loss[0] / 1000


# ------------------------------------------------------------------ diverging
def test_diverging_loss_grows_until_it_is_not_finite():
    session = trained("diverging")
    losses = np.array(session.state.loss_history)
    finite = np.isfinite(losses)
    assert not finite.all(), "the loss must overflow within the epochs"
    first_bad = int(np.argmin(finite))
    assert first_bad > 10
    assert finite[:first_bad].all()
    assert np.all(np.diff(losses[:first_bad]) > 0), "the loss grows at every update"
    assert losses[first_bad - 1] > 1e300
    assert math.isinf(losses[first_bad])
    assert np.isnan(losses[-1])
    assert np.isnan(session.state.weights[1]).all()


def test_diverging_trace_prints_non_finite_numbers_and_exits_0():
    result = _run(["trace", "scenarios/diverging.toml"])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Infinity" in result.stdout and "NaN" in result.stdout
    lines = result.stdout.splitlines()
    scenario = load_scenario(SCENARIOS / "diverging.toml")
    assert len(lines) == 1 + scenario.epochs  # step 0, then every update to the end
    last = json.loads(lines[-1])  # Python's json reads NaN back
    assert last["step"] == scenario.epochs and math.isnan(last["loss"])


# ----------------------------------------------------------------------- iris
def test_iris_data_is_the_real_data_set():
    with open(SCENARIOS / "data" / "iris.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    body = rows[1:]
    assert len(body) == 150
    species = [row[-1] for row in body]
    assert {s: species.count(s) for s in set(species)} == {"setosa": 50, "versicolor": 50, "virginica": 50}
    assert body[0] == ["5.1", "3.5", "1.4", "0.2", "setosa"]

    scenario = load_scenario(SCENARIOS / "iris.toml")
    assert scenario.samples == 150
    assert scenario.inputs.shape == (150, 4)
    assert scenario.feature_names == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    # One-hot, classes in sorted order.
    assert scenario.target_names == ("setosa", "versicolor", "virginica")
    assert scenario.target_columns == ("species", "species", "species")
    assert scenario.targets.shape == (150, 3)
    assert np.all(scenario.targets.sum(axis=1) == 1)
    assert set(np.unique(scenario.targets)) == {0.0, 1.0}
    order = ["setosa", "versicolor", "virginica"]
    assert scenario.targets.argmax(axis=1).tolist() == [order.index(s) for s in species]
    np.testing.assert_array_equal(scenario.inputs, np.array([row[:4] for row in body], dtype=float))
    # Mini-batches, shuffled; softmax with cross-entropy.
    assert scenario.activations[-1] == "softmax" and scenario.loss == "cross_entropy"
    assert scenario.batch_size == 16 and scenario.shuffle


def test_iris_source_and_license_are_noted():
    readme = (SCENARIOS / "data" / "README.md").read_text(encoding="utf-8")
    description = load_scenario(SCENARIOS / "iris.toml").description
    for text in (readme, description):
        assert "Fisher" in text and "1936" in text
        assert "UCI Machine Learning Repository" in text
        assert "CC BY 4.0" in text


def test_iris_learns():
    session = trained("iris")
    state = session.state
    assert len(state.epoch_loss) == session.scenario.epochs
    assert state.epoch_loss[0] > 0.8
    assert state.epoch_loss[-1] < 0.3
    assert state.epoch_loss[-1] < state.epoch_loss[0] / 3
    scenario = session.scenario
    accuracy = np.mean(predict(session, scenario.inputs).argmax(axis=1) == scenario.targets.argmax(axis=1))
    assert accuracy > 0.9  # chance is 1/3


# ----------------------------------------------------------------------- sine
def test_sine_batch_losses_are_noisy_while_the_epoch_mean_falls():
    session = trained("sine")
    scenario = session.scenario
    assert scenario.samples == 64 and scenario.shuffle
    np.testing.assert_allclose(scenario.targets.ravel(), np.sin(scenario.inputs.ravel()), atol=1e-6)
    state = session.state
    per_epoch = np.asarray(state.loss_history).reshape(scenario.epochs, scenario.batches_per_epoch)
    assert per_epoch.shape[1] == 8
    # Stochastic gradient descent: within an epoch the batch loss goes up and down.
    steps = np.diff(per_epoch, axis=1)
    noisy = (steps > 0).any(axis=1) & (steps < 0).any(axis=1)
    assert noisy.mean() > 0.9
    assert noisy[-10:].all()
    assert per_epoch[-1].max() > 2 * per_epoch[-1].min()
    # ... while the epoch mean falls a lot.
    assert state.epoch_loss[-1] < state.epoch_loss[0] / 10
    assert state.epoch_loss[-1] < 0.01


# ------------------------------------------------------------------ optional
def test_and_is_learned_by_a_single_sigmoid_node():
    session = trained("and")
    assert session.scenario.layers == (2, 1)
    assert np.round(predict(session, XOR_INPUTS)).ravel().tolist() == [0, 0, 0, 1]
    losses = session.state.loss_history
    assert abs(losses[0] - math.log(2)) < 1e-12
    assert np.all(np.diff(losses) < 0) and losses[-1] < 0.1


def test_vanishing_gradients_stall_a_deep_sigmoid_net():
    session = TrainingSession(load_scenario(SCENARIOS / "vanishing.toml"))
    depth = session.state.depth
    assert depth >= 5 and set(session.scenario.activations) == {"sigmoid"}
    W_start = [w.copy() for w in session.state.weights[1:]]
    session.finish_update()
    applied = session.state.applied
    grad = [np.abs(applied.grad_weights[l]).mean() for l in range(1, depth + 1)]
    slope = [np.abs(applied.loss_slopes[l]).mean() for l in range(1, depth + 1)]
    # Going back one layer at a time, the loss slopes and gradients shrink.
    assert all(a < b for a, b in zip(slope, slope[1:]))
    assert grad[0] < grad[-1] / 1000
    assert all(np.all(applied.activation_slopes[l] <= 0.25) for l in range(1, depth + 1))

    session.run_updates(session.state.total_updates)
    state = session.state
    change = [np.abs(w - w0).mean() / np.abs(w0).mean() for w, w0 in zip(state.weights[1:], W_start)]
    assert change[0] < 1e-3 and change[-1] > 0.1
    assert state.loss_history[-1] > 0.24  # stuck: 0.5 for every sample
    np.testing.assert_allclose(predict(session, XOR_INPUTS).ravel(), 0.5, atol=0.01)
