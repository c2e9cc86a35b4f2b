"""The ``o`` open screen: pick a bundled scenario or type a path.

Typing goes to the text field whichever part has the focus (as in a file
picker): its text filters the bundled list (by name or title), and enter
opens the path typed, or else the one bundled scenario it matches.  Served
(``is_web``), the field only filters: no path on the server is opened.

A broken file shows its ``WHERE: WHAT`` here, as the CLI would print it, and
nothing else changes: the session that is open stays open.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..engine import Scenario, ScenarioError, load_scenario
from ..engine.fields import printable
from ..engine.scenario import bundled_dir, bundled_names
from .dialog import Dialog, Options


class OpenScreen(Dialog[Scenario | None]):
    """Dismisses with the loaded scenario, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        web = self.app.is_web
        with VerticalScroll(id="open", classes="dialog", can_focus=False):
            how = "pick a bundled one" + (" (type to filter)" if web else ", or type a path")
            yield Static(Text(f"Open a scenario: {how}", style="bold"))
            self._all = self._options()
            yield Options(*self._all, id="bundled", compact=True)
            if web:  # served: the bundled scenarios only, no paths on the server
                yield Input(placeholder="type to filter the bundled scenarios", id="filter", compact=True,
                            select_on_focus=False)
            else:
                yield Input(placeholder="or type a path to a .toml file and press enter", id="path", compact=True,
                            select_on_focus=False)
            yield Static("", id="open-error")

    def _options(self) -> list[Option]:
        options = []
        for name in bundled_names():
            try:
                title = load_scenario(bundled_dir() / f"{name}.toml").title
            except ScenarioError:
                title = "(invalid)"
            options.append(Option(Text.assemble((f"{name:<12}", "bold"), title), id=name))
        return options

    def on_key(self, event: events.Key) -> None:
        """A character typed on the list goes to the text field (and down from the field to the list)."""
        field, options = self.query_one(Input), self.query_one("#bundled", Options)
        if self.focused is options and (event.is_printable or event.key == "backspace"):
            field.focus()
            if event.key == "backspace":
                field.action_delete_left()
            elif event.character:
                field.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()
        elif self.focused is field and event.key == "down" and options.option_count:
            options.focus()
            event.stop()

    def on_input_changed(self, event: Input.Changed) -> None:
        """The bundled scenarios whose name begins with the text typed; if none, whose name or title holds it."""
        typed = event.value.strip().lower()
        options = self.query_one("#bundled", Options)
        shown = ([o for o in self._all if str(o.id).startswith(typed)] or
                 [o for o in self._all if typed in str(o.prompt).lower()])
        options.clear_options()
        options.add_options(shown)
        options.highlighted = 0 if shown else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._try(str(bundled_dir() / f"{event.option.id}.toml"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        options = self.query_one("#bundled", Options)
        if self.app.is_web or (options.option_count == 1 and not os.path.exists(os.path.expanduser(typed))):
            if options.highlighted is None:
                self._say(f"no bundled scenario matches {printable(typed, 60, quote=True)}")
            else:
                self._try(str(bundled_dir() / f"{options.get_option_at_index(options.highlighted).id}.toml"))
        elif typed:
            self._try(os.path.expanduser(typed))

    def _say(self, problem: str) -> None:
        self.query_one("#open-error", Static).update(Text(problem, style="bold red"))

    def _try(self, path: str) -> None:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            self._say(str(error))
            return
        self.dismiss(scenario)
