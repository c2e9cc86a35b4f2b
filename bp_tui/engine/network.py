"""The formulas of one dense layer, forward and backward, as on the slides.

Layers are numbered as the user sees them: layer 0 is the input, layers
1..L are computed.  Layer ``l`` has weights ``W`` of shape
``(nodes in layer l-1, nodes in layer l)`` (``W[i, j]`` goes from node i to
node j) and biases ``b`` of shape ``(nodes in layer l,)``, or none.

Every function takes a whole batch: arrays have one row per sample.
``forward`` is the one forward pass: the session runs it a layer per phase
(``forward_layer``), the gradient check and the held-out scores over whole
sample sets, a pane over a grid of inputs (``predict``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import ACTIVATIONS, Activation

INITS = ("he", "xavier", "normal", "zeros")


def pre_activation(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Z = A_prev @ W + b: what each node of the layer adds up from the last."""
    Z = A_prev @ W
    if b is not None:
        Z += b
    return Z


def forward_layer(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray | None,
                  activation: Activation) -> tuple[np.ndarray, np.ndarray]:
    """One layer forward: its pre-activations ``Z = A_prev @ W + b`` and node values ``activation(Z)``."""
    Z = pre_activation(A_prev, W, b)
    return Z, activation.value(Z)


def forward(W: Sequence, b: Sequence, activations: Sequence, X: np.ndarray) -> tuple[list, list]:
    """The forward pass through every layer: ``(Z, A)``, each indexed by layer.

    ``W``, ``b`` and ``activations`` (names or ``Activation`` objects) are
    indexed by layer from 1, index 0 unused, as the session keeps them.
    ``Z[l]`` and ``A[l]`` are ``(n, nodes of layer l)``; ``Z[0]`` is None and
    ``A[0]`` is ``X``.  The caller sets NumPy's error state (a diverging run
    makes inf and NaN, which flow on); ``predict`` does it for you.
    """
    Z: list = [None]
    A: list = [X]
    for l in range(1, len(W)):
        act = activations[l]
        z, a = forward_layer(A[-1], W[l], b[l], ACTIVATIONS[act] if isinstance(act, str) else act)
        Z.append(z)
        A.append(a)
    return Z, A


def predict(W: Sequence, b: Sequence, activations: Sequence, X) -> np.ndarray:
    """The network's outputs for any inputs ``X`` (n, inputs): ``(n, outputs)``, without warnings."""
    with np.errstate(all="ignore"):
        return forward(W, b, activations, np.asarray(X, dtype=np.float64))[1][-1]


def hidden_loss_slope(
    loss_slope_next: np.ndarray, activation_slope_next: np.ndarray, W_next: np.ndarray
) -> np.ndarray:
    """"Go back one layer at a time": the loss slope at each node of a hidden layer.

    For node i it is the sum over the next layer's nodes k of
    loss slope at k x activation slope at k x weight from i to k.
    Shapes: ``(n, nodes next)`` twice and ``(nodes, nodes next)`` -> ``(n, nodes)``.
    """
    return (loss_slope_next * activation_slope_next) @ W_next.T


def weight_gradient(A_prev: np.ndarray, loss_slope: np.ndarray, activation_slope: np.ndarray,
                    with_bias: bool = True):
    """Gradients of the layer's weights and biases for the batch.

    Per sample, the gradient of weight (i, j) is the product of
    1. the node value feeding into the weight (``A_prev[:, i]``),
    2. the loss slope at the node it feeds into (``loss_slope[:, j]``),
    3. the activation slope at that node (``activation_slope[:, j]``);
    the batch's gradient is the mean over its samples.  For a bias the node
    value is 1.  Returns ``(grad_W, grad_b)`` (``grad_b`` None without biases).
    The 1/n of the mean is applied to the small per-node factor first, so the
    big weight matrix is touched once.
    """
    delta = loss_slope * activation_slope
    n = delta.shape[0]
    if n > 1:
        delta *= 1.0 / n
    return A_prev.T @ delta, (delta.sum(axis=0) if with_bias else None)


def initial_weights(sizes, init: str, rng: np.random.Generator) -> list[np.ndarray]:
    """Random starting weights, one matrix per computed layer.

    ``he`` (std sqrt(2 / fan_in)) suits ReLU; ``xavier`` (std
    sqrt(2 / (fan_in + fan_out))) suits sigmoid and tanh; ``normal`` is std 1,
    the slides' "some random set of weights"; ``zeros`` shows why symmetry
    must be broken.
    """
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if init == "zeros":
            weights.append(np.zeros((fan_in, fan_out)))
            continue
        std = {
            "he": np.sqrt(2.0 / fan_in),
            "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
            "normal": 1.0,
        }[init]
        weights.append(rng.standard_normal((fan_in, fan_out)) * std)
    return weights
