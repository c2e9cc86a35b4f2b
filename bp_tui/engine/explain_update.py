"""The worked example's last part: every parameter's update with its numbers.

With plain SGD a weight moves by ``w − learning_rate × gradient``; the new
value shown is the one training actually wrote (``BatchView.weights_after``).
"""

from __future__ import annotations

from typing import Callable, Iterator

from .explain_math import num, product
from .state import BatchView


def _name(param) -> str:
    layer, i, j = param
    return f"b{layer}[{j}]" if i is None else f"W{layer}[{i},{j}]"


def _values(batch: BatchView, param) -> tuple[float, float, float]:
    """(before, gradient, after) of one parameter."""
    layer, i, j = param
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
