"""The bp-tui app: one training session, four panes, one phase per key press.

The app holds the session.  Actions call its step methods, then publish the
new ``SessionState`` to the panes ("attributes down"); panes post messages
up (a click selects a weight).  No maths here and none in the panes.
"""

from __future__ import annotations

import threading
import time
from typing import Iterable

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..engine import PhaseOrderError, Scenario, TrainingSession
from ..engine.state import BACKWARD, FORWARD, UPDATE, SessionState
from .breakdown_pane import BreakdownPane
from .counters import CountersPane
from .diagram import NetworkDiagram
from .help_screen import HelpScreen
from .loss_chart import LossChart
from .open_screen import OpenScreen
from .selection import Selection, change_layer, clamp, cycle, default_selection, move

MIN_SIZE = (60, 20)
NARROW = 110  # below this width the counters lose their border and the chart narrows
REDRAW_SECONDS = 0.1  # while continuing: redraw at most 10 times a second

#: (keys, action, footer label, help text, shown in the footer)
KEYS = [
    ("f", "forward", "Forward", "forward pass: compute the next layer", True),
    ("b", "backward", "Backward", "backward pass: slopes and gradients of the next layer back", True),
    ("u", "update", "Update", "apply the update: w − learning_rate × gradient", True),
    ("n,space", "next", "Next", "the next phase, whatever it is", True),
    ("enter", "finish_update", "Finish update", "run to the end of this update", False),
    ("e", "finish_epoch", "Epoch", "run to the end of this epoch", True),
    ("c", "continue", "Continue", "train to the end (any key pauses)", True),
    ("up,down", "move_row", "", "select the weight from the node above / below", False),
    ("left,right", "move_col", "", "select the weight into the node left / right", False),
    ("shift+tab,tab", "cycle", "", "next / previous weight, across layers", False),
    ("[,]", "layer", "", "previous / next layer's weights", False),
    ("s", "sample", "Sample", "show the next sample of the batch in the diagram", False),
    ("x", "expand", "", "show how a hidden node's loss slope was assembled", False),
    ("p", "precision", "", "full float64 precision in the breakdown", False),
    ("o", "open", "Open", "open another scenario (bundled or a path)", True),
    ("r", "reset", "Reset", "back to the scenario's start", True),
    ("question_mark", "help", "Help", "this help", True),
    ("q", "quit", "Quit", "quit", True),
]


def _bindings() -> list[Binding]:
    bindings = []
    for keys, action, label, _, show in KEYS:
        if action in ("move_row", "move_col", "cycle", "layer"):
            first, second = keys.split(",")
            bindings.append(Binding(first, f"{action}(-1)", label, show=False, priority=action == "cycle"))
            bindings.append(Binding(second, f"{action}(1)", label, show=False, priority=action == "cycle"))
        else:
            bindings.append(Binding(keys, action, label, show=show, key_display="?" if keys == "question_mark" else None))
    return bindings


class BpTuiApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "bp-tui"
    BINDINGS = _bindings()

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.lock = threading.Lock()  # the continue worker steps under it
        self._continuing = False
        self._pause = threading.Event()
        self.hint = ""
        self.narrow = False
        self._open(scenario)

    def _open(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.session = TrainingSession(scenario)
        self.sub_title = scenario.title
        self.selection: Selection = default_selection(scenario.layers)
        self.sample = 0
        self.precise = False
        self.expanded = False

    # ---------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        """Counters on top, the diagram full width, then the breakdown beside the chart."""
        yield Header()
        with Vertical(id="main"):
            counters = CountersPane(id="counters")
            counters.border_title = "Training"
            yield counters
            with VerticalScroll(id="diagram-box", can_focus=False) as box:
                box.border_title = "Network"
                yield NetworkDiagram(id="diagram")
            with Horizontal(id="bottom"):
                with VerticalScroll(id="breakdown-box", can_focus=False) as box:
                    box.border_title = "Gradient breakdown"
                    yield BreakdownPane(id="breakdown")
                chart = LossChart(id="chart")
                chart.border_title = "Loss"
                yield chart
        yield Static(Text("Enlarge the terminal: bp-tui needs at least 60×20.", style="bold"), id="too-small")
        yield Static("", id="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.say("press f for the forward pass, ? for help")
        self._fit(self.size.width, self.size.height)
        self.publish()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.screen.set_class(width < MIN_SIZE[0] or height < MIN_SIZE[1], "too-small")
        narrow = width < NARROW
        self.screen.set_class(narrow, "narrow")
        if narrow != self.narrow:
            self.narrow = narrow
            if hasattr(self, "state"):  # already showing: redraw for the new width
                self.publish()

    # --------------------------------------------------------------- publish
    def publish(self) -> None:
        """Hand the session's new state to every pane."""
        with self.lock:
            state = self.session.state
        self._show(state)

    def _show(self, state: SessionState) -> None:
        self.state = state
        sel = self.selection
        self.query_one(NetworkDiagram).show(state, sel, self.sample)
        digits = None if self.precise else (4 if self.narrow else 6)
        self.query_one(BreakdownPane).show(state, sel, self.sample, digits, self.expanded)
        self.query_one(CountersPane).show(state, compact=self.narrow)
        self.query_one(LossChart).show(state)
        self.query_one("#diagram-box").border_subtitle = self._sample_label(state)
        self.refresh_bindings()

    def _sample_label(self, state: SessionState) -> str:
        indices = state.current.sample_indices
        s = min(self.sample, len(indices) - 1)
        return f"sample {s + 1} of {len(indices)} (#{indices[s]})"

    def say(self, message: str) -> None:
        """The one-line hint above the footer."""
        self.hint = message
        self.query_one("#hint", Static).update(Text(message, style="italic"))

    # ---------------------------------------------------------- step actions
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "cycle" and len(self.screen_stack) > 1:
            return False  # tab moves focus in dialogs
        if self._continuing:  # only c (pause) and q act; any other key pauses (on_key)
            return True if action in ("continue", "quit") else None
        nxt = self.session.next_phase
        if action in ("forward", "backward", "update"):
            return True if nxt is not None and nxt.kind == action else None
        if action in ("next", "finish_update", "finish_epoch"):
            return None if nxt is None else True
        if action == "continue":
            return True if self._continuing or nxt is not None else None
        return True

    def _step(self, run, what: str) -> None:
        if self._continuing:
            self._stop_continue()
            return
        try:
            with self.lock:
                run()
        except PhaseOrderError as refusal:
            self.say(f"can't {what} now: {refusal}")
            self.bell()
            return
        self._after_step()

    def _after_step(self) -> None:
        st = self.session
        nxt = st.next_phase
        if nxt is None:
            self.say(f"training finished after {st.updates_done} updates: r resets, o opens another")
        else:
            key = {FORWARD: "f", BACKWARD: "b", UPDATE: "u"}[nxt.kind]
            done = st.last_phase.describe(st.depth) if st.last_phase else ""
            self.say(f"done: {done}.  next: {nxt.describe(st.depth)} (press {key} or n)")
        self.publish()

    def action_forward(self) -> None:
        self._step(self.session.forward, "run the forward pass")

    def action_backward(self) -> None:
        self._step(self.session.backward, "run the backward pass")

    def action_update(self) -> None:
        self._step(self.session.update, "update")

    def action_next(self) -> None:
        self._step(self.session.step, "step")

    def action_finish_update(self) -> None:
        self._step(self.session.finish_update, "finish the update")

    def action_finish_epoch(self) -> None:
        self._step(self.session.finish_epoch, "finish the epoch")

    def on_key(self, event: events.Key) -> None:
        """A key pressed out of turn (its action dimmed) still gets a hint; any key pauses."""
        if self._continuing and event.key != "c":
            self._stop_continue()
            event.stop()
            return
        step = {"f": ("forward", "run the forward pass"), "b": ("backward", "run the backward pass"),
                "u": ("update", "update")}.get(event.key)
        if step and not self.check_action(step[0], ()):
            self._step(getattr(self.session, step[0]), step[1])

    # -------------------------------------------------------------- continue
    def action_continue(self) -> None:
        if self._continuing:
            self._stop_continue()
            return
        if self.session.finished:
            return
        self._continuing = True
        self._pause.clear()
        self.say("continuing… any key pauses")
        self._redraw_timer = self.set_interval(REDRAW_SECONDS, self.publish)
        self.refresh_bindings()
        self._train()

    @work(thread=True, exclusive=True, group="continue")
    def _train(self) -> None:
        session, lock, pause = self.session, self.lock, self._pause
        while not pause.is_set():
            with lock:
                if session.finished:
                    break
                session.finish_update()
        self.call_from_thread(self._continue_stopped)

    def _stop_continue(self) -> None:
        self._pause.set()

    def _continue_stopped(self) -> None:
        if not self._continuing:
            return
        self._continuing = False
        self._redraw_timer.stop()
        self._after_step()
        if not self.session.finished:
            self.say(f"paused after {self.session.updates_done} updates: {self.hint}")

    # ------------------------------------------------------------- selection
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

    # ------------------------------------------------------ session actions
    def action_reset(self) -> None:
        if self._continuing:
            return self._stop_continue()
        with self.lock:
            self.session.reset()
        self.say("reset to the scenario's start: press f for the forward pass")
        self.publish()

    def action_open(self) -> None:
        if self._continuing:
            return self._stop_continue()
        self.push_screen(OpenScreen(), self._opened)

    def _opened(self, scenario: Scenario | None) -> None:
        if scenario is None:
            return
        self._open(scenario)
        self.selection = clamp(self.selection, scenario.layers, scenario.bias)
        self.say(f"opened {scenario.path}: press f for the forward pass")
        self.publish()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_keys()))

    @staticmethod
    def help_keys() -> list[tuple[str, str]]:
        pretty = {"question_mark": "?", "space": "space", "shift+tab": "shift+tab"}
        return [(" / ".join(pretty.get(k, k) for k in keys.split(",")), text) for keys, _, _, text, _ in KEYS] + [
            ("ctrl+p", "command palette: every command by name")]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for keys, action, label, text, _ in KEYS:
            if action in ("move_row", "move_col", "cycle", "layer", "quit", "help"):
                continue
            yield SystemCommand(label or text.split(":")[0].capitalize(), f"{text} [{keys}]",
                                lambda a=action: self.run_action(a))
        yield SystemCommand("Help", "every key, and how to read a step [?]", self.action_help)


def create_app(scenario: Scenario) -> BpTuiApp:
    """The one factory the CLI, the screenshot command and the tests use."""
    return BpTuiApp(scenario)
