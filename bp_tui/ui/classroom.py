"""The classroom keys, kept out of the App class: the worked example (``m``),
presenter mode (``P``, ``--present``), the playback pace (``<`` ``>``) and
the deep-link start.

Each function takes the app and uses only what the app publishes (its
``scenario``, ``state``, ``selection``, ``sample``, ``say``); the App's
actions are one line each calling these.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.app import App

from ..engine.narration import narrate
from .deep_link import Start
from .explain_export import deliver_explanation
from .pace import FULL, PACES, changed, phase_run
from .presenter import PRESENTER_THEME, PresenterPane

PRESENTING = "-presenting"  # the screen's class in presenter mode
PACE_KEYS = ("less_than_sign", "greater_than_sign")  # keys.py's pace pair: they change a run, not pause it


def explain(app) -> None:
    """``m``: the worked example of the update on screen, as a file (or download) and on the clipboard."""
    app.say(deliver_explanation(app, app.scenario, app.state))


def started(app, start: Start | None) -> None:
    """On mount: presenter mode if the command line asked for it."""
    if start is not None and start.present:
        toggle_presenter(app)


def presenting(app: App) -> bool:
    return app.screen.has_class(PRESENTING)


def toggle_presenter(app) -> None:
    """``P``: the secondary panes hide, the equation shows large, a high-contrast theme."""
    if not app.query(PresenterPane):
        app.query_one("#main").mount(PresenterPane(id="presenter"), after="#diagram-box")
    on = not presenting(app)
    app.screen.set_class(on, PRESENTING)
    if on:
        if PRESENTER_THEME.name not in app.available_themes:
            app.register_theme(PRESENTER_THEME)
        app._theme_before_presenting = app.theme
        app.theme = PRESENTER_THEME.name
        show(app)
        app.say("presenter mode: P goes back to every pane")
    else:
        app.theme = getattr(app, "_theme_before_presenting", "textual-dark")
        app.say("all panes back")


def show(app) -> None:
    """After every publish: the narration of the phase just done (when presenting)."""
    if not presenting(app) or not hasattr(app, "state"):
        return
    for pane in app.query(PresenterPane):
        width = (pane.size.width or app.size.width) - 4
        pane.show(narrate(app.state, app.selection, app.sample), width)


# ------------------------------------------------------------------ pace
def pace_index(app) -> int:
    return getattr(app, "_pace", FULL)


def pace_label(app) -> str:
    return PACES[pace_index(app)].name


def pace_shown(app) -> str:
    """The counters' pace: while a run goes on, or once chosen slower than full speed."""
    return pace_label(app) if pace_index(app) != FULL or getattr(app, "_continuing", False) else ""


def change_pace(app, delta: int) -> None:
    """``<`` / ``>``: slower or faster, also while running (from the next beat on).

    A run of whole updates cannot slow down to single phases (nor the other
    way): it pauses and goes on at once in the other kind of run.
    """
    app._pace = changed(pace_index(app), delta)
    running = getattr(app, "_continuing", False)
    app.say(f"pace: {pace_label(app)}" + ("" if running else " (c continues at it)"))
    if running and PACES[app._pace].per_phase != getattr(app, "_run_per_phase", False):
        app._pause.set()

        def resume() -> None:
            if not app._continuing:
                timer.stop()
                app.action_continue()

        timer = app.set_interval(0.05, resume)
    app.publish()


def paced(app, pause: threading.Event) -> tuple[Callable, Callable[[], bool]]:
    """``(run, stop)`` for a continue at the app's pace: whole updates (``Debugger.run``)
    or single phases (``pace.phase_run``); after each, a beat's wait that a key (``pause``)
    ends at once.  The beat is read each time, so the pace can change while running."""
    per_phase = PACES[pace_index(app)].per_phase
    app._run_per_phase = per_phase

    def stop() -> bool:
        beat = PACES[pace_index(app)].beat
        return pause.wait(beat) if beat else pause.is_set()

    return (phase_run(app.debugger) if per_phase else app.debugger.run), stop
