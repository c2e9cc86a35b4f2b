"""Activation functions, each a value and a slope, side by side.

The slides' chain rule needs, for every node, the *slope of the activation
function at the node*.  Each activation here therefore gives two things for a
batch of pre-activations ``Z`` of shape ``(n_samples, n_nodes)``:

- ``value(Z)``: the node values ``A``;
- ``slope(Z, A)``: dA/dZ per node, same shape (``A`` is passed in so the
  slope can reuse it, as sigmoid and tanh do).

At exactly 0, ReLU and leaky ReLU take the slope of their negative side
(0 and 0.01), as PyTorch does.

Softmax couples its nodes, so it has no per-node slope: with cross-entropy
(the only loss it may feed) the loss slope and the activation slope are taken
together as ``p - t`` (see ``losses.CrossEntropy``), and its ``slope`` is 1.
"""

from __future__ import annotations

import numpy as np

LEAKY_SLOPE = 0.01


class Activation:
    """A named activation: ``value`` and ``slope`` of the node it sits on."""

    name = ""
    #: True when the slope is taken together with the loss (softmax).
    combined_with_loss = False

    def value(self, Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def slope(self, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Identity(Activation):
    name = "identity"

    def value(self, Z):
        return Z

    def slope(self, Z, A):
        return np.ones_like(Z)


class ReLU(Activation):
    name = "relu"

    def value(self, Z):
        return np.maximum(Z, 0.0)

    def slope(self, Z, A):
        # 1 where the node is positive, 0 where it is negative *or exactly 0*.
        return (Z > 0).astype(Z.dtype)


class LeakyReLU(Activation):
    name = "leaky_relu"

    def value(self, Z):
        return np.where(Z > 0, Z, LEAKY_SLOPE * Z)

    def slope(self, Z, A):
        return np.where(Z > 0, 1.0, LEAKY_SLOPE)


class Sigmoid(Activation):
    name = "sigmoid"

    def value(self, Z):
        # For very negative Z, exp(-Z) overflows to inf and 1 / inf = 0: the
        # right limit, so no special case (the engine computes under errstate).
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-Z))

    def slope(self, Z, A):
        return A * (1.0 - A)


class Tanh(Activation):
    name = "tanh"

    def value(self, Z):
        return np.tanh(Z)

    def slope(self, Z, A):
        return 1.0 - A * A


class Softmax(Activation):
    name = "softmax"
    combined_with_loss = True

    def value(self, Z):
        shifted = Z - Z.max(axis=1, keepdims=True)
        E = np.exp(shifted)
        return E / E.sum(axis=1, keepdims=True)

    def slope(self, Z, A):
        # Taken together with cross-entropy's slope (p - t): see module doc.
        return np.ones_like(Z)


ACTIVATIONS: dict[str, Activation] = {
    cls.name: cls() for cls in (Identity, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax)
}

