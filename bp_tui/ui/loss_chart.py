"""The loss chart pane (plotext): loss per update, the per-epoch mean, the held-out loss.

The data are never thinned; only what is drawn is: a long history is
bucketed to about two points per terminal column, keeping each bucket's
mean, so 100,000 updates draw as fast as 200.
"""

from __future__ import annotations

import math

import numpy as np
from rich.text import Text
from textual.reactive import var
from textual_plotext import PlotextPlot

from ..engine.fields import counted
from ..engine.state import SessionState
from .snapshot import Snapshot


def downsample(y: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` with at most ``points`` points: bucket means; x counts updates from 1."""
    n = len(y)
    if n <= points:
        return np.arange(1, n + 1, dtype=float), y
    edges = np.linspace(0, n, points + 1).astype(int)
    sums = np.add.reduceat(y, edges[:-1])
    counts = np.diff(edges)
    centres = (edges[:-1] + edges[1:]) / 2 + 0.5
    return centres, sums / counts


MIN_PLOT = (24, 8)  # below this many columns x rows plotext's axes, ticks and title run into each other
SPARKS = "▁▂▃▄▅▆▇█"


def update_ticks(n: int, room: int) -> list[int]:
    """Whole-number ticks for updates 1..n, at most ``room`` of them, a round step apart (1, 2, 5, 10, 20…)."""
    raw = n / max(1, room)
    step = 1
    while step < raw:
        for factor in (2, 5, 10):
            if step * factor >= raw:
                step *= factor
                break
        else:
            step *= 10
    step = min(step, n)
    return [k for k in range(step, n + 1, step)] or [n]


def sparkline(y: np.ndarray, width: int) -> str:
    """The loss as one line of block characters (its last ``width`` bucket means), lowest ▁ to highest █."""
    _, means = downsample(y, max(1, width))
    finite = means[np.isfinite(means)]
    if not len(finite):
        return ""
    low, high = float(finite.min()), float(finite.max())
    span = high - low
    out = []
    for v in means:
        if not math.isfinite(v):
            out.append(" ")
        else:
            out.append(SPARKS[0 if span == 0 else min(len(SPARKS) - 1, int((v - low) / span * len(SPARKS)))])
    return "".join(out)


class LossChart(PlotextPlot):
    _plotted: tuple | None = None  # what was plotted last: redraw only when it changes

    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.show(snapshot.state)

    def show(self, state: SessionState) -> None:
        """Plot again only when there is something new to plot (a plot costs ~10 ms)."""
        history = state.loss_history
        key = (len(history), len(state.epoch_loss), float(history[-1]) if len(history) else None, state.title)
        if key == getattr(self, "_plotted", None):
            return
        self._plotted = key
        self._state = state
        self.replot()

    def on_resize(self) -> None:
        if getattr(self, "_state", None) is not None:
            self._plotted = None
            self.show(self._state)

    def render(self):
        """plotext's chart, or in a pane too small for its axes the title and a sparkline."""
        width, height = self.size
        if width >= MIN_PLOT[0] and height >= MIN_PLOT[1]:
            return super().render()
        state = getattr(self, "_state", None)
        if state is None or len(state.loss_history) == 0:
            return Text("loss: no update yet", style="dim")
        history = np.asarray(state.loss_history, dtype=float)
        text = Text(self._title, no_wrap=False)
        text.append("\n" + sparkline(history, width), style="bold")
        if state.test_loss_history is not None and len(state.test_loss_history) > 1 and height > 2:
            text.append("\n" + sparkline(np.asarray(state.test_loss_history[1:], dtype=float), width), style="cyan")
        return text

    def replot(self) -> None:
        state = getattr(self, "_state", None)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.xlabel("update")
        plt.ylabel(state.loss if state else "loss")
        if state is None or len(state.loss_history) == 0:
            plt.title("loss: no update yet")
            self.refresh()
            return
        history = np.asarray(state.loss_history)
        finite = np.isfinite(history)
        x, y = downsample(np.where(finite, history, np.nan), max(20, 2 * self.size.width))
        keep = np.isfinite(y)
        log = _wants_log(y[keep])
        if log:  # a loss that grows (or shrinks) by orders of magnitude reads best as its log10
            plt.ylabel(f"log10 {state.loss}")
            keep &= y > 0
            y = np.log10(np.where(keep, y, 1.0))
        if keep.any():
            plt.plot(x[keep].tolist(), y[keep].tolist(), label="loss per update", marker="braille")
        epochs = np.asarray(state.epoch_loss)
        ok = np.isfinite(epochs) & ((epochs > 0) if log else True)
        if ok.any():
            ex, ey = downsample(np.where(ok, epochs, np.nan), max(20, self.size.width))
            ex *= state.batches_per_epoch  # epoch k ends at update k x batches per epoch
            keep_e = np.isfinite(ey)
            ey = np.log10(ey[keep_e]) if log else ey[keep_e]
            plt.plot(ex[keep_e].tolist(), ey.tolist(), label="epoch mean", marker="dot", color="orange")
        held = state.test_loss_history
        if held is not None and len(held) > 1:  # index k: after k updates; 0 (before training) is not drawn
            held = np.asarray(held[1:])
            ok = np.isfinite(held) & ((held > 0) if log else True)
            hx, hy = downsample(np.where(ok, held, np.nan), max(20, 2 * self.size.width))
            keep_h = np.isfinite(hy)
            hy = np.log10(hy[keep_h]) if log else hy[keep_h]
            plt.plot(hx[keep_h].tolist(), hy.tolist(), label="held-out loss", marker="braille", color="cyan")
        title = chart_title(len(history), float(history[-1]), state.test_loss, int((~finite).sum()),
                            self.size.width)
        plt.title(title)
        self._title = title
        ticks = update_ticks(len(history), max(1, (self.size.width - 6) // 8))
        plt.xticks([float(t) for t in ticks], [str(t) for t in ticks])
        self.refresh()


def chart_title(updates: int, loss: float, held_out: float | None, bad: int, width: int) -> str:
    """The longest wording that fits a chart ``width`` wide (plotext drops a title wider than its canvas)."""
    held = "" if held_out is None else f", held out {held_out:.4g}"
    note = f"  ({bad} not finite, not drawn)" if bad else ""
    words = [f"loss after {counted(updates, 'update')}: {loss:.4g}{held}{note}",
             f"loss after {counted(updates, 'update')}: {loss:.4g}{held}",
             f"after {counted(updates, 'update')}: {loss:.4g}{held}",
             f"loss {loss:.4g}{held}",
             "" if held_out is None else f"loss {loss:.3g}, held out {held_out:.3g}",
             f"{counted(updates, 'update')}: {loss:.4g}", f"loss {loss:.4g}", f"{loss:.3g}"]
    return next((w for w in words if w and len(w) <= width - 8), words[-1])


def _wants_log(y: np.ndarray) -> bool:
    positive = y[y > 0]
    return len(positive) > 1 and positive.max() / positive.min() > 1e4
