"""Two runs side by side: ``bp-tui compare A.toml B.toml``, or a fork from the app.

The screen only observes an engine ``Comparison`` (two debuggers stepped in
lockstep): each key moves both runs, then each run's panel shows where it
is, its loss, and the selected weight's value, gradient and update (the
optimizer's own equations); the chart draws both loss curves on one axis,
B's shifted by the update it was forked at.  Keys are ``keys.COMPARE_KEYS``.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from ..engine.breakdown import weight_breakdown
from ..engine.compare import Comparison
from ..engine.debugger import Debugger
from ..engine.params import Param, all_params
from .fmt import short
from .keys import compare_bindings
from .loss_chart import _wants_log, downsample

NAMES = ("A", "B")
COLOURS = ("cyan", "magenta")


def run_text(name: str, run: Debugger, param: Param, colour: str) -> Text:
    """One run's panel: title, position, loss, and the selected weight's numbers."""
    state = run.session.state
    text = Text()
    text.append(f"{name}: {state.title}\n", style=f"bold {colour}")
    nxt = state.next_phase
    where = "finished" if nxt is None else f"next: {nxt.describe(state.depth)}"
    text.append(f"update {state.updates_done} of {state.total_updates}, epoch {state.epoch} · {where}\n")
    loss = state.loss_history[-1] if len(state.loss_history) else None
    text.append(f"loss {'–' if loss is None else short(loss, 6)}   {run.session.optimizer.name}, "
                f"learning_rate {short(state.learning_rate, 6)}\n")
    text.append(f"{param.name} = {short(param.value(state.weights, state.biases), 8)}\n", style="bold")
    batch = state.gradient_batch(param.layer)
    bd = None if batch is None else weight_breakdown(batch, param, state.activations[param.layer], state.optimizer)
    if bd is None:
        text.append("gradient: not computed yet (run the backward pass)\n", style="dim")
        return text
    text.append(f"gradient {short(bd.gradient, 8)}", style="bold")
    text.append("  (this batch)\n" if batch is state.current else "  (last update)\n", style="dim")
    for line in bd.update.equations:
        text.append(f"{line.formula}\n", style="dim")
        text.append(f"  {line.numbers(lambda x: short(x, 6))}\n")
    return text


class CompareChart(PlotextPlot):
    """Both runs' loss per update on one axis (log10 when it spans orders of magnitude)."""

    def show(self, comparison: Comparison) -> None:
        self._comparison = comparison
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.xlabel("update")
        series = []
        for k, run in enumerate(comparison.runs):
            y = np.asarray(run.session.loss_history, dtype=float)
            x, y = downsample(np.where(np.isfinite(y), y, np.nan), max(20, 2 * self.size.width))
            series.append((x + (comparison.offset if k else 0), y))
        values = np.concatenate([y for _, y in series]) if series else np.array([])
        log = _wants_log(values[np.isfinite(values)])
        plt.ylabel("log10 loss" if log else "loss")
        for (x, y), name, colour in zip(series, NAMES, COLOURS):
            keep = np.isfinite(y) & ((y > 0) if log else True)
            if keep.any():
                shown = np.log10(y[keep]) if log else y[keep]
                plt.plot(x[keep].tolist(), shown.tolist(), label=name, marker="braille", color=colour)
        plt.title("loss per update: " + "  ".join(f"{n} {short(r.session.loss_history[-1], 4)}"
                                                    for n, r in zip(NAMES, comparison.runs)
                                                    if len(r.session.loss_history)))
        self.refresh()

    def on_resize(self) -> None:
        if getattr(self, "_comparison", None) is not None:
            self.show(self._comparison)


class CompareScreen(Screen):
    """The two runs, stepped by the same keys."""

    BINDINGS = compare_bindings()
    DEFAULT_CSS = """
    CompareScreen #runs { height: auto; max-height: 60%; }
    CompareScreen .run { width: 1fr; height: auto; border: round $primary; padding: 0 1; }
    CompareScreen #differences { height: auto; padding: 0 1; }
    CompareScreen CompareChart { height: 1fr; min-height: 10; }
    """

    def __init__(self, comparison: Comparison, standalone: bool = False):
        super().__init__()
        self.comparison, self.standalone = comparison, standalone
        a = comparison.a.scenario
        self.params = list(all_params(a.layers, a.bias))
        self.selected = 0

    def compose(self) -> ComposeResult:
        differs = "; ".join(self.comparison.differences()) or "the same settings"
        offset = f" (B forked at update {self.comparison.offset})" if self.comparison.offset else ""
        yield Static(Text(f"comparing: {differs}{offset}", style="bold"), id="differences")
        with Horizontal(id="runs"):
            for name in NAMES:
                yield Static(classes="run", id=f"run-{name}")
        yield CompareChart()
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_runs()

    def refresh_runs(self) -> None:
        param = self.params[self.selected]
        for name, run, colour in zip(NAMES, self.comparison.runs, COLOURS):
            self.query_one(f"#run-{name}", Static).update(run_text(name, run, param, colour))
        self.query_one(CompareChart).show(self.comparison)

    def _moved(self, move) -> None:
        move()
        self.refresh_runs()

    def action_next(self) -> None:
        self._moved(self.comparison.step)

    def action_finish_update(self) -> None:
        self._moved(self.comparison.finish_update)

    def action_ten_updates(self) -> None:
        self._moved(lambda: self.comparison.run_updates(10))

    def action_back(self) -> None:
        self._moved(self.comparison.back)

    def action_redo(self) -> None:
        self._moved(self.comparison.redo)

    def action_cycle(self, delta: int) -> None:
        self.selected = (self.selected + delta) % len(self.params)
        self.refresh_runs()

    def action_close(self) -> None:
        if self.standalone:
            self.app.exit()
        else:
            self.dismiss()

    def action_nothing(self) -> None:
        """A key of the app that would move one run alone."""


class CompareApp(App):
    """``bp-tui compare A B``: nothing but the comparison screen."""

    TITLE = "bp-tui compare"

    def __init__(self, comparison: Comparison):
        super().__init__()
        self.comparison = comparison

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(self.comparison, standalone=True))
