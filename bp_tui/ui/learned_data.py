"""What the "what it learned" pane shows, as numbers, from the engine.

The pane needs the network's node values over inputs it never trained on (a
grid over the input plane, a range of one input) and, for classification,
accuracy and a confusion matrix.  All come from the engine
(``metrics.forward``, the same forward pass the session and the held-out
scores use, and ``metrics.accuracy`` / ``confusion_matrix``); this module
only builds the grid of inputs and groups the results.  Computed once per
redraw of the pane, never per line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import metrics

MARGIN = 0.1  # the plotted range reaches this fraction of the data's range beyond it


def node_values(state, X: np.ndarray) -> list[np.ndarray]:
    """Every layer's node values for inputs ``X`` (n, inputs): index 0 is X itself."""
    return metrics.forward(state.activations, state.weights, state.biases, X)


def span(column: np.ndarray) -> tuple[float, float]:
    """The plotted range of one input: the data's, widened by ``MARGIN`` each side (never empty)."""
    finite = column[np.isfinite(column)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    pad = (hi - lo) * MARGIN or 0.5
    return lo - pad, hi + pad


@dataclass(frozen=True)
class Plane:
    """Node values over a grid of two inputs (the others at their mean)."""

    features: tuple[int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    layers: list  # per layer: (rows, columns, nodes); row 0 is the top (largest y)


def plane(state, inputs: np.ndarray, features: tuple[int, int], columns: int, rows: int) -> Plane:
    """Node values of every layer over ``columns`` x ``rows`` points of the plane of two inputs."""
    fx, fy = features
    x_range, y_range = span(inputs[:, fx]), span(inputs[:, fy])
    xs = np.linspace(*x_range, columns)
    ys = np.linspace(*y_range, rows)[::-1]
    X = np.repeat(inputs.mean(axis=0, keepdims=True), rows * columns, axis=0)
    gx, gy = np.meshgrid(xs, ys)
    X[:, fx], X[:, fy] = gx.ravel(), gy.ravel()
    return Plane(features, x_range, y_range, [v.reshape(rows, columns, -1) for v in node_values(state, X)])


def curve(state, inputs: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """The prediction over the range of the one input: ``(xs, outputs (points, k))``."""
    xs = np.linspace(*span(inputs[:, 0]), points)
    return xs, node_values(state, xs[:, None])[-1]


def predictions(state, inputs: np.ndarray) -> np.ndarray:
    return node_values(state, inputs)[-1]


def confusion(loss: str, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Counts [target class, predicted class], as the engine counts them."""
    return metrics.confusion_matrix(loss, outputs, targets)


def accuracy(loss: str, outputs: np.ndarray, targets: np.ndarray) -> float | None:
    return metrics.accuracy(loss, outputs, targets)


def next_features(pair: tuple[int, int], inputs: int) -> tuple[int, int]:
    """The next pair of inputs to map (a < b, in reading order), wrapping to the first."""
    pairs = [(a, b) for a in range(inputs) for b in range(a + 1, inputs)]
    if not pairs:
        return pair
    return pairs[(pairs.index(pair) + 1) % len(pairs)] if pair in pairs else pairs[0]
