"""Two runs side by side: ``bp-tui compare A.toml B.toml``, or a fork from the app (``F``).

The screen only observes an engine ``Comparison`` (two debuggers stepped in
lockstep): each key moves both runs (``f``, ``b``, ``u`` a phase of each, and
only when both are at it; ``c`` trains both on in a worker until any key),
then each run's panel shows where it is, its loss, and the selected weight's
value, gradient and update (the optimizer's own equations); a table puts the
selected weight's numbers side by side, and the chart draws both loss
curves on one axis, each labelled by its run, B's shifted by the update it
was forked at.  Keys are ``keys.COMPARE_KEYS``; drawing is ``compare_panels``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from ..engine.compare import Comparison
from ..engine.params import all_params
from ..engine.session import PhaseOrderError
from .compare_panels import COLOURS, NAMES, CompareChart, read, run_text, side_by_side
from .dialog import GuardedPalettes
from .exit_status import KeepsCrashStatus
from .keys import compare_bindings

__all__ = ["CompareApp", "CompareChart", "CompareScreen"]


class CompareScreen(Screen):
    """The two runs, stepped by the same keys."""

    BINDINGS = compare_bindings()
    DEFAULT_CSS = """
    CompareScreen #runs { height: auto; max-height: 50%; }
    CompareScreen .run { width: 1fr; height: auto; border: round $primary; padding: 0 1; }
    CompareScreen #differences, CompareScreen #side, CompareScreen #hint { height: auto; padding: 0 1; }
    CompareScreen #hint { color: $text-muted; }
    CompareScreen CompareChart { height: 1fr; min-height: 10; }
    """

    def __init__(self, comparison: Comparison, standalone: bool = False, lock: threading.Lock | None = None):
        """``lock``: the one every move of run A takes elsewhere too (the app's, for a fork)."""
        super().__init__()
        self.comparison, self.standalone = comparison, standalone
        a = comparison.a.scenario
        self.params = list(all_params(a.layers, a.bias))
        self.selected = 0
        self.precise = False
        self.moving = lock or threading.Lock()  # the worker of ``c`` moves the runs under it; drawing reads under it
        self.running = False
        self._stop = threading.Event()
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        differs = "; ".join(self.comparison.differences()) or "the same settings"
        offset = f" (B forked at update {self.comparison.offset})" if self.comparison.offset else ""
        yield Static(Text(f"comparing: {differs}{offset}", style="bold"), id="differences")
        with Horizontal(id="runs"):
            for name in NAMES:
                yield Static(classes="run", id=f"run-{name}")
        yield Static(id="side")
        yield CompareChart()
        yield Static("", id="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_runs()

    def refresh_runs(self) -> None:
        param = self.params[self.selected]
        with self.moving:
            readings = tuple(read(run, param) for run in self.comparison.runs)
            histories = [run.session.loss_history.copy() for run in self.comparison.runs]
        for name, reading, colour in zip(NAMES, readings, COLOURS):
            self.query_one(f"#run-{name}", Static).update(run_text(name, reading, colour, self.precise))
        self.query_one("#side", Static).update(side_by_side(readings, self.precise))
        labels = [f"{name} {label}" for name, label in zip(NAMES, self.comparison.labels())]
        self.query_one(CompareChart).show(histories, labels, self.comparison.offset)

    def say(self, message: str) -> None:
        self.query_one("#hint", Static).update(Text(message, style="italic"))

    def _moved(self, move: Callable[[], object]) -> None:
        """One move of both runs; a refusal (a phase out of turn) becomes the hint."""
        if self.running:
            return
        try:
            with self.moving:
                move()
        except PhaseOrderError as refusal:
            self.say(f"can't now: {refusal}")
            self.app.bell()
        else:
            self.say("finished: both runs" if self.comparison.finished else "")
        self.refresh_runs()

    def action_forward(self) -> None:
        self._moved(self.comparison.forward)

    def action_backward(self) -> None:
        self._moved(self.comparison.backward)

    def action_update(self) -> None:
        self._moved(self.comparison.update)

    def action_next(self) -> None:
        self._moved(self.comparison.step)

    def action_finish_update(self) -> None:
        self._moved(self.comparison.finish_update)

    def action_ten_updates(self) -> None:
        self._moved(lambda: self.comparison.run_updates(10))

    def action_finish_epoch(self) -> None:
        self._moved(self.comparison.finish_epoch)

    def action_back(self) -> None:
        self._moved(self.comparison.back)

    def action_redo(self) -> None:
        self._moved(self.comparison.redo)

    # ------------------------------------------------------------ continue
    def action_continue(self) -> None:
        """Both runs on to the end, update by update in a worker; any key (or ``c``) pauses."""
        if self.running:
            self._stop.set()
            return
        if self.comparison.finished:
            self.say("finished: both runs")
            return
        self._stop.clear()
        self.running = True
        self.say("training both runs: any key pauses")
        self._timer = self.set_interval(0.1, self.refresh_runs)
        self.run_worker(self._train, thread=True, exclusive=True, group="compare")

    def _train(self) -> None:
        while not self._stop.is_set():
            with self.moving:
                if self.comparison.finished:
                    break
                self.comparison.finish_update()
        self.app.call_from_thread(self._paused)

    def _paused(self) -> None:
        self.running = False
        if self._timer is not None:
            self._timer.stop()
        self.say("finished: both runs" if self.comparison.finished else "paused")
        self.refresh_runs()

    def on_key(self, event: events.Key) -> None:
        """Any key but ``c`` pauses a run (and does nothing else)."""
        if self.running and event.key != "c":
            self._stop.set()
            event.stop()
            event.prevent_default()

    # -------------------------------------------------------------- look
    def action_cycle(self, delta: int) -> None:
        self.selected = (self.selected + delta) % len(self.params)
        self.refresh_runs()

    def action_precision(self) -> None:
        self.precise = not self.precise
        self.say("full float64 precision" if self.precise else "short numbers")
        self.refresh_runs()

    def action_close(self) -> None:
        if self.running:
            self._stop.set()
            return
        if self.standalone:
            self.app.exit()
        else:
            self.dismiss()

    def action_nothing(self) -> None:
        """A key of the app that would move one run alone."""


class CompareApp(GuardedPalettes, KeepsCrashStatus):
    """``bp-tui compare A B``: nothing but the comparison screen."""

    TITLE = "bp-tui compare"

    def __init__(self, comparison: Comparison):
        super().__init__()
        self.comparison = comparison

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(self.comparison, standalone=True))
