"""The worked example's last parts: every parameter's gradient and update, with numbers.

The gradient is the slides' product per sample (read from ``breakdown``), then
the mean over the batch.  With plain SGD a weight moves by ``w − learning_rate × gradient``; the new
value shown is the one training actually wrote (``BatchView.weights_after``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .breakdown import weight_breakdown
from .explain_math import EXPAND_TERMS, factor, num, product
from .params import Param
from .state import BatchView


def _values(batch: BatchView, param: Param) -> tuple[float, float, float]:
    """(before, gradient, after) of one parameter."""
    assert batch.weights_after is not None and batch.biases_after is not None  # a finished update
    return (param.value(batch.weights, batch.biases), param.value(batch.grad_weights, batch.grad_biases),
            param.value(batch.weights_after, batch.biases_after))


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
    rows = (_sgd_row(batch, p, lr) for p in params)
    yield from limited(rows, len(params))


def _sgd_row(batch: BatchView, param: Param, lr: float) -> str:
    before, gradient, after = _values(batch, param)
    return (f"| `{param.name}` | ${num(before)}$ | ${num(before)} - {product(lr, gradient)} = {num(after)}$ | "
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


def _gradient_rows(s, batch: BatchView, param: Param) -> Iterator[str]:
    bd = weight_breakdown(batch, param, s.learning_rate, s.activations[param.layer - 1])
    assert bd is not None
    name, n = f"`{param.name}`", len(bd.sample_indices)
    for k in range(n):
        last = n == 1
        grad = f"${num(bd.gradient)}$" if last else ""
        yield (f"| {name if k == 0 else ''} | #{bd.sample_indices[k]} | "
               f"${product(bd.node_value[k], bd.loss_slope[k], bd.activation_slope[k])} = {num(bd.product[k])}$ | "
               f"{grad} |")
    if n > 1:
        terms = " + ".join(factor(v) for v in bd.product) if n <= EXPAND_TERMS else f"\\text{{{n} products}}"
        yield f"| | mean | $\\frac{{1}}{{{n}}}({terms})$ | ${num(bd.gradient)}$ |"
