"""The gradient of each weight taken apart into the slides' three factors.

``weight_breakdown`` must agree with the gradient the update applies, for
every weight and bias of a network: the batch mean of (node value feeding in
x loss slope at the node fed x activation slope there) equals the gradient,
and ``new_weight`` is exactly the weight after the update.
``loss_slope_assembly`` must add up, over the next layer's nodes, to the loss
slope at the hidden node.  Both are None until the layer's backward phase is
done.  The seed example's selected output weight is checked by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.breakdown import loss_slope_assembly, weight_breakdown
from bp_tui.engine.params import Param
from tests.engine.helpers import SEED_TOML, random_scenario, scenario

NETWORKS = {
    "tanh-relu-identity-mse": ((3, 4, 3, 2), ("tanh", "relu", "identity"), "mse"),
    "leaky-sigmoid-bce": ((2, 5, 3, 2), ("leaky_relu", "sigmoid", "sigmoid"), "bce"),
    "sigmoid-tanh-softmax-ce": ((4, 3, 3, 3), ("sigmoid", "tanh", "softmax"), "cross_entropy"),
}


def to_update(session: TrainingSession) -> None:
    """Step until every backward phase of the current batch is done."""
    while session.next_phase.kind != "update":
        session.step()


def every_parameter(layers, bias: bool):
    """(layer, i, j) for each weight, then (layer, None, j) for each bias."""
    for layer in range(1, len(layers)):
        for i in range(layers[layer - 1]):
            for j in range(layers[layer]):
                yield layer, i, j
        if bias:
            for j in range(layers[layer]):
                yield layer, None, j


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("name", NETWORKS)
def test_every_weight_and_bias_breaks_down_into_its_gradient(name, bias):
    """Mean of per-sample products == gradient; new weight == the weight after the update."""
    layers, acts, loss = NETWORKS[name]
    sc = random_scenario(11, layers, acts, loss, bias=bias, samples=7, batch_size=4, epochs=2,
                         learning_rate=0.3)
    session = TrainingSession(sc)
    for _ in range(sc.batches_per_epoch * sc.epochs):  # a full batch of 4, then a smaller one of 3
        to_update(session)
        cur = session.state.current
        lr = session.state.learning_rate
        breakdowns = {}
        for layer, i, j in every_parameter(layers, bias):
            bd = weight_breakdown(cur, Param(layer, i, j), acts[layer - 1], session.optimizer)
            assert bd is not None
            n = len(cur.sample_indices)
            assert bd.sample_indices == cur.sample_indices
            assert bd.node_value.shape == bd.loss_slope.shape == bd.activation_slope.shape == (n,)
            # The three factors, read independently from the batch view.
            feeding = np.ones(n) if i is None else cur.node_values[layer - 1][:, i]
            np.testing.assert_array_equal(bd.node_value, feeding)
            np.testing.assert_array_equal(bd.loss_slope, cur.loss_slopes[layer][:, j])
            np.testing.assert_array_equal(bd.activation_slope, cur.activation_slopes[layer][:, j])
            np.testing.assert_array_equal(bd.product, feeding * cur.loss_slopes[layer][:, j]
                                          * cur.activation_slopes[layer][:, j])
            # Their batch mean is the gradient.
            grad = cur.grad_biases[layer][j] if i is None else cur.grad_weights[layer][i, j]
            assert bd.gradient == grad
            assert bd.mean == pytest.approx(grad, rel=1e-12, abs=1e-15)
            assert np.mean(bd.product) == pytest.approx(grad, rel=1e-12, abs=1e-15)
            # The update it will make.
            weight = cur.biases[layer][j] if i is None else cur.weights[layer][i, j]
            assert bd.weight == weight
            assert bd.new_weight == weight - lr * grad  # plain SGD, as the slides
            (line,) = bd.update.equations
            w = "b" if i is None else "w"
            assert line.formula == f"{w} − learning_rate × gradient = new {w}"
            assert [t.value for t in line.pieces[::2]] == [weight, lr, grad]
            assert bd.is_bias == (i is None)
            assert bd.slopes_combined == (acts[layer - 1] == "softmax")
            breakdowns[layer, i, j] = bd
        session.update()
        # After the update: new_weight is exactly the weight now in force.
        state = session.state
        applied = state.applied
        for (layer, i, j), bd in breakdowns.items():
            now = state.biases[layer][j] if i is None else state.weights[layer][i, j]
            after = applied.biases_after[layer][j] if i is None else applied.weights_after[layer][i, j]
            assert bd.new_weight == now == after
            # The applied batch still breaks down the same way.
            again = weight_breakdown(applied, Param(layer, i, j), acts[layer - 1], session.optimizer)
            assert again.gradient == bd.gradient and again.new_weight == bd.new_weight


@pytest.mark.parametrize("name", NETWORKS)
def test_hidden_loss_slope_is_the_sum_over_the_next_layer(name):
    """Loss slope at hidden node = sum over next nodes k of loss slope x activation slope x weight."""
    layers, acts, loss = NETWORKS[name]
    sc = random_scenario(5, layers, acts, loss, samples=6, batch_size=4)
    session = TrainingSession(sc)
    to_update(session)
    cur = session.state.current
    depth = len(layers) - 1
    for layer in range(1, depth):
        for node in range(layers[layer]):
            asm = loss_slope_assembly(cur, layer, node)
            assert asm is not None and (asm.layer, asm.node) == (layer, node)
            n, k = len(cur.sample_indices), layers[layer + 1]
            assert asm.product.shape == asm.next_loss_slope.shape == (n, k)
            np.testing.assert_array_equal(asm.weight, cur.weights[layer + 1][node, :])
            np.testing.assert_array_equal(asm.product, cur.loss_slopes[layer + 1] * cur.activation_slopes[layer + 1]
                                          * cur.weights[layer + 1][node, :])
            np.testing.assert_array_equal(asm.loss_slope, cur.loss_slopes[layer][:, node])
            np.testing.assert_allclose(asm.product.sum(axis=1), asm.loss_slope, rtol=1e-12,
                                       atol=1e-15 * max(1.0, np.abs(asm.product).max()))
    # The output layer's loss slope comes from the loss itself: no assembly.
    assert loss_slope_assembly(cur, depth, 0) is None


def test_breakdowns_are_none_before_the_layers_backward_phase():
    """Nothing to break down for a layer whose backward phase has not run for this batch."""
    layers, acts, loss = NETWORKS["tanh-relu-identity-mse"]
    sc = random_scenario(3, layers, acts, loss, samples=4, batch_size=2, epochs=2)
    session = TrainingSession(sc)
    depth = len(layers) - 1

    def available():
        cur = session.state.current
        weights, biases = (
            [weight_breakdown(cur, Param(l, i, 0), acts[l - 1], session.optimizer) is not None
             for l in range(1, depth + 1)]
            for i in (0, None)
        )
        return weights, biases, [loss_slope_assembly(cur, l, 0) is not None for l in range(1, depth)]

    for _batch in range(2):
        # Before and during the forward pass.
        for _ in range(depth + 1):
            assert available() == ([False] * 3, [False] * 3, [False] * 2)
            if session.next_phase.kind == "forward":
                session.forward()
        # Backward, one layer at a time from the last.
        assert session.next_phase.kind == "backward"
        session.backward()  # layer 3
        assert available() == ([False, False, True], [False, False, True], [False, False])
        session.backward()  # layer 2
        assert available() == ([False, True, True], [False, True, True], [False, True])
        session.backward()  # layer 1
        assert available() == ([True] * 3, [True] * 3, [True] * 2)
        session.update()
        # A new batch: pending again (the applied one still has its breakdowns).
        assert available() == ([False] * 3, [False] * 3, [False] * 2)
        applied = session.state.applied
        assert weight_breakdown(applied, Param(1, 0, 0), acts[0], session.optimizer) is not None


def test_seed_output_weight_breakdown():
    """Seed, layer 2, from hidden node 0 to the output: 1 x 6 x 1 = 6; 1 - 0.01 x 6 = 0.94."""
    session = TrainingSession(load_scenario(SEED_TOML))
    session.forward()
    session.forward()
    assert weight_breakdown(session.state.current, Param(2, 0, 0), "identity", session.optimizer) is None
    session.backward()
    bd = weight_breakdown(session.state.current, Param(2, 0, 0), "identity", session.optimizer)
    assert (bd.param, bd.sample_indices) == (Param.weight(2, 0, 0), (0,))
    assert bd.node_value.tolist() == [1.0]
    assert bd.loss_slope.tolist() == [6.0]
    assert bd.activation_slope.tolist() == [1.0]
    assert bd.product.tolist() == [6.0]
    assert bd.mean == 6.0 and bd.gradient == 6.0
    assert bd.weight == 1.0 and bd.new_weight == 0.94
    assert bd.at_zero.tolist() == [False] and not bd.slopes_combined and not bd.is_bias
    # The other output weight: 3 x 6 x 1 = 18, 2 - 0.18 = 1.82.
    other = weight_breakdown(session.state.current, Param(2, 1, 0), "identity", session.optimizer)
    assert other.product.tolist() == [18.0] and other.new_weight == 1.82
    # Hidden node 1's loss slope: 6 x 1 x 2 = 12.
    session.backward()
    asm = loss_slope_assembly(session.state.current, 1, 1)
    assert asm.product.tolist() == [[12.0]] and asm.loss_slope.tolist() == [12.0]
    bd = weight_breakdown(session.state.current, Param(1, 1, 1), "relu", session.optimizer)
    assert bd.product.tolist() == [12.0] and bd.new_weight == 2.88
    session.update()
    assert session.state.weights[2][0, 0] == 0.94


def test_at_zero_marks_relu_nodes_sitting_exactly_at_zero():
    """The breakdown flags samples where a (leaky) ReLU node's pre-activation is exactly 0."""
    sc = scenario((2, 2, 1), ("leaky_relu", "identity"), [[1.0, -1.0], [1.0, 2.0]], [[1.0], [0.0]],
                  bias=False, weights=[[[1.0, 2.0], [1.0, -1.0]], [[3.0], [-2.0]]])
    session = TrainingSession(sc)
    to_update(session)
    cur = session.state.current
    # z1 = [1 - 1, 2 + 1] = [0, 3] for sample 0, [1 + 2, 2 - 2] = [3, 0] for sample 1.
    first = weight_breakdown(cur, Param(1, 0, 0), "leaky_relu", session.optimizer)
    second = weight_breakdown(cur, Param(1, 0, 1), "leaky_relu", session.optimizer)
    assert first.at_zero.tolist() == [True, False]
    assert second.at_zero.tolist() == [False, True]
    assert first.activation_slope.tolist() == [0.01, 1.0]
    assert second.activation_slope.tolist() == [1.0, 0.01]
