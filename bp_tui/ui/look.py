"""Looking closer without stepping: selecting weights, the breakdown's options,
gradient checks, watches and breakpoints.  A mixin of the app, so app.py
stays about stepping; every number still comes from the engine."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ..engine.debugger import Debugger, Watch
from ..engine.gradcheck import DISAGREES, GradCheck
from .diagram import NetworkDiagram
from .selection import Selection, change_layer, cycle, move

if TYPE_CHECKING:  # for the type checker the mixin is part of an App
    from textual.app import App as _AppBase
else:
    _AppBase = object


class LookActions(_AppBase):
    """Needs ``self.debugger``, ``self.scenario``, ``self.selection``, ``self.lock``,
    ``publish`` and ``say``."""

    if TYPE_CHECKING:  # what the app provides (declared for the type checker only)
        from ..engine import Scenario, SessionState, TrainingSession

        debugger: Debugger
        scenario: Scenario
        selection: Selection
        lock: threading.Lock
        state: SessionState
        sample: int
        precise: bool
        expanded: bool
        gradcheck: tuple[int, Any, GradCheck | None] | None  # (position, selected parameter, check)

        @property
        def session(self) -> TrainingSession: ...
        def publish(self) -> None: ...
        def say(self, message: str, style: str = "italic") -> None: ...

    def _select(self, selection: Selection) -> None:
        self.selection = selection
        self.publish()

    def action_move_row(self, delta: int) -> None:
        self._select(move(self.selection, self.scenario.layers, self.scenario.bias, d_row=delta))

    def action_move_col(self, delta: int) -> None:
        self._select(move(self.selection, self.scenario.layers, self.scenario.bias, d_col=delta))

    def action_cycle(self, delta: int) -> None:
        self._select(cycle(self.selection, self.scenario.layers, self.scenario.bias, delta))

    def action_layer(self, delta: int) -> None:
        self._select(change_layer(self.selection, self.scenario.layers, self.scenario.bias, delta))

    def on_network_diagram_selected(self, message: NetworkDiagram.Selected) -> None:
        self._select(message.selection)

    def action_sample(self) -> None:
        self.sample = (self.sample + 1) % len(self.state.current.sample_indices)
        self.publish()

    def action_expand(self) -> None:
        self.expanded = not self.expanded
        self.publish()

    def action_precision(self) -> None:
        self.precise = not self.precise
        self.say("full float64 precision" if self.precise else "short numbers (p for full precision)")
        self.publish()

    # ---------------------------------------------------- checks and watches
    def action_gradcheck(self) -> None:
        sel = self.selection
        with self.lock:
            check = self.debugger.check_weight(sel)
            self.gradcheck = (self.debugger.timeline.position, sel, check)
        if check is None:
            self.say(f"no gradient of {sel.name} yet: press b to run the backward pass")
            return
        verdict = check.verdict.upper() if check.verdict == DISAGREES else check.verdict
        self.say(f"gradient check of {check.name}: relative error {check.error_text}, backprop {verdict}")
        self.publish()

    def action_gradcheck_all(self) -> None:
        with self.lock:
            result = self.debugger.check_network()
            if result is not None:
                self.selection = result.worst.param
                self.gradcheck = (self.debugger.timeline.position, self.selection, result.worst)
        if result is None:
            self.say("V checks a whole backward pass: press b to run it to layer 1")
            return
        worst = result.worst
        scope = f"{result.checked:,} of {result.total:,} (a sample)" if result.sampled else f"all {result.total:,}"
        kinks = f", {result.kinks} at a ReLU kink left out" if result.kinks else ""
        self.say(f"checked {scope} gradients{kinks}: worst {worst.name}, relative error {worst.error_text}")
        self.publish()

    def _toggle_watch(self, watch: Watch) -> None:
        with self.lock:
            pinned = self.debugger.watches.toggle(watch, self.session)
        self.say(f"{'watching' if pinned else 'stopped watching'} {watch.name}")
        self.publish()

    def action_watch_weight(self) -> None:
        sel = self.selection
        self._toggle_watch(sel)

    def action_watch_node(self) -> None:
        self._toggle_watch(self.selection.feeds)

    def action_watch_state(self) -> None:
        with self.lock:
            watches, pinned = self.debugger.toggle_state_watch(self.selection)
        names = ", ".join(w.name for w in watches)
        self.say(f"{'watching' if pinned else 'stopped watching'} {names}" if watches
                 else f"{self.session.optimizer.name} keeps no state to watch")
        self.publish()

    def action_fork(self) -> None:
        from ..engine.compare import fork
        from .compare_app import CompareScreen
        from .fork_screen import ForkScreen

        def chosen(change) -> None:
            if not change:
                return
            try:
                with self.lock:
                    comparison = fork(self.debugger, *change)
            except ValueError as error:
                self.say(f"cannot fork: {error}")
                return
            self.push_screen(CompareScreen(comparison), lambda _: self.publish())

        where = f"from update {self.session.updates_done} of {self.scenario.title}"
        self.push_screen(ForkScreen(where), chosen)

    def action_breakpoints(self) -> None:
        from .breakpoints_screen import BreakpointsScreen

        def applied(changed: bool | None) -> None:
            if changed:
                on = [label for kind, label, enabled in self.debugger.breakpoints.describe() if enabled]
                self.say("breakpoints: " + "; ".join(on))

        self.push_screen(BreakpointsScreen(self.debugger.breakpoints), applied)

