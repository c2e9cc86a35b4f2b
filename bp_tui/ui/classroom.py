"""The classroom keys, kept out of the App class: the worked example (``m``),
presenter mode (``P``, ``--present``), the playback pace (``<`` ``>``) and
the deep-link start.

Each function takes the app and uses only what the app publishes (its
``scenario``, state, selection, sample, ``say``); the App's actions are one
line each calling these.  They read what the app publishes: its
``main.snapshot``, ``view`` and run ``controller``.
"""

from __future__ import annotations

from textual.app import App

from ..engine.narration import narrate
from .deep_link import Start
from .explain_export import deliver_explanation
from .pace import FULL, PACES, changed, paced_run
from .presenter import PRESENTER_THEME, PresenterPane

PRESENTING = "-presenting"  # the screen's class in presenter mode
PACE_KEYS = ("less_than_sign", "greater_than_sign")  # keys.py's pace pair: they change a run, not pause it


def _state(app):
    snapshot = getattr(getattr(app, "main", None), "snapshot", None)
    return snapshot.state if snapshot is not None else app.session.state


def _selection(app):
    return app.view.selection


def _sample(app) -> int:
    return app.view.sample


def _running(app) -> bool:
    return app.controller.running


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
        screen.query_one("#main").mount(PresenterPane(id="presenter"), after="#counters")
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
        width = (pane.size.width or app.size.width) - 2  # a column spare either side
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
    """``<`` / ``>``: slower or faster, also while running: the run goes on at the new pace
    from the step under way (``pace.paced_run`` reads the kind of step, the controller the beat)."""
    app._pace = changed(pace_index(app), delta)
    app.say(f"pace: {pace_label(app)}" + ("" if _running(app) else " (c continues at it)"))
    app.controller.set_pace(PACES[app._pace].beat)
    app.publish()


def continue_paced(app) -> None:
    """``c``: a run (``run.RunController``) at the chosen pace, which the pace keys change as it goes."""
    app.controller.set_pace(PACES[pace_index(app)].beat)
    app.controller.start(paced_run(app.debugger, lambda: PACES[pace_index(app)].per_phase))
