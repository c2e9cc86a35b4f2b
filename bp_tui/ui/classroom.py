"""The classroom keys, kept out of the App class: the worked example (``m``),
presenter mode (``P``, ``--present``), the playback pace (``<`` ``>``) and
the deep-link start.

Each function takes the app and uses only what the app publishes (its
``scenario``, state, selection, sample, ``say``); the App's actions are one
line each calling these.  The accessors below read either app layout: the
published ``main.snapshot`` / ``view`` / run ``controller``, or the older
``state`` / ``selection`` / ``_continuing`` attributes.
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


def _state(app):
    snapshot = getattr(getattr(app, "main", None), "snapshot", None)
    return snapshot.state if snapshot is not None else getattr(app, "state", None) or app.session.state


def _selection(app):
    return app.view.selection if hasattr(app, "view") else app.selection


def _sample(app) -> int:
    return app.view.sample if hasattr(app, "view") else app.sample


def _running(app) -> bool:
    return app.controller.running if hasattr(app, "controller") else getattr(app, "_continuing", False)


def _screen(app):
    return getattr(app, "main", None) or app.screen


def explain(app) -> None:
    """``m``: the worked example of the update on screen, as a file (or download) and on the clipboard."""
    app.say(deliver_explanation(app, app.scenario, _state(app)))


def started(app, start: Start | None) -> None:
    """On mount: presenter mode if the command line asked for it."""
    if start is not None and start.present:
        toggle_presenter(app)


def presenting(app: App) -> bool:
    return _screen(app).has_class(PRESENTING)


def toggle_presenter(app) -> None:
    """``P``: the secondary panes hide, the equation shows large, a high-contrast theme."""
    screen = _screen(app)
    if not screen.query(PresenterPane):
        screen.query_one("#main").mount(PresenterPane(id="presenter"), after="#picture")  # below the top row
    on = not presenting(app)
    screen.set_class(on, PRESENTING)
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
    app.publish()  # the top row takes the rows the hidden panes leave (or gives them back)


def show(app) -> None:
    """After every publish: the narration of the phase just done (when presenting)."""
    if not presenting(app):
        return
    for pane in _screen(app).query(PresenterPane):
        width = (pane.size.width or app.size.width) - 4
        pane.show(narrate(_state(app), _selection(app), _sample(app)), width)


# ------------------------------------------------------------------ pace
def pace_index(app) -> int:
    return getattr(app, "_pace", FULL)


def pace_label(app) -> str:
    return PACES[pace_index(app)].name


def pace_shown(app) -> str:
    """The counters' pace: while a run goes on, or once chosen slower than full speed."""
    return pace_label(app) if pace_index(app) != FULL or _running(app) else ""


def change_pace(app, delta: int) -> None:
    """``<`` / ``>``: slower or faster, also while running (from the next beat on).

    A run of whole updates cannot slow down to single phases (nor the other
    way): it pauses and goes on at once in the other kind of run.
    """
    app._pace = changed(pace_index(app), delta)
    running = _running(app)
    app.say(f"pace: {pace_label(app)}" + ("" if running else " (c continues at it)"))
    if hasattr(app, "controller"):
        app.controller.pace = PACES[app._pace].beat
    if running and PACES[app._pace].per_phase != getattr(app, "_run_per_phase", False):
        app.controller.pause() if hasattr(app, "controller") else app._pause.set()

        def resume() -> None:
            if not _running(app):
                timer.stop()
                app.action_continue()

        timer = app.set_interval(0.05, resume)
    app.publish()


def continue_paced(app) -> None:
    """``c`` with a run controller (``run.RunController``): at the chosen pace, its ``pace`` the beat."""
    pace = PACES[pace_index(app)]
    app._run_per_phase = pace.per_phase
    app.controller.pace = pace.beat
    app.controller.start(phase_run(app.debugger) if pace.per_phase else app.debugger.run)


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
