"""The bp-tui app: one training session, its panes, one phase per key press.

The app observes.  Its run controller (``run.py``) holds the engine's
``Debugger`` and makes every move; after each, the app publishes one
``Snapshot`` (``snapshot.py``) through its reactive ``snapshot``, to which
every pane is bound ("attributes down"); panes post messages up (a click
selects a weight).  What a step or time key does after the engine moved is
``moves.py``'s, the size classes ``layout.py``'s.  Keys come from the key
table (``keys.py``), hints from ``hints.py``, long work runs as jobs
(``jobs.py``).  No maths here, no
engine rule, and none in the panes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rich.text import Text
from textual import events
from textual.app import SystemCommand
from textual.screen import Screen
from textual.widgets import Static

from ..engine import Scenario, TrainingSession
from ..engine.debugger import Debugger
from ..engine.gradcheck import GradCheck
from ..engine.threads import use_threads_for
from . import classroom, hints, layout
from .deep_link import Start
from .dialog import GuardedPalettes
from .exit_status import KeepsCrashStatus
from .keys import KEYS, commands, key_for
from .main_screen import MainScreen
from .moves import Moves
from .run import Reading, RunController
from .selection import Selection, clamp, default_selection
from .snapshot import Snapshot, View


class BpTuiApp(GuardedPalettes, KeepsCrashStatus):
    """One session's debugger: publishes snapshots, routes the step keys; the work is its collaborators'."""

    CSS_PATH = "app.tcss"
    TITLE = "bp-tui"
    writes_files = True  # bp-tui screenshot sets it False: X and m then write nothing (files.py, explain_export.py)

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.hint = ""
        self.busy = False  # a job (V, X) runs: nothing may move the session
        self.start: Start | None = None  # where the command line opens it (deep_link.apply_start)
        self._enabled: tuple[bool | None, ...] = ()  # the footer's last dimming
        self.view = View(default_selection(scenario.layers))
        self.moves = Moves(self)  # the step and time keys' work after the engine moved
        self._open(scenario)

    def _open(self, scenario: Scenario) -> None:
        self.scenario = scenario
        use_threads_for(scenario)  # BLAS threads for this network, not the machine's default
        self.controller = RunController(self, Debugger(scenario), self.publish, self.moves.stopped)
        self.sub_title = scenario.title
        self.gradcheck: tuple[int, Selection, GradCheck] | None = None  # (position, selection, check)

    @property
    def debugger(self) -> Debugger:
        return self.controller.debugger

    @property
    def session(self) -> TrainingSession:
        return self.debugger.session

    # ---------------------------------------------------------------- layout
    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen()
        return self.main

    def started(self) -> None:
        """The main screen is composed: the first hint and snapshot (presenter mode if asked)."""
        self.say(hints.started())
        self.fit(*self.size)
        classroom.started(self, self.start)  # --present

    def on_resize(self, event: events.Resize) -> None:
        self.fit(*event.size)

    def fit(self, width: int, height: int) -> None:
        self.view = layout.fit(self.main, self.view, width, height)
        self.publish()

    # --------------------------------------------------------------- publish
    def publish(self, reading: Reading | None = None) -> None:
        """Hand every pane one new snapshot of the session (a run's redraw hands its own reading)."""
        reading = reading or self.controller.read()
        check = self.gradcheck
        shown = check[2] if check and check[:2] == (reading.position, self.view.selection) else None
        self.main.snapshot = Snapshot(reading.state, self.view, reading.watches, shown, self.controller.running,
                                      classroom.pace_shown(self), self.scenario)
        classroom.show(self)  # presenter mode's equation and sentence
        enabled = (self.controller.running, self.busy) + tuple(self.check_action(k.action, ()) for k in KEYS)
        if enabled != self._enabled:  # re-dim the footer only when it changed (it rebuilds)
            self._enabled = enabled
            self.refresh_bindings()

    def say(self, message: str, style: str = "italic") -> None:
        """The one-line hint above the footer."""
        self.hint = message
        for hint in self.main.query("#hint").results(Static):  # none once the app is closing
            hint.update(Text(message, style=style), layout=False)  # one row, always: no new layout

    # ---------------------------------------------------------- step actions
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.busy:  # a job: only q acts
            return True if action == "quit" else None
        return self.controller.can(action)

    def on_key(self, event: events.Key) -> None:
        self.moves.key(event)

    def action_forward(self) -> None:
        self.moves.step(self.debugger.forward, "run the forward pass")

    def action_backward(self) -> None:
        self.moves.step(self.debugger.backward, "run the backward pass")

    def action_update(self) -> None:
        self.moves.step(self.debugger.update, "update")

    def action_next(self) -> None:
        self.moves.step(self.debugger.step, "step")

    def action_finish_update(self) -> None:
        target = self.session.updates_done + 1
        self.moves.go(lambda **run: self.debugger.goto_update(target, **run))

    def action_finish_epoch(self) -> None:
        end = self.debugger.epoch_end()
        self.moves.go(lambda **run: self.debugger.goto_update(end, **run))

    def action_continue(self) -> None:
        if self.controller.running:
            self.controller.pause()
        elif not self.session.finished:
            classroom.continue_paced(self)  # at the chosen pace (< >)
            self.say(hints.running(classroom.pace_label(self)))
            self.publish()

    def action_pace(self, delta: int) -> None:
        classroom.change_pace(self, delta)

    def action_back(self) -> None:  # type: ignore[override]  # our "back" (time travel) replaces Textual's
        self.moves.travel(self.debugger.back, "at the start: nothing to undo")

    def action_redo(self) -> None:
        self.moves.travel(self.debugger.redo, "nothing to redo: step on with a phase key")

    def action_goto(self) -> None:
        self.moves.ask_goto()

    # ------------------------------------------------------ session actions
    def action_reset(self) -> None:
        self.controller.move(self.debugger.reset)
        self.say(hints.at_start("reset to the scenario's start"))
        self.publish()

    def opened(self, scenario: Scenario | None, message: str | None = None) -> None:
        """A new session on ``scenario`` (from the open dialog, or loaded weights); the old one goes."""
        if scenario is not None:
            self._open(scenario)
            self.view = replace(self.view, selection=clamp(self.view.selection, scenario.layers, scenario.bias),
                                map_node=None, map_features=(0, 1))
            self.say(message or hints.at_start(f"opened {scenario.path}"))
            self.publish()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's, then every key of the table by its name (run where its binding runs)."""
        yield from super().get_system_commands(screen)
        for key, action in commands():
            yield SystemCommand(key.label, f"{key.help} [{key_for(key.action)}]",
                                lambda a=action: self.run_action(a, self.main))


def create_app(scenario: Scenario) -> BpTuiApp:
    """The one factory the CLI, the screenshot command and the tests use."""
    return BpTuiApp(scenario)
