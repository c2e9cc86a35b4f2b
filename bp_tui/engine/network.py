"""The formulas of one dense layer, forward and backward, as on the slides.

Layers are numbered as the user sees them: layer 0 is the input, layers
1..L are computed.  Layer ``l`` has weights ``W`` of shape
``(nodes in layer l-1, nodes in layer l)`` (``W[i, j]`` goes from node i to
node j) and biases ``b`` of shape ``(nodes in layer l,)``, or none.

Every function takes a whole batch: arrays have one row per sample.
"""

from __future__ import annotations

import numpy as np

INITS = ("he", "xavier", "normal", "zeros")


def pre_activation(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Z = A_prev @ W + b: what each node of the layer adds up from the last."""
    Z = A_prev @ W
    if b is not None:
        Z += b
    return Z


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
