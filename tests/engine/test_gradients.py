"""The engine's gradients and loss slopes against independent computations.

The reference here is a tiny forward pass and loss written in this file from
the contract's definitions (sections 2-3), sharing no code with the engine:
central finite differences of the *batch* loss give every weight's and
bias's gradient, and finite differences of one sample's loss give the loss
slope at every node.  Random networks cover every activation in hidden and
output layers and every loss (with the outputs it allows), with and without
biases, and every batch size 1..n, including a smaller last batch.

If ``torch`` is importable, the gradients are also compared with torch's
autograd in float64 to 1e-12; torch is not a project dependency, so that test
skips where it is missing, except in CI (``CI=true``), where `.ci/run` installs
it and a skip fails (tests/conftest.py).

ReLU kinks would make finite differences meaningless, so a network whose
batch has a ReLU-like pre-activation within 1e-4 of 0 is re-drawn.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import TrainingSession
from bp_tui.engine.activations import ACTIVATIONS
from tests.engine.helpers import random_scenario, scenario

HIDDEN = ("identity", "relu", "leaky_relu", "sigmoid", "tanh")
OUTPUTS = tuple((act, "mse") for act in HIDDEN) + (("sigmoid", "bce"), ("softmax", "cross_entropy"))
H = 1e-6  # finite-difference step
KINK = 1e-4  # re-draw when a (leaky) ReLU pre-activation is this close to 0


# --------------------------------------------------------------------------
# The independent reference: forward pass and losses from the contract.

def ref_activation(name: str, z: np.ndarray) -> np.ndarray:
    if name == "identity":
        return z
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.01 * z)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise AssertionError(name)


def ref_sample_losses(loss: str, p: np.ndarray, t: np.ndarray) -> np.ndarray:
    if loss == "mse":  # mean over outputs of (prediction - target)^2
        return ((p - t) ** 2).mean(axis=1)
    if loss == "bce":  # mean over outputs of -(t log p + (1 - t) log(1 - p))
        return (-(t * np.log(p) + (1 - t) * np.log(1 - p))).mean(axis=1)
    if loss == "cross_entropy":  # -sum(t log softmax)
        return -(t * np.log(p)).sum(axis=1)
    raise AssertionError(loss)


def ref_pre_activations(weights, biases, acts, x):
    """Every layer's z for inputs x (weights[k] feeds layer k+1)."""
    zs, a = [], x
    for k, (w, act) in enumerate(zip(weights, acts)):
        z = a @ w + (biases[k] if biases is not None else 0.0)
        zs.append(z)
        a = ref_activation(act, z)
    return zs, a


def ref_batch_loss(weights, biases, acts, loss, x, t) -> float:
    """The batch loss: mean over the batch of each sample's loss."""
    _, p = ref_pre_activations(weights, biases, acts, x)
    return float(ref_sample_losses(loss, p, t).mean())


def central_difference(f, arrays) -> list[np.ndarray]:
    """d f / d entry, for every entry of every array (perturbed in place, restored)."""
    grads = []
    for array in arrays:
        g = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            keep = array[index]
            array[index] = keep + H
            up = f()
            array[index] = keep - H
            down = f()
            array[index] = keep
            g[index] = (up - down) / (2 * H)
        grads.append(g)
    return grads


def assert_close_to_fd(engine, fd, scale: float, what: str) -> None:
    """Relative error below 1e-6, or an absolute one at the level of FD's round-off.

    FD of a loss of size ``scale`` carries round-off near eps * scale / H
    (~2e-10 * scale); 1e-8 * scale leaves room without hiding real errors.
    """
    engine, fd = np.asarray(engine), np.asarray(fd)
    assert engine.shape == fd.shape, what
    tolerance = 1e-6 * np.maximum(np.abs(engine), np.abs(fd)) + 1e-8 * max(1.0, scale)
    bad = np.abs(engine - fd) > tolerance
    assert not bad.any(), f"{what}: engine {engine[bad]} vs finite differences {fd[bad]}"


# --------------------------------------------------------------------------
# Driving the engine.

class Kink(Exception):
    """A ReLU-like pre-activation too close to 0 for finite differences."""


def backward_done_batches(sc):
    """Train the whole scenario; yield each batch's view once its backward pass is done."""
    session = TrainingSession(sc)
    while not session.finished:
        while session.next_phase.kind != "update":
            session.step()
        yield session.state.current
        session.update()


def check_no_kink(batch, acts) -> None:
    for layer, act in enumerate(acts, start=1):
        if act in ("relu", "leaky_relu") and (np.abs(batch.pre_activations[layer]) < KINK).any():
            raise Kink


def params_of(batch):
    weights = [np.array(w) for w in batch.weights[1:]]
    biases = None if batch.biases[1] is None else [np.array(b) for b in batch.biases[1:]]
    return weights, biases


def check_gradients(sc) -> int:
    """Every batch's gradients vs central differences of that batch's loss."""
    acts, loss = sc.activations, sc.loss
    checked = 0
    for batch in backward_done_batches(sc):
        check_no_kink(batch, acts)
        weights, biases = params_of(batch)
        x, t = sc.inputs[list(batch.sample_indices)], sc.targets[list(batch.sample_indices)]
        # The batch is the slice the schedule says, and the engine's inputs are its rows.
        assert np.array_equal(batch.node_values[0], x) and np.array_equal(batch.targets, t)

        def f():
            return ref_batch_loss(weights, biases, acts, loss, x, t)

        scale = abs(f())
        assert batch.batch_loss == pytest.approx(scale, rel=1e-12)
        fd = central_difference(f, weights + (biases or []))
        depth = len(weights)
        for k in range(depth):
            assert_close_to_fd(batch.grad_weights[k + 1], fd[k], scale, f"grad W{k + 1}")
            if biases is None:
                assert batch.grad_biases[k + 1] is None
            else:
                assert_close_to_fd(batch.grad_biases[k + 1], fd[depth + k], scale, f"grad b{k + 1}")
        checked += 1
    return checked


def with_redraw(make, check, attempts: int = 20):
    """Run ``check(make(seed))``, re-drawing the network when it hits a ReLU kink."""
    for seed in range(attempts):
        try:
            return check(make(seed))
        except Kink:
            continue
    raise AssertionError("every draw had a ReLU pre-activation near 0")


def network(hidden: str, output: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Two hidden layers (this activation, then the next one in HIDDEN) and an output."""
    second = HIDDEN[(HIDDEN.index(hidden) + 1) % len(HIDDEN)]
    outputs = 3 if output == "softmax" else 2
    return (3, 4, 3, outputs), (hidden, second, output)


def base_seed(*parts) -> int:
    return sum((i + 1) * 1009 * sum(map(ord, str(p))) for i, p in enumerate(parts)) % 100_000


# --------------------------------------------------------------------------
# Gradients.

@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("output,loss", OUTPUTS, ids=[f"{a}-{l}" for a, l in OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_gradients_match_finite_differences(hidden, output, loss, bias):
    """Every activation in hidden and output layers, every loss, biases or not.

    Five samples in batches of 3: a full batch, then a smaller last one of 2.
    """
    layers, acts = network(hidden, output)
    start = base_seed(hidden, output, loss, bias)

    def make(seed):
        return random_scenario(start + seed, layers, acts, loss, bias=bias, samples=5, batch_size=3)

    assert with_redraw(make, check_gradients) == 2


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 5, None], ids=lambda b: f"batch{b}")
@pytest.mark.parametrize(
    "acts,loss",
    [(("tanh", "identity"), "mse"), (("relu", "sigmoid"), "bce"), (("leaky_relu", "softmax"), "cross_entropy")],
    ids=["tanh-mse", "relu-bce", "leaky-ce"],
)
def test_gradients_for_every_batch_size(acts, loss, batch_size):
    """Batch sizes 1..n and the default (full batch), over two epochs with updates in between.

    Later batches start from updated weights, so this also checks that each
    batch's gradients belong to that batch's samples and weights.
    """
    layers = (2, 3, 3 if acts[-1] == "softmax" else 2)
    start = base_seed(acts, loss, batch_size)

    def make(seed):
        return random_scenario(start + seed, layers, acts, loss, samples=5, batch_size=batch_size,
                               epochs=2, learning_rate=0.1)

    expected = 2 * -(-5 // (batch_size or 5))
    assert with_redraw(make, check_gradients) == expected


# --------------------------------------------------------------------------
# Loss slopes: per sample, the slope of that sample's loss w.r.t. a node's value.

def check_loss_slopes(sc) -> int:
    acts, loss = sc.activations, sc.loss
    checked = 0
    for batch in backward_done_batches(sc):
        check_no_kink(batch, acts)
        weights, biases = params_of(batch)
        t = sc.targets[list(batch.sample_indices)]
        depth = len(weights)
        for layer in range(1, depth + 1):
            a = np.array(batch.node_values[layer])
            if layer == depth and acts[-1] == "softmax":
                # Taken together with cross-entropy: the slope w.r.t. the pre-activation, p - t.
                z = np.array(batch.pre_activations[layer])
                node, rest = z, lambda v: ref_activation("softmax", v)
            else:
                node = a

                def rest(v, layer=layer):
                    _, p = ref_pre_activations(weights[layer:], None if biases is None else biases[layer:],
                                               acts[layer:], v)
                    return p

            def sample_losses(node=node, rest=rest):
                return ref_sample_losses(loss, rest(node), t)

            fd = np.zeros_like(node)
            for index in np.ndindex(node.shape):
                keep = node[index]
                node[index] = keep + H
                up = sample_losses()[index[0]]
                node[index] = keep - H
                down = sample_losses()[index[0]]
                node[index] = keep
                fd[index] = (up - down) / (2 * H)
            scale = float(np.abs(sample_losses()).max())
            assert_close_to_fd(batch.loss_slopes[layer], fd, scale, f"loss slopes of layer {layer}")
        checked += 1
    return checked


@pytest.mark.parametrize("output,loss", OUTPUTS, ids=[f"{a}-{l}" for a, l in OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_loss_slopes_match_finite_differences(hidden, output, loss):
    """Hidden and output loss slopes, per sample and node (for one mse output: 2 x error)."""
    layers, acts = network(hidden, output)
    start = base_seed("slopes", hidden, output, loss)

    def make(seed):
        return random_scenario(start + seed, layers, acts, loss, samples=4, batch_size=4)

    assert with_redraw(make, check_loss_slopes) == 1


def test_activation_slopes_are_the_derivatives():
    """dA/dZ per node, against central differences of the reference activations."""
    rng = np.random.default_rng(7)
    z = rng.normal(0, 2, size=(6, 5))
    z = np.where(np.abs(z) < KINK, 0.5, z)
    for name in HIDDEN:
        act = ACTIVATIONS[name]
        fd = (ref_activation(name, z + H) - ref_activation(name, z - H)) / (2 * H)
        assert_close_to_fd(act.slope(z, act.value(z)), fd, 1.0, name)
        np.testing.assert_allclose(act.value(z), ref_activation(name, z), rtol=1e-14, atol=1e-300)


# --------------------------------------------------------------------------
# ReLU and leaky ReLU at exactly 0.

@pytest.mark.parametrize("name,slope", [("relu", 0.0), ("leaky_relu", 0.01)])
def test_relu_slope_at_exactly_zero_is_the_negative_sides(name, slope):
    """At z = 0 exactly: relu's slope is 0 and leaky relu's is 0.01, as in PyTorch."""
    act = ACTIVATIONS[name]
    z = np.array([[0.0, -0.0, -1e-300, 1e-300, -3.0, 2.0]])
    expected = [[slope, slope, slope, 1.0, slope, 1.0]]
    assert act.slope(z, act.value(z)).tolist() == expected

    # In a session: inputs [1, -1] against equal weights put both hidden nodes at 0.
    sc = scenario((2, 2, 1), (name, "identity"), [[1.0, -1.0]], [[1.0]], bias=False,
                  weights=[[[1.0, 2.0], [1.0, 2.0]], [[3.0], [-2.0]]])
    session = TrainingSession(sc)
    for _ in range(4):
        session.step()
    cur = session.state.current
    assert cur.pre_activations[1].tolist() == [[0.0, 0.0]]
    assert cur.activation_slopes[1].tolist() == [[slope, slope]]
    # prediction 0, target 1: loss slope -2 at the output; hidden loss slopes -2 * [3, -2].
    assert cur.loss_slopes[1].tolist() == [[-6.0, 4.0]]
    assert cur.grad_weights[1].tolist() == [[-6.0 * slope, 4.0 * slope], [6.0 * slope, -4.0 * slope]]


# --------------------------------------------------------------------------
# The same gradients from PyTorch's autograd, where torch is installed.

def torch_gradients(torch, batch, acts, loss):
    weights = [torch.tensor(np.array(w), dtype=torch.float64, requires_grad=True) for w in batch.weights[1:]]
    has_bias = batch.biases[1] is not None
    biases = [torch.tensor(np.array(b), dtype=torch.float64, requires_grad=True)
              for b in batch.biases[1:]] if has_bias else []
    a = torch.tensor(np.array(batch.node_values[0]), dtype=torch.float64)
    t = torch.tensor(np.array(batch.targets), dtype=torch.float64)
    fn = torch.nn.functional
    for k, (w, act) in enumerate(zip(weights, acts)):
        z = a @ w + (biases[k] if has_bias else 0.0)
        if act == "softmax":
            log_p = torch.log_softmax(z, dim=1)
            break
        a = {"identity": lambda v: v, "relu": torch.relu, "leaky_relu": lambda v: fn.leaky_relu(v, 0.01),
             "sigmoid": torch.sigmoid, "tanh": torch.tanh}[act](z)
    if loss == "mse":
        sample = ((a - t) ** 2).mean(dim=1)
    elif loss == "bce":
        sample = (-(t * torch.log(a) + (1 - t) * torch.log(1 - a))).mean(dim=1)
    else:
        sample = -(t * log_p).sum(dim=1)
    sample.mean().backward()
    return [w.grad.numpy() for w in weights], [b.grad.numpy() for b in biases]


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("output,loss", OUTPUTS, ids=[f"{a}-{l}" for a, l in OUTPUTS])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_gradients_match_torch_autograd(hidden, output, loss, bias):
    """float64 autograd agrees to 1e-12 relative (absolute 1e-14 of the layer's scale)."""
    torch = pytest.importorskip("torch", exc_type=ImportError)
    layers, acts = network(hidden, output)
    sc = random_scenario(base_seed("torch", hidden, output, loss, bias), layers, acts, loss,
                         bias=bias, samples=5, batch_size=3)
    for batch in backward_done_batches(sc):
        grad_w, grad_b = torch_gradients(torch, batch, acts, loss)
        engine_b = batch.grad_biases[1:] if bias else []
        for k, (mine, theirs) in enumerate(zip(list(batch.grad_weights[1:]) + list(engine_b), grad_w + grad_b)):
            np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14 * max(1.0, np.abs(theirs).max()),
                                       err_msg=f"parameter array {k}")


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_relu_at_zero_matches_torch(name):
    """torch's slope of relu / leaky relu at exactly 0, against the engine's."""
    torch = pytest.importorskip("torch", exc_type=ImportError)
    z = torch.zeros(1, 3, dtype=torch.float64, requires_grad=True)
    f = torch.relu if name == "relu" else (lambda v: torch.nn.functional.leaky_relu(v, 0.01))
    f(z).sum().backward()
    act = ACTIVATIONS[name]
    zeros = np.zeros((1, 3))
    assert act.slope(zeros, act.value(zeros)).tolist() == z.grad.numpy().tolist()
