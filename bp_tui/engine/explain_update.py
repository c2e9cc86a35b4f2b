"""The worked example's last parts: every parameter's gradient and update, with numbers.

The gradient is the slides' product per sample, then the mean over the batch;
the update is the optimizer's own account of its step (``Optimizer.explain``:
for SGD ``w − learning_rate × gradient``; momentum, Adam... add their
``v``, ``m``, ``s``, ``m̂``, ``ŝ`` lines).  Both are read from the engine's
``weight_breakdown``, so the numbers are the ones training applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .breakdown import WeightBreakdown, weight_breakdown
from .explain_math import EXPAND_TERMS, factor, num, product
from .optimizers import Equation, Optimizer, Term
from .params import Param
from .state import BatchView

#: Operators as the optimizers write them, as Markdown maths.
_MATH = {"−": "-", "×": r"\times", "·": r"\cdot", "√": r"\sqrt", "²": "^2", "←": r"\leftarrow", "÷": "/"}


def _breakdown(s, batch: BatchView, param: Param, optimizer: Optimizer) -> WeightBreakdown:
    bd = weight_breakdown(batch, param, s.activations[param.layer - 1], optimizer)
    assert bd is not None  # the update is finished: every backward phase is done
    return bd


def _math(equation: Equation) -> str:
    """``1 - 0.01 \\times 6 = 0.94``: the equation's numbers as maths."""
    out: list[str] = []
    for k, piece in enumerate(equation.pieces):
        if isinstance(piece, Term):
            shown = num(piece.value) if k == 0 else factor(piece.value)
            out.append(f"{{{shown}}}" if out and out[-1].endswith(r"\sqrt") else shown)  # \sqrt{5.66}, not \sqrt5.66
        elif re.search(r"[A-Za-z]{2}", piece):  # words: "(frozen: its gradient is not applied)"
            out.append(rf"\text{{{piece}}}")
        else:
            out.append("".join(_MATH.get(ch, ch) for ch in piece))
    return "".join(out) + f" = {num(equation.result.value)}"


def update_lines(s, batch: BatchView, params: list[Param], optimizer: Optimizer,
                 limited: Callable) -> Iterator[str]:
    """The update section: one row per line of each parameter's step, in reading order."""
    yield ""
    yield "## The update"
    yield ""
    settings = ", ".join(f"{name} ${num(value)}$" for name, value in optimizer.hyperparameters.items())
    yield (f"Every parameter moves as the optimizer (`{optimizer.name}`: {settings}) says; with plain SGD "
           "that is against its gradient, $w \\leftarrow w - \\eta\\, g$. The last line of each parameter is "
           "its new value.")
    yield ""
    yield "| parameter | step | numbers |"
    yield "|---|---|---|"
    steps = (_breakdown(s, batch, p, optimizer).update for p in params)
    rows = (f"| {f'`{step.param.name}`' if k == 0 else ''} | `{eq.formula}` | ${_math(eq)}$ |"
            for step in steps for k, eq in enumerate(step.equations))
    yield from limited(rows, len(params))


def gradient_lines(s, batch: BatchView, params: list[Param], optimizer: Optimizer,
                   limited: Callable) -> Iterator[str]:
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
    rows = (row for p in params for row in _gradient_rows(_breakdown(s, batch, p, optimizer)))
    yield from limited(rows, len(params) * (n + (n > 1)))


def _gradient_rows(bd: WeightBreakdown) -> Iterator[str]:
    name, n = f"`{bd.param.name}`", len(bd.sample_indices)
    for k in range(n):
        grad = f"${num(bd.gradient)}$" if n == 1 else ""
        yield (f"| {name if k == 0 else ''} | #{bd.sample_indices[k]} | "
               f"${product(bd.node_value[k], bd.loss_slope[k], bd.activation_slope[k])} = {num(bd.product[k])}$ | "
               f"{grad} |")
    if n > 1:
        terms = " + ".join(factor(v) for v in bd.product) if n <= EXPAND_TERMS else f"\\text{{{n} products}}"
        yield f"| | mean | $\\frac{{1}}{{{n}}}({terms})$ | ${num(bd.gradient)}$ |"
