"""What the "what it learned" pane shows, as numbers: a thin adapter over the engine.

The pane needs the network's node values over inputs it never trained on (a
grid over the input plane, a range of one input) and, for classification,
accuracy and a confusion matrix.  These come from the engine's forward pass
(``network.pre_activation`` and the activations' ``value``, layer by layer,
exactly the formulas training uses); this module only builds the inputs and
groups the results.  Computed once per redraw of the pane, never per line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.activations import ACTIVATIONS
from ..engine.network import pre_activation

MARGIN = 0.1  # the plotted range reaches this fraction of the data's range beyond it


def node_values(state, X: np.ndarray) -> list[np.ndarray]:
    """Every layer's node values for inputs ``X`` (n, inputs): index 0 is X itself."""
    values = [X]
    with np.errstate(all="ignore"):  # a diverged network draws as NaN, not a warning
        for layer in range(1, len(state.layers)):
            Z = pre_activation(values[-1], state.weights[layer], state.biases[layer])
            values.append(ACTIVATIONS[state.activations[layer]].value(Z))
    return values


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


def confusion(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Counts [target class, predicted class]; the predicted class is the largest output (lowest on ties)."""
    k = targets.shape[1]
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (targets.argmax(axis=1), outputs.argmax(axis=1)), 1)
    return counts
