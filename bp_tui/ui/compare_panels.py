"""What the comparison screen draws: each run's panel, the selected weight side by side, both loss curves.

Everything here reads one ``Reading`` per run (the run's ``SessionState``
and the selected weight's breakdown, taken together under the screen's
lock) and draws it; no engine rule lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.table import Table
from rich.text import Text
from textual_plotext import PlotextPlot

from ..engine.breakdown import WeightBreakdown, weight_breakdown
from ..engine.debugger import Debugger
from ..engine.params import Param
from ..engine.state import SessionState
from .fmt import number
from .loss_chart import _wants_log, downsample

NAMES = ("A", "B")
COLOURS = ("cyan", "magenta")


@dataclass(frozen=True)
class Reading:
    """One run as the screen shows it: its state and the selected weight's breakdown (None before
    its layer's backward pass, when there is no gradient to show yet)."""

    state: SessionState
    param: Param
    breakdown: WeightBreakdown | None
    value: float  # the selected weight's value now

    @property
    def this_batch(self) -> bool:
        """The breakdown is of the batch under way (else of the last update applied)."""
        return self.breakdown is not None and self.state.gradient_batch(self.param.layer) is self.state.current


def read(run: Debugger, param: Param) -> Reading:
    state = run.session.state
    batch = state.gradient_batch(param.layer)
    bd = None if batch is None else weight_breakdown(batch, param, state.activations[param.layer], state.optimizer)
    return Reading(state, param, bd, param.value(state.weights, state.biases))


def _digits(precise: bool, digits: int) -> int | None:
    return None if precise else digits  # None: every digit (``p``)


def run_text(name: str, reading: Reading, colour: str, precise: bool) -> Text:
    """One run's panel: title, position, loss, the selected weight and its update's equations."""
    state, param, bd = reading.state, reading.param, reading.breakdown
    six, eight = _digits(precise, 6), _digits(precise, 8)
    text = Text()
    text.append(f"{name}: {state.title}\n", style=f"bold {colour}")
    nxt = state.next_phase
    where = "finished" if nxt is None else f"next: {nxt.describe(state.depth)}"
    text.append(f"update {state.updates_done} of {state.total_updates}, epoch {state.epoch} · {where}\n")
    loss = state.loss_history[-1] if len(state.loss_history) else None
    text.append(f"loss {'–' if loss is None else number(loss, six)}   {state.optimizer.name}, "
                f"learning_rate {number(state.learning_rate, six)}\n")
    text.append(f"{param.name} = {number(reading.value, eight)}\n", style="bold")
    if bd is None:
        text.append("gradient: not computed yet (run the backward pass)", style="dim")
        return text
    text.append(f"gradient {number(bd.gradient, eight)}", style="bold")
    text.append("  (this batch)" if reading.this_batch else "  (last update)", style="dim")
    for line in bd.update.equations:
        text.append(f"\n{line.formula}", style="dim")
        text.append(f"\n  {line.numbers(lambda x: number(x, six))}")
    return text


def side_by_side(readings: tuple[Reading, ...], precise: bool) -> Table:
    """The selected weight's value, gradient and next value, and the loss, in a column per run."""
    param, digits = readings[0].param, _digits(precise, 8)
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    table.add_column(param.name, style="bold")
    for name, colour in zip(NAMES, COLOURS):
        table.add_column(name, style=colour, justify="right")

    def row(label: str, values: list[float | None], note: str = "") -> None:
        table.add_row(label + note, *("–" if v is None else number(v, digits) for v in values))

    row("value", [r.value for r in readings])
    row("gradient", [None if r.breakdown is None else r.breakdown.gradient for r in readings],
        "" if all(r.this_batch for r in readings) else " (last computed)")
    row("after its update", [None if r.breakdown is None else r.breakdown.new_weight for r in readings])
    row("loss", [r.state.loss_history[-1] if len(r.state.loss_history) else None for r in readings],
        " (last update)")
    return table


class CompareChart(PlotextPlot):
    """Both runs' loss per update on one axis (log10 when it spans orders of magnitude), each
    curve labelled by its run: ``A learning_rate 0.55``."""

    def show(self, histories: list[np.ndarray], labels: list[str], offset: int) -> None:
        self._shown = (histories, labels, offset)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.xlabel("update")
        series = []
        for k, history in enumerate(histories):
            y = np.asarray(history, dtype=float)
            x, y = downsample(np.where(np.isfinite(y), y, np.nan), max(20, 2 * self.size.width))
            series.append((x + (offset if k else 0), y))
        values = np.concatenate([y for _, y in series]) if series else np.array([])
        log = _wants_log(values[np.isfinite(values)])
        plt.ylabel("log10 loss" if log else "loss")
        for (x, y), label, colour in zip(series, labels, COLOURS):
            keep = np.isfinite(y) & ((y > 0) if log else True)
            if keep.any():
                shown = np.log10(y[keep]) if log else y[keep]
                plt.plot(x[keep].tolist(), shown.tolist(), label=label, marker="braille", color=colour)
        plt.title("loss per update: " + "  ".join(f"{n} {number(h[-1], 4)}"
                                                    for n, h in zip(NAMES, histories) if len(h)))
        self.refresh()

    def on_resize(self) -> None:
        if getattr(self, "_shown", None) is not None:
            self.show(*self._shown)
