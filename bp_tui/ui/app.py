"""The bp-tui app: one training session, four panes, one phase per key press.

The app holds one engine ``Debugger`` (the session, its timeline, breakpoints
and watches).  Actions call it, then publish the new ``SessionState`` to the
panes ("attributes down"); panes post messages up (a click selects a
weight).  No maths here and none in the panes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from functools import partial

from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ..engine import PhaseOrderError, Scenario
from ..engine.breakpoints import BreakpointHit
from ..engine.debugger import Debugger
from ..engine.state import BACKWARD, FORWARD, UPDATE
from ..engine.threads import use_threads_for
from . import classroom
from .breakdown_pane import BreakdownPane
from .counters import CountersPane
from .diagram import NetworkDiagram
from .dialog import Palette
from .files import FileActions
from .keys import KEYS, bindings
from .look import LookActions
from .loss_chart import LossChart
from .selection import Selection, clamp, default_selection
from .watch_pane import WatchPane

MIN_SIZE = (60, 20)
NARROW = 110  # below this width the counters lose their border and the chart narrows
REDRAW_SECONDS = 0.25  # while a run goes on: redraw 4 times a second (drawing costs the run)
SYNC_WORK = 5_000_000  # runs shorter than this (updates x parameters) don't need a worker
STEPS = {"f": "forward", "b": "backward", "u": "update"}
TIME_KEYS = {"z": "back", "left": "back", "y": "redo", "right": "redo"}


class BpTuiApp(LookActions, FileActions, App):
    CSS_PATH = "app.tcss"
    TITLE = "bp-tui"
    BINDINGS = bindings()

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.lock = threading.Lock()  # a run in the worker steps under it
        self._continuing = False
        self._pause = threading.Event()
        self.hint = ""
        self.narrow = False
        self._open(scenario)

    def _open(self, scenario: Scenario) -> None:
        self.scenario = scenario
        use_threads_for(scenario)  # BLAS threads for this network, not the machine's default
        self.debugger = Debugger(scenario)
        self.sub_title = scenario.title
        self.selection: Selection = default_selection(scenario.layers)
        self.sample = 0
        self.precise = False
        self.expanded = False
        self.gradcheck = None  # (position, selection, GradCheck) of the last check

    @property
    def session(self):
        return self.debugger.session

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
                with Vertical(id="side"):
                    chart = LossChart(id="chart")
                    chart.border_title = "Loss"
                    yield chart
                    watches = WatchPane(id="watches")
                    watches.border_title = "Watches"
                    yield watches
        yield Static(Text("Enlarge the terminal: bp-tui needs at least 60×20.", style="bold"), id="too-small")
        yield Static("", id="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.say("press f for the forward pass, ? for help")
        self._fit(self.size.width, self.size.height)
        self.publish()
        classroom.started(self, getattr(self, "start", None))  # --present

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
            snapshot = self._snapshot()
        self._show(*snapshot)

    def _snapshot(self) -> tuple:
        """What the panes show, read under the lock (the worker's or ours)."""
        state = self.session.state
        return state, self.debugger.watches.view(state.updates_done), self.debugger.timeline.position

    def _show(self, state, watches, position) -> None:
        self.state = state
        sel = self.selection
        self.query_one(NetworkDiagram).show(state, sel, self.sample)
        check = self.gradcheck[2] if self.gradcheck and self.gradcheck[:2] == (position, sel) else None
        digits = None if self.precise else (4 if self.narrow else 6)
        self.query_one(BreakdownPane).show(state, sel, self.sample, digits, self.expanded, check)
        self.query_one(CountersPane).show(state, compact=self.narrow, pace=classroom.pace_shown(self))
        self.query_one(LossChart).show(state)
        self.query_one(WatchPane).show(watches)
        indices = state.current.sample_indices
        s = min(self.sample, len(indices) - 1)
        self.query_one("#diagram-box").border_subtitle = f"sample {s + 1} of {len(indices)} (#{indices[s]})"
        classroom.show(self)  # presenter mode's equation and sentence
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        """Re-dim the footer's keys, only when what can act has changed (it rebuilds the footer)."""
        enabled = tuple(self.check_action(key.action, ()) for key in KEYS)
        if enabled != getattr(self, "_enabled", None):
            self._enabled = enabled
            self.refresh_bindings()

    def say(self, message: str, style: str = "italic") -> None:
        """The one-line hint above the footer."""
        self.hint = message
        self.query_one("#hint", Static).update(Text(message, style=style))

    # ---------------------------------------------------------- step actions
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "cycle" and len(self.screen_stack) > 1:
            return False  # tab moves focus in dialogs
        if self._continuing:  # only c (pause) and q act; any other key pauses (on_key)
            return True if action in ("continue", "quit", "pace") else None
        nxt = self.session.next_phase
        if action in STEPS.values():
            return True if nxt is not None and nxt.kind == action else None
        if action in ("next", "finish_update", "finish_epoch", "continue"):
            return None if nxt is None else True
        if action == "back":
            return True if self.debugger.timeline.position > 0 else None
        if action == "redo":
            timeline = self.debugger.timeline
            return True if timeline.position < timeline.frontier else None
        return True

    def _do(self, run, what: str) -> None:
        """Run one engine move (under the lock); a refusal becomes the hint."""
        if self._continuing:
            self._pause.set()
            return
        try:
            with self.lock:
                result = run()
        except PhaseOrderError as refusal:
            self.say(f"can't {what} now: {refusal}")
            self.bell()
            return
        if isinstance(result, BreakpointHit):
            self._report(result)
        else:
            self._after_step()

    def _after_step(self) -> None:
        st = self.session
        nxt = st.next_phase
        if nxt is None:
            self.say(f"training finished after {st.updates_done} updates: z steps back, r resets")
        elif st.last_phase is None:
            self.say(f"at the start of update {st.updates_done + 1}: press f for the forward pass")
        else:
            key = {FORWARD: "f", BACKWARD: "b", UPDATE: "u"}[nxt.kind]
            self.say(f"done: {st.last_phase.describe(st.depth)}.  next: {nxt.describe(st.depth)} (press {key} or n)")
        self.publish()

    def _report(self, hit: BreakpointHit) -> None:
        if hit.weight is not None:  # select where the NaN/inf started, so v checks that weight
            self.selection = hit.weight
        self.say(f"⛔ breakpoint: {hit.message}", style="bold red")
        self.notify(hit.message, title="Breakpoint", severity="warning", timeout=6)
        self.publish()

    def action_forward(self) -> None:
        self._do(self.debugger.forward, "run the forward pass")

    def action_backward(self) -> None:
        self._do(self.debugger.backward, "run the backward pass")

    def action_update(self) -> None:
        self._do(self.debugger.update, "update")

    def action_next(self) -> None:
        self._do(self.debugger.step, "step")

    def action_finish_update(self) -> None:
        self._do(lambda: self.debugger.run(until_update=self.session.updates_done + 1), "finish the update")

    def action_finish_epoch(self) -> None:
        per_epoch = self.session.schedule.batches_per_epoch
        self._run(until_update=(self.session.updates_done // per_epoch + 1) * per_epoch)

    def action_back(self) -> None:  # type: ignore[override]  # our "back" (time travel) replaces Textual's
        self._travel(self.debugger.back, "at the start: nothing to undo")

    def action_redo(self) -> None:
        self._travel(self.debugger.redo, "nothing to redo: f, b, u or n step on")

    def _travel(self, move, nowhere: str) -> None:
        """One phase back or forward again; ``nowhere`` when there is none."""
        if self._continuing:
            self._pause.set()
            return
        with self.lock:
            moved = move()
        if moved:
            self._after_step()
        else:
            self.say(nowhere)

    def on_key(self, event: events.Key) -> None:
        """A key pressed out of turn (its action dimmed) still gets a hint; any key pauses a run."""
        if self._continuing and event.key not in ("c", *classroom.PACE_KEYS):
            self._pause.set()
            event.stop()
            return
        if len(self.screen_stack) > 1:
            return
        action = STEPS.get(event.key) or TIME_KEYS.get(event.key)
        if action and not self.check_action(action, ()):
            getattr(self, f"action_{action}")()  # its binding is dimmed: the action says why it can't

    # ------------------------------------------------------------------ runs
    def action_continue(self) -> None:
        if self._continuing:
            self._pause.set()
            return
        self._run()

    def _run(self, until_update: int | None = None) -> None:
        """Train on (to ``until_update``, or the end) in a worker, unless it is quick."""
        if self.session.finished:
            return
        params = sum(w.size for w in self.session.W[1:])
        remaining = (until_update or self.session.schedule.total_updates) - self.session.updates_done
        if until_update is not None and remaining * params < SYNC_WORK:
            self._do(lambda: self.debugger.run(until_update=until_update), "run")
            return
        self._continuing = True
        self._pause.clear()
        self.say(f"running at {classroom.pace_label(self)}… any key pauses, < > change the pace"
                 if until_update is None else "running… any key pauses")
        self._latest = None
        self._redraw_timer = self.set_interval(REDRAW_SECONDS, self._redraw)
        self._refresh_footer()
        self._train(until_update)

    @work(thread=True, exclusive=True, group="run")
    def _train(self, until_update: int | None) -> None:
        if until_update is None:  # continue: at the chosen pace (classroom.py)
            run, stop = classroom.paced(self, self._pause)
        else:
            run, stop = partial(self.debugger.run, until_update=until_update), self._pause.is_set
        hit = run(stop=stop, lock=lambda: self.lock, tick=self._take_snapshot)
        self.call_from_thread(self._run_stopped, hit)

    def _take_snapshot(self) -> None:
        """Called by the worker after each update, under its lock: a snapshot now and then,
        so the redraw timer never waits for the lock."""
        now = time.monotonic()
        if now - getattr(self, "_snapshot_time", 0.0) >= REDRAW_SECONDS * 0.9:
            self._snapshot_time = now
            self._latest = self._snapshot()

    def _redraw(self) -> None:
        latest, self._latest = self._latest, None
        if latest is not None:
            self._show(*latest)

    def _run_stopped(self, hit: BreakpointHit | None) -> None:
        self._continuing = False
        self._redraw_timer.stop()
        if hit is not None:
            self._report(hit)
            return
        self._after_step()
        if self._pause.is_set() and not self.session.finished:
            self.say(f"paused after {self.session.updates_done} updates: {self.hint}")

    def action_goto(self) -> None:
        from .goto_screen import GotoScreen

        s = self.session
        self.push_screen(GotoScreen(s.updates_done, s.schedule.total_updates, s.scenario.epochs), self._went)

    def _went(self, target: tuple[str, int] | None) -> None:
        if target is None:
            return
        kind, number = target
        update = number * (self.session.schedule.batches_per_epoch if kind == "epoch" else 1)
        update = min(update, self.session.schedule.total_updates)
        if update > self.session.updates_done:
            self._run(until_update=update)
        else:
            self._do(lambda: self.debugger.goto_update(update), "go there")

    # ------------------------------------------------------ session actions
    def action_reset(self) -> None:
        if self._continuing:
            return self._pause.set()
        with self.lock:
            self.debugger.reset()
        self.say("reset to the scenario's start: press f for the forward pass")
        self.publish()

    def action_open(self) -> None:
        from .open_screen import OpenScreen

        if self._continuing:
            return self._pause.set()
        self.push_screen(OpenScreen(), self._opened)

    def _opened(self, scenario: Scenario | None, message: str | None = None) -> None:
        if scenario is None:
            return
        self._open(scenario)
        self.selection = clamp(self.selection, scenario.layers, scenario.bias)
        self.say(message or f"opened {scenario.path}: press f for the forward pass")
        self.publish()

    def restart_from(self, W: list, b: list, source: str) -> None:
        """Training starts again from loaded weights (the scenario otherwise unchanged)."""
        biases = None if b[1] is None else tuple(b[1:])
        self._opened(replace(self.scenario, weights=tuple(W[1:]), biases=biases),
                     f"loaded weights from {source}: training starts again from them")

    def action_explain(self) -> None:
        classroom.explain(self)

    def action_present(self) -> None:
        classroom.toggle_presenter(self)

    def action_pace(self, delta: int) -> None:
        classroom.change_pace(self, delta)

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        """Textual's palette, with its Textual 8.2.8 crashes guarded (``dialog.Palette``).

        No id, unlike Textual's: ctrl+p just after Escape met the closing
        palette, not yet removed, under the same id (DuplicateIds)."""
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in KEYS:
            if key.paired or key.action == "quit":
                continue
            name = key.keys.split(",")[0].replace("question_mark", "?")
            yield SystemCommand(key.label, f"{key.help} [{name}]", lambda a=key.action: self.run_action(a))


def create_app(scenario: Scenario) -> BpTuiApp:
    """The one factory the CLI, the screenshot command and the tests use."""
    return BpTuiApp(scenario)
