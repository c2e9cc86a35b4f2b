"""The worked example's last parts: every parameter's gradient and update, with numbers.

The gradient is the slides' product per sample (read from ``breakdown``), then
the mean over the batch.  With plain SGD a weight moves by ``w − learning_rate × gradient``; the new
value shown is the one training actually wrote (``BatchView.weights_after``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .breakdown import weight_breakdown
from .explain_math import EXPAND_TERMS, factor, num, product
from .state import BatchView


def _name(param) -> str:
    layer, i, j = param
    return f"b{layer}[{j}]" if i is None else f"W{layer}[{i},{j}]"


def _values(batch: BatchView, param) -> tuple[float, float, float]:
    """(before, gradient, after) of one parameter."""
    layer, i, j = param
    assert batch.weights_after is not None and batch.biases_after is not None  # a finished update
    if i is None:
        return (float(batch.biases[layer][j]), float(batch.grad_biases[layer][j]),
                float(batch.biases_after[layer][j]))
    return (float(batch.weights[layer][i, j]), float(batch.grad_weights[layer][i, j]),
            float(batch.weights_after[layer][i, j]))


def update_lines(scenario, batch: BatchView, params: list, session, limited: Callable) -> Iterator[str]:
    """The update section: one row per parameter, in layer order."""
    lr = scenario.learning_rate
    yield ""
    yield "## The update"
    yield ""
    yield (f"Every parameter moves against its gradient: $w \\leftarrow w - \\eta\\, g$ with learning rate "
           f"$\\eta = {num(lr)}$.")
    yield ""
    yield "| parameter | before $w$ | update | after |"
    yield "|---|---|---|---|"
    ordered = sorted(params, key=lambda p: (p[0], p[1] is None, p[1] or 0, p[2]))
    rows = (_sgd_row(batch, p, lr) for p in ordered)
    yield from limited(rows, len(ordered))


def _sgd_row(batch: BatchView, param, lr: float) -> str:
    before, gradient, after = _values(batch, param)
    return (f"| `{_name(param)}` | ${num(before)}$ | ${num(before)} - {product(lr, gradient)} = {num(after)}$ | "
            f"${num(after)}$ |")


def gradient_lines(s, batch: BatchView, params: list, limited: Callable) -> Iterator[str]:
    n = len(batch.sample_indices)
    yield ""
    yield "## Gradients"
    yield ""
    yield ("The gradient of a weight is, per sample, the product of the node value feeding into it, the "
           "loss slope at the node it feeds into and the activation slope there; then the mean over the "
           "batch. For a bias the node value is 1.")
    yield ""
    yield "| parameter | sample | node value × loss slope × activation slope | gradient |"
    yield "|---|---|---|---|"
    yield from limited((row for p in params for row in _gradient_rows(s, batch, p)), len(params) * (n + (n > 1)))


def _gradient_rows(s, batch: BatchView, param) -> Iterator[str]:
    layer, i, j = param
    bd = weight_breakdown(batch, layer, i, j, s.learning_rate, s.activations[layer - 1])
    assert bd is not None
    name, n = f"`{_name(param)}`", len(bd.sample_indices)
    for k in range(n):
        last = n == 1
        grad = f"${num(bd.gradient)}$" if last else ""
        yield (f"| {name if k == 0 else ''} | #{bd.sample_indices[k]} | "
               f"${product(bd.node_value[k], bd.loss_slope[k], bd.activation_slope[k])} = {num(bd.product[k])}$ | "
               f"{grad} |")
    if n > 1:
        terms = " + ".join(factor(v) for v in bd.product) if n <= EXPAND_TERMS else f"\\text{{{n} products}}"
        yield f"| | mean | $\\frac{{1}}{{{n}}}({terms})$ | ${num(bd.gradient)}$ |"
