"""What the step and time-travel keys do, outside the App class.

The run controller (``run.py``) makes each move under its lock; ``Moves``
turns the outcome into what the user sees: a refusal becomes the hint, a
breakpoint a notice (selecting the weight it names), anything else the hint
of where training is, then one published snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import events

from ..engine import PhaseOrderError
from ..engine.breakpoints import BreakpointHit
from . import classroom, hints
from .keys import action_of

if TYPE_CHECKING:
    from .app import BpTuiApp

#: Whole updates by the debugger (``goto_update``-like), taking the run controller's keywords.
Run = Callable[..., BreakpointHit | None]
PHASES = ("forward", "backward", "update", "back", "redo")  # a dimmed one still says why it can't act
MOVES = ("forward", "backward", "update", "next", "finish_update", "finish_epoch", "continue")  # all dimmed at the end


class Moves:
    def __init__(self, app: BpTuiApp) -> None:
        self.app = app

    def key(self, event: events.Key) -> None:
        """Any key pauses a run (but continue and the pace keys); a key pressed out of turn
        (its action dimmed) still gets a hint."""
        app = self.app
        if app.controller.running and action_of(event.key) != "continue" and event.key not in classroom.PACE_KEYS:
            app.controller.pause()
            event.stop()
        elif len(app.screen_stack) == 1 and app.session.finished and action_of(event.key) in MOVES:
            app.say(hints.finished(app.session.state))  # not "can't run the forward pass"
        elif len(app.screen_stack) == 1 and (action := action_of(event.key)) in PHASES:
            if not app.check_action(action, ()):
                getattr(app, f"action_{action}")()  # its binding is dimmed: the action says why it can't

    def step(self, move: Callable[[], Any], what: str) -> None:
        """One engine move (a phase, a jump); a refusal becomes the hint."""
        try:
            result = self.app.controller.move(move)
        except PhaseOrderError as refusal:
            self.app.say(f"can't {what} now: {refusal}")
            self.app.bell()
            return
        self.stopped(result if isinstance(result, BreakpointHit) else None, False)

    def travel(self, move: Callable[[], bool], nowhere: str) -> None:
        """Back or redo; ``nowhere`` is the hint when there is nothing to travel to."""
        if self.app.controller.move(move):
            self.stopped(None, False)
        else:
            self.app.say(nowhere)

    def go(self, run: Run) -> None:
        """Whole updates: at once when short, else in the run controller's worker."""
        self.app.controller.go(run)
        if self.app.controller.running:
            self.app.say(hints.running())
            self.app.publish()

    def stopped(self, hit: BreakpointHit | None, paused: bool) -> None:
        """After any move or run: say where training is (or why it stopped) and publish."""
        app = self.app
        if hit is not None:
            if hit.weight is not None:  # select where the NaN/inf started, so v checks that weight
                app.view = replace(app.view, selection=hit.weight)
            app.notify(hit.message, title="Breakpoint", severity="warning", timeout=6)
        app.say(*hints.after(app.session.state, hit, paused))
        app.publish()

    def ask_goto(self) -> None:
        """The go-to dialog; its answer (an epoch or an update) runs as whole updates."""
        from .goto_screen import GotoScreen

        s = self.app.session
        self.app.push_screen(GotoScreen(s.updates_done, s.schedule.total_updates, s.scenario.epochs), self._went)

    def _went(self, target: tuple[str, int] | None) -> None:
        if target is not None:
            debugger = self.app.debugger
            goto = debugger.goto_epoch if target[0] == "epoch" else debugger.goto_update
            self.go(lambda **run: goto(target[1], **run))
