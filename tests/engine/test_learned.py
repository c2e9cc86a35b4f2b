"""The "what it learned" numbers, checked against values worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.learned import classified, curve, plane, prediction_vs_target, span


def net(weights, biases, activations):
    """A state-like object: layers indexed from 1, as the session's."""
    return SimpleNamespace(weights=[None] + [np.array(w, dtype=float) for w in weights],
                           biases=[None] + [None if b is None else np.array(b, dtype=float) for b in biases],
                           activations=("",) + tuple(activations))


def test_span_widens_the_range_and_is_never_empty():
    assert span(np.array([0.0, 10.0])) == (-1.0, 11.0)
    assert span(np.array([2.0, 2.0])) == (1.5, 2.5)
    assert span(np.array([np.nan, 1.0, 3.0, np.inf]), margin=0) == (1.0, 3.0)


def test_plane_output_and_hidden_maps_by_hand():
    # hidden: h0 = relu(x - y), h1 = relu(y); output = 2 h0 + h1 + 0.5
    state = net([[[1, 0], [-1, 1]], [[2], [1]]], [None, [0.5]], ["relu", "identity"])
    inputs = np.array([[0.0, 0.0], [2.0, 1.0]])
    p = plane(state, inputs, (0, 1), columns=3, rows=2, margin=0)
    np.testing.assert_array_equal(p.xs, [0, 1, 2])
    np.testing.assert_array_equal(p.ys, [1, 0])  # top row first: the largest y
    # top row y=1: x=0,1,2 -> h0 = 0,0,1; h1 = 1 -> out 1.5, 1.5, 3.5
    # bottom row y=0: h0 = 0,1,2; h1 = 0 -> out 0.5, 2.5, 4.5
    np.testing.assert_array_equal(p.output[:, :, 0], [[1.5, 1.5, 3.5], [0.5, 2.5, 4.5]])
    np.testing.assert_array_equal(p.node_map(1, 0), [[0, 0, 1], [0, 1, 2]])
    np.testing.assert_array_equal(p.node_map(1, 1), [[1, 1, 1], [0, 0, 0]])
    assert p.layers[0].shape == (2, 3, 2) and p.x_range == (0.0, 2.0) and p.y_range == (0.0, 1.0)


def test_two_features_picked_the_others_held_at_their_mean():
    # output = x0 + 10 x1 + 100 x2; map x0 (across) and x2 (up), x1 at its mean 3
    state = net([[[1], [10], [100]]], [None], ["identity"])
    inputs = np.array([[0.0, 1.0, 0.0], [1.0, 5.0, 1.0]])
    p = plane(state, inputs, (0, 2), columns=2, rows=2, margin=0)
    np.testing.assert_array_equal(p.output[:, :, 0], [[130, 131], [30, 31]])


def test_curve_over_one_input():
    state = net([[[2]]], [[1]], ["identity"])
    xs, out = curve(state, np.array([[0.0], [4.0]]), points=5, margin=0)
    np.testing.assert_array_equal(xs, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(out[:, 0], [1, 3, 5, 7, 9])


def test_classified_by_hand():
    # softmax of the inputs themselves: the larger input is the predicted class
    state = net([[[1, 0], [0, 1]]], [None], ["softmax"])
    X = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 1.0], [5.0, 0.0]])
    T = np.array([[1, 0], [1, 0], [0, 1], [1, 0]], dtype=float)
    result = classified(state, "cross_entropy", X, T)
    assert result.accuracy == 0.5  # right, wrong, tie -> class 0 (wrong), right
    np.testing.assert_array_equal(result.confusion, [[2, 1], [1, 0]])
    with pytest.raises(ValueError):
        classified(state, "mse", X, T)


def test_bce_classified_uses_the_half_line():
    state = net([[[1]]], [None], ["sigmoid"])  # sigmoid(x) >= 0.5 exactly when x >= 0
    X = np.array([[-1.0], [0.0], [2.0]])
    result = classified(state, "bce", X, np.array([[0.0], [0.0], [1.0]]))
    assert result.accuracy == 2 / 3
    np.testing.assert_array_equal(result.confusion, [[1, 1], [0, 1]])


def test_prediction_vs_target_sorted_by_target():
    state = net([[[3]]], [None], ["identity"])
    t, p = prediction_vs_target(state, np.array([[1.0], [0.0], [2.0]]), np.array([[2.0], [0.5], [3.0]]))
    np.testing.assert_array_equal(t, [0.5, 2, 3])
    np.testing.assert_array_equal(p, [0, 3, 6])


def test_a_session_state_is_accepted_and_its_map_follows_the_weights():
    document = {"title": "t", "network": {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "seed": 2},
                "data": {"generate": "circle", "samples": 40},
                "training": {"loss": "bce", "learning_rate": 0.5}}
    session = TrainingSession(scenario_from_dict(document))
    before = plane(session.state, session.scenario.inputs, columns=4, rows=3)
    session.run_updates(1)
    after = plane(session.state, session.scenario.inputs, columns=4, rows=3)
    assert before.output.shape == (3, 4, 1) and before.node_map(1, 2).shape == (3, 4)
    assert not np.array_equal(before.output, after.output)
    corner = np.array([[before.xs[0], before.ys[0]]])  # the top-left point, by the plain formula
    W1, W2 = session.scenario.initial_parameters()[0]
    expected = 1 / (1 + np.exp(-(np.tanh(corner @ W1) @ W2)))
    assert before.output[0, 0, 0] == pytest.approx(expected[0, 0], rel=1e-12)


def test_a_wide_network_maps_two_of_its_inputs_as_the_plain_forward_pass_does():
    rng = np.random.default_rng(5)
    state = net([rng.normal(size=(100, 7)), rng.normal(size=(7, 3))], [rng.normal(size=7), None],
                ["tanh", "softmax"])
    inputs = rng.normal(size=(20, 100))
    wide = plane(state, inputs, (3, 97), columns=5, rows=4)
    X = np.repeat(inputs.mean(axis=0, keepdims=True), 20, axis=0)
    gx, gy = np.meshgrid(wide.xs, wide.ys)
    X[:, 3], X[:, 97] = gx.ravel(), gy.ravel()
    hidden = np.tanh(X @ state.weights[1] + state.biases[1])
    logits = hidden @ state.weights[2]
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(wide.node_map(1, 6), hidden[:, 6].reshape(4, 5), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(wide.output, softmax.reshape(4, 5, 3), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(wide.layers[0][:, :, 0], gx)
    assert wide.layers[0].shape == (4, 5, 2)
