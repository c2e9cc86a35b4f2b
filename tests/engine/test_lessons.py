"""Generated data sets and the lessons built on them do what their descriptions say.

The data sets are checked against their recipes; the lessons by training them
and judging the result with plain NumPy from the weights (not the engine's
forward pass or its held-out scorer).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario, scenario_from_dict
from bp_tui.engine.datasets import GENERATORS, generate

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def outputs(state, X: np.ndarray) -> np.ndarray:
    """Plain NumPy forward pass (tanh hidden layers, a sigmoid output)."""
    A = X
    for l in range(1, len(state.weights)):
        Z = A @ state.weights[l] + state.biases[l]
        A = np.tanh(Z) if l < len(state.weights) - 1 else 1 / (1 + np.exp(-Z))
    return A


def bce(P, T) -> float:
    return float(np.mean(-(T * np.log(P) + (1 - T) * np.log(1 - P))))


def share_right(P, T) -> float:
    return float(np.mean((P >= 0.5) == (T >= 0.5)))


# --- the data sets ---------------------------------------------------------------


@pytest.mark.parametrize("name", GENERATORS)
def test_generated_sets_are_seeded_balanced_and_mixed(name):
    X, y = generate(name, 101, 0.2, seed=4)
    again = generate(name, 101, 0.2, seed=4)
    other = generate(name, 101, 0.2, seed=5)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])
    assert not np.array_equal(X, other[0])
    assert set(y.tolist()) == {0.0, 1.0}
    if name not in ("circle", "xor"):  # there, noise moves labels; elsewhere the classes are halves
        assert sorted(np.bincount(y.astype(int)).tolist()) == [50, 51]
    assert 0.2 < y[-25:].mean() < 0.8  # a random order: the last quarter holds both classes
    assert np.abs(X).max() < 12  # Playground's scale (about -6..6)


def test_noiseless_sets_follow_their_rules():
    X, y = generate("circle", 400, 0.0, 0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.array_equal(y == 1, r < 2.5) and r[y == 0].min() >= 3.5 and r.max() <= 5
    X, y = generate("xor", 400, 0.0, 0)
    assert np.array_equal(y == 1, X[:, 0] * X[:, 1] >= 0) and np.abs(X).min() >= 0.3
    X, y = generate("gaussian", 400, 0.0, 0)  # variance 0.5 around (2, 2) and (-2, -2)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.2)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.2)
    np.testing.assert_allclose(X[y == 1].var(axis=0), [0.5, 0.5], rtol=0.25)
    X, y = generate("spiral", 400, 0.0, 0)
    assert np.hypot(X[:, 0], X[:, 1]).max() < 5  # radius i/n x 5 for i < n
    ones, zeros = np.sort(np.hypot(*X[y == 1].T)), np.sort(np.hypot(*X[y == 0].T))
    np.testing.assert_allclose(ones, zeros)  # the arms are the same curve, half a turn apart
    X, y = generate("moons", 400, 0.0, 0)
    # the upper moon (class 0) is a half circle of radius 2.5 around (-1.25, -0.625)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0] + 1.25, X[y == 0, 1] + 0.625), 2.5)


def test_generate_in_a_scenario_one_or_two_outputs():
    def load(layers, acts, loss):
        return scenario_from_dict({"title": "t", "network": {"layers": layers, "activations": acts, "seed": 9},
                                   "data": {"generate": "moons", "samples": 30, "noise": 0.1},
                                   "training": {"loss": loss, "learning_rate": 0.1}})

    one = load([2, 1], ["sigmoid"], "bce")
    two = load([2, 2], ["softmax"], "cross_entropy")
    X, y = generate("moons", 30, 0.1, 9)
    np.testing.assert_array_equal(one.inputs, X)
    np.testing.assert_array_equal(one.targets[:, 0], y)
    np.testing.assert_array_equal(two.targets, np.column_stack([1 - y, y]))
    assert one.feature_names == ("x1", "x2") and one.target_names == ("label",)
    assert two.target_names == ("0", "1") and two.target_columns == ("label", "label")


# --- the lessons ---------------------------------------------------------------------


def train(scenario) -> TrainingSession:
    session = TrainingSession(scenario)
    session.run_updates(session.state.total_updates)
    return session


def variant(name: str, layers, activations):
    """The bundled lesson with another network, as its description invites."""
    s = load_scenario(SCENARIOS / f"{name}.toml")
    document = {"title": "t", "network": {"layers": layers, "activations": activations, "seed": s.seed,
                                          "init": s.init},
                "data": {"inputs": s.inputs.tolist(), "targets": s.targets.tolist(),
                         "test_inputs": s.test_inputs.tolist(), "test_targets": s.test_targets.tolist()},
                "training": {"loss": s.loss, "learning_rate": s.learning_rate, "batch_size": s.batch_size,
                             "epochs": s.epochs, "shuffle": s.shuffle}}
    return scenario_from_dict(document)


def test_circle_is_learned_with_a_hidden_layer_and_not_without():
    s = load_scenario(SCENARIOS / "circle.toml")
    assert len(s.test_inputs) == 50 and s.samples == 150
    state = train(s).state
    assert share_right(outputs(state, s.inputs), s.targets) > 0.95
    assert share_right(outputs(state, s.test_inputs), s.test_targets) > 0.95
    assert bce(outputs(state, s.test_inputs), s.test_targets) < 0.15  # from about 0.7
    line = train(variant("circle", [2, 1], ["sigmoid"])).state
    assert share_right(outputs(line, s.test_inputs), s.test_targets) < 0.7
    assert bce(outputs(line, s.inputs), s.targets) > 0.6


def test_spiral_needs_depth():
    s = load_scenario(SCENARIOS / "spiral.toml")
    deep = train(s).state
    assert share_right(outputs(deep, s.test_inputs), s.test_targets) > 0.95
    shallow = train(variant("spiral", [2, 48, 1], ["tanh", "sigmoid"])).state
    assert share_right(outputs(shallow, s.test_inputs), s.test_targets) < 0.7
    assert bce(outputs(shallow, s.inputs), s.targets) > 0.4


def test_overfit_train_loss_falls_while_the_heldout_loss_rises():
    s = load_scenario(SCENARIOS / "overfit.toml")
    session = TrainingSession(s)
    heldout, train_loss = [], []
    while True:  # after every update, judged from the weights with plain NumPy
        heldout.append(bce(outputs(session.state, s.test_inputs), s.test_targets))
        train_loss.append(bce(outputs(session.state, s.inputs), s.targets))
        if session.finished:
            break
        session.finish_update()
    heldout, train_loss = np.array(heldout), np.array(train_loss)
    best = int(np.argmin(heldout))
    assert 50 < best < len(heldout) // 2  # it first falls, then turns
    assert heldout[-1] > 2.5 * heldout[best]  # and ends well above its minimum...
    assert train_loss[-1] < train_loss[best] / 10  # ...while the training loss kept falling
    after = train_loss[best:]
    assert np.all(np.diff(after[:: len(after) // 10]) < 0)
    # the engine's own history (contract section 6) agrees with this independent one
    np.testing.assert_allclose(session.state.test_loss_history, heldout, rtol=1e-9)
