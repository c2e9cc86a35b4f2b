"""What the network has learned, as numbers for the "what it learned" pane.

TensorFlow Playground's first picture is the network's output over the input
plane, with a small map per hidden node.  These functions compute those maps
(and, for other shapes of data, a curve or a table) with the weights of one
moment, by one forward pass over all the points at once: the UI calls them
once per redraw, never per rendered line, and draws what they return.

``state`` is anything with ``weights``, ``biases`` (indexed by layer from 1)
and ``activations`` (index 0 unused), such as a ``SessionState``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .metrics import accuracy, confusion_matrix, forward
from .network import pre_activation

#: The plotted range reaches this share of the data's range beyond it, each side.
MARGIN = 0.1
#: Above this many inputs a grid's first layer is built from the two that vary (see ``plane``).
WIDE = 32


def node_values(state, X: np.ndarray) -> list[np.ndarray]:
    """Every layer's node values for the inputs ``X`` (n, inputs): ``[X, A1, ..., AL]``."""
    return forward(state.activations, state.weights, state.biases, X)


def predictions(state, X: np.ndarray) -> np.ndarray:
    """The output layer's values for ``X``: ``(n, outputs)``."""
    return node_values(state, X)[-1]


def span(column: np.ndarray, margin: float = MARGIN) -> tuple[float, float]:
    """The plotted range of one input: its finite values' range, widened by ``margin`` each side.

    Never empty: a constant input gets +-0.5 around it, no finite value 0..1.
    """
    finite = column[np.isfinite(column)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi == lo:
        return lo - 0.5, hi + 0.5
    pad = (hi - lo) * margin
    return lo - pad, hi + pad


@dataclass(frozen=True)
class Plane:
    """Node values over a grid of two inputs, the other inputs held at their mean.

    ``layers[l]`` is ``(rows, columns, nodes of layer l)``; row 0 is the top
    (the largest value of the second feature), column 0 the left (the
    smallest of the first), as a picture is drawn; ``layers[0]`` holds the
    two mapped inputs only.  ``xs``/``ys`` are the grid's coordinates (``ys``
    from the top).
    """

    features: tuple[int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    xs: np.ndarray
    ys: np.ndarray
    layers: list

    @property
    def output(self) -> np.ndarray:
        """The output layer over the grid: ``(rows, columns, outputs)``."""
        return self.layers[-1]

    def node_map(self, layer: int, node: int) -> np.ndarray:
        """One node's own map, ``(rows, columns)``: a hidden node's thumbnail (layer from 1)."""
        return self.layers[layer][:, :, node]


def grid_inputs(inputs: np.ndarray, features: tuple[int, int], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """``(rows x columns, inputs)`` points: row by row from the top, features set, the others at their mean."""
    fx, fy = features
    X = np.repeat(inputs.mean(axis=0, keepdims=True), len(xs) * len(ys), axis=0)
    gx, gy = np.meshgrid(xs, ys)
    X[:, fx], X[:, fy] = gx.ravel(), gy.ravel()
    return X


def plane(state, inputs: np.ndarray, features: tuple[int, int] = (0, 1), columns: int = 40, rows: int = 40,
          margin: float = MARGIN) -> Plane:
    """Every layer's node values over ``columns`` x ``rows`` points spanning two inputs' range.

    ``inputs`` (the samples, e.g. training and held-out together) set the
    range and the mean the other inputs are held at.  One forward pass; with
    more than ``WIDE`` inputs (784 pixels) the first layer's pre-activations
    are the held inputs' part, computed once, plus the two varying inputs x
    their rows of W1: the same sums, without a grid row of 784 numbers per point.
    """
    fx, fy = features
    x_range, y_range = span(inputs[:, fx], margin), span(inputs[:, fy], margin)
    xs = np.linspace(*x_range, columns)
    ys = np.linspace(*y_range, rows)[::-1]
    if inputs.shape[1] <= WIDE:
        values = node_values(state, grid_inputs(inputs, features, xs, ys))
        values[0] = values[0][:, list(features)]
    else:
        values = _wide_values(state, inputs, features, xs, ys)
    return Plane(features, x_range, y_range, xs, ys, [v.reshape(rows, columns, -1) for v in values])


def _wide_values(state, inputs: np.ndarray, features: tuple[int, int], xs: np.ndarray, ys: np.ndarray) -> list:
    """``node_values`` over the grid, its first layer from the two varying inputs only."""
    fx, fy = features
    held = inputs.mean(axis=0)
    held[[fx, fy]] = 0.0
    gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
    W1 = state.weights[1]
    with np.errstate(all="ignore"):
        Z1 = pre_activation(held[None, :], W1, state.biases[1]) + gx[:, None] * W1[fx] + gy[:, None] * W1[fy]
        A1 = ACTIVATIONS[state.activations[1]].value(Z1)
    rest = forward(("",) + tuple(state.activations[2:]), [None, *state.weights[2:]], [None, *state.biases[2:]], A1)
    return [np.column_stack([gx, gy]), *rest]


def curve(state, inputs: np.ndarray, points: int = 80, feature: int = 0,
          margin: float = MARGIN) -> tuple[np.ndarray, np.ndarray]:
    """The prediction along one input's range, the others at their mean: ``(xs, outputs (points, k))``."""
    xs = np.linspace(*span(inputs[:, feature], margin), points)
    X = np.repeat(inputs.mean(axis=0, keepdims=True), points, axis=0)
    X[:, feature] = xs
    return xs, predictions(state, X)


@dataclass(frozen=True)
class Classified:
    """How a classifier does on some samples: accuracy and the confusion matrix (row: target, column: predicted)."""

    accuracy: float
    confusion: np.ndarray


def classified(state, loss: str, X: np.ndarray, T: np.ndarray) -> Classified:
    """Accuracy and confusion matrix of ``X`` against ``T`` (``cross_entropy`` or ``bce``)."""
    P = predictions(state, X)
    score = accuracy(loss, P, T)
    if score is None:
        raise ValueError(f"no classes with loss {loss!r}")
    return Classified(score, confusion_matrix(loss, P, T))


def prediction_vs_target(state, X: np.ndarray, T: np.ndarray, output: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Regression: ``(targets, predictions)`` of one output node, sorted by target (for a scatter or a line)."""
    P = predictions(state, X)[:, output]
    t = T[:, output]
    order = np.argsort(t, kind="stable")
    return t[order], P[order]
