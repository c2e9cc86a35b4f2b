"""The output step in words and numbers, for the breakdown pane (``x`` on an output weight).

For output node k of the sample shown: prediction, target, error =
prediction − target, this sample's loss, and the slope of the loss at the
node, each formula followed by its numbers, as the slides write them
("Error = 3", "2 × error = 6").  The numbers come from
``engine.output_step``; this module only lays them out.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ..engine.output_step import OutputStep
from .fmt import number

LOSS_NAMES = {"mse": "mean squared error", "bce": "binary cross-entropy", "cross_entropy": "cross-entropy"}


def render_output_step(step: OutputStep, k: int, digits: int | None, slope_known: bool) -> list:
    """The lines explaining output node ``k``'s loss slope (``slope_known``: after its backward phase)."""
    def num(v: float) -> str:
        return number(v, digits)

    def term(v: float) -> str:  # a number inside a formula: negative ones in brackets
        return f"({num(v)})" if v < 0 else num(v)

    head = Text(f"the output step, output node {k}, sample #{step.sample_index}: "
                "where the backward pass starts", style="bold")
    table = Table(box=None, pad_edge=False, padding=(0, 1), show_header=False, show_edge=False)
    for justify in ("left", "left", "left", "right"):
        table.add_column(justify=justify, no_wrap=True)
    table.add_row("prediction", "", "", Text(num(step.prediction[k]), style="bold"))
    table.add_row("target", "", "", Text(num(step.target[k]), style="green"))
    table.add_row("error", "prediction − target", f"{num(step.prediction[k])} − {term(step.target[k])} =",
                  Text(num(step.error[k]), style="bold"))
    table.add_row(f"loss ({LOSS_NAMES.get(step.loss_name, step.loss_name)})", step.loss.formula,
                  f"{step.loss.with_numbers(term)} =", Text(num(step.loss.result), style="bold"))
    worked = step.loss_slopes[k]
    if slope_known:
        table.add_row(Text("∂L slope of the loss", style="magenta"), worked.formula,
                      f"{worked.with_numbers(term)} =", Text(num(worked.result), style="bold magenta"))
    lines = [head, table]
    if slope_known:
        lines.append(Text(f"taken with respect to {step.slope_wrt}", style="dim"))
    else:
        lines.append(Text("press b: the backward pass starts from this loss slope", style="dim"))
    return lines
