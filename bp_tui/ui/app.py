"""The bp-tui app: one training session, its panes, one phase per key press.

The app observes.  Its run controller (``run.py``) holds the engine's
``Debugger`` and makes every move; after each, the app publishes one
``Snapshot`` (``snapshot.py``) through its reactive ``snapshot``, to which
every pane is bound ("attributes down"); panes post messages up (a click
selects a weight).  Keys come from the key table (``keys.py``), hints from
``hints.py``, long work runs as jobs (``jobs.py``).  No maths here, no
engine rule, and none in the panes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..engine import PhaseOrderError, Scenario, TrainingSession
from ..engine.breakpoints import BreakpointHit
from ..engine.debugger import Debugger
from ..engine.gradcheck import GradCheck
from ..engine.threads import use_threads_for
from . import classroom, hints
from .dialog import Palette
from .keys import KEYS, action_of, commands, footer_width, key_for
from .main_screen import MainScreen
from .run import Reading, RunController
from .selection import Selection, clamp, default_selection
from .snapshot import Snapshot, View

MIN_SIZE = (60, 20)
NARROW = 110  # below this width the counters lose their border and the chart narrows
SHORT = 30  # below this height the title bar gives its row to the network
PHASES = ("forward", "backward", "update", "back", "redo")  # a dimmed one still says why it can't act
MOVES = ("forward", "backward", "update", "next", "finish_update", "finish_epoch", "continue")  # all dimmed at the end


class BpTuiApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "bp-tui"

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.hint = ""
        self.busy = False  # a job (V, X) runs: nothing may move the session
        self.view = View(default_selection(scenario.layers))
        self._open(scenario)

    def _open(self, scenario: Scenario) -> None:
        self.scenario = scenario
        use_threads_for(scenario)  # BLAS threads for this network, not the machine's default
        self.controller = RunController(self, Debugger(scenario), self.publish, self._stopped)
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
        classroom.started(self, getattr(self, "start", None))  # --present

    def on_resize(self, event: events.Resize) -> None:
        self.fit(*event.size)

    def fit(self, width: int, height: int) -> None:
        self.main.set_class(width < MIN_SIZE[0] or height < MIN_SIZE[1], "too-small")
        self.main.set_class(width < NARROW, "narrow")
        self.main.set_class(height < SHORT, "short")
        for footer in self.main.query(Footer):  # (none yet while the screen is composed)
            footer.show_command_palette = width >= footer_width()  # else it would cover the last keys
        self.view = replace(self.view, narrow=width < NARROW, short=height < SHORT)
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
        if enabled != getattr(self, "_enabled", None):  # re-dim the footer only when it changed (it rebuilds)
            self._enabled = enabled
            self.refresh_bindings()

    def say(self, message: str, style: str = "italic") -> None:
        """The one-line hint above the footer."""
        self.hint = message
        for hint in self.main.query("#hint").results(Static):  # none once the app is closing
            hint.update(Text(message, style=style))

    # ---------------------------------------------------------- step actions
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if self.busy:  # a job: only q acts
            return True if action == "quit" else None
        return self.controller.can(action)

    def on_key(self, event: events.Key) -> None:
        """A key pressed out of turn (its action dimmed) still gets a hint; any key pauses a run."""
        if self.controller.running and action_of(event.key) != "continue" and event.key not in classroom.PACE_KEYS:
            self.controller.pause()
            event.stop()
        elif len(self.screen_stack) == 1 and self.session.finished and action_of(event.key) in MOVES:
            self.say(hints.finished(self.session.state))  # not "can't run the forward pass"
        elif len(self.screen_stack) == 1 and (action := action_of(event.key)) in PHASES:
            if not self.check_action(action, ()):
                getattr(self, f"action_{action}")()  # its binding is dimmed: the action says why it can't

    def _step(self, move: Callable[[], Any], what: str) -> None:
        """One engine move (a phase, a jump); a refusal becomes the hint."""
        try:
            result = self.controller.move(move)
        except PhaseOrderError as refusal:
            self.say(f"can't {what} now: {refusal}")
            self.bell()
            return
        self._stopped(result if isinstance(result, BreakpointHit) else None, False)

    def _travel(self, move: Callable[[], bool], nowhere: str) -> None:
        if self.controller.move(move):
            self._stopped(None, False)
        else:
            self.say(nowhere)

    def _go(self, run: Callable[..., BreakpointHit | None]) -> None:
        """Whole updates: at once when short, else in the run controller's worker."""
        self.controller.go(run)
        if self.controller.running:
            self.say(hints.running())
            self.publish()

    def _stopped(self, hit: BreakpointHit | None, paused: bool) -> None:
        """After any move or run: say where training is (or why it stopped) and publish."""
        if hit is not None:
            if hit.weight is not None:  # select where the NaN/inf started, so v checks that weight
                self.view = replace(self.view, selection=hit.weight)
            self.notify(hit.message, title="Breakpoint", severity="warning", timeout=6)
        self.say(*hints.after(self.session.state, hit, paused))
        self.publish()

    def action_forward(self) -> None:
        self._step(self.debugger.forward, "run the forward pass")

    def action_backward(self) -> None:
        self._step(self.debugger.backward, "run the backward pass")

    def action_update(self) -> None:
        self._step(self.debugger.update, "update")

    def action_next(self) -> None:
        self._step(self.debugger.step, "step")

    def action_finish_update(self) -> None:
        target = self.session.updates_done + 1
        self._go(lambda **run: self.debugger.goto_update(target, **run))

    def action_finish_epoch(self) -> None:
        end = self.debugger.epoch_end()
        self._go(lambda **run: self.debugger.goto_update(end, **run))

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
        self._travel(self.debugger.back, "at the start: nothing to undo")

    def action_redo(self) -> None:
        self._travel(self.debugger.redo, "nothing to redo: step on with a phase key")

    def action_goto(self) -> None:
        from .goto_screen import GotoScreen

        s = self.session
        self.push_screen(GotoScreen(s.updates_done, s.schedule.total_updates, s.scenario.epochs), self._went)

    def _went(self, target: tuple[str, int] | None) -> None:
        if target is not None:
            goto = self.debugger.goto_epoch if target[0] == "epoch" else self.debugger.goto_update
            self._go(lambda **run: goto(target[1], **run))

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

    def action_command_palette(self) -> None:
        """Textual's palette with its 8.2.8 crashes guarded (``dialog.Palette``); without
        Textual's fixed id, which ctrl+p just after Escape met again (DuplicateIds)."""
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's, then every key of the table by its name (run where its binding runs)."""
        yield from super().get_system_commands(screen)
        for key, action in commands():
            yield SystemCommand(key.label, f"{key.help} [{key_for(key.action)}]",
                                lambda a=action: self.run_action(a, self.main))


def create_app(scenario: Scenario) -> BpTuiApp:
    """The one factory the CLI, the screenshot command and the tests use."""
    return BpTuiApp(scenario)
