"""The ``o`` open screen: pick a bundled scenario or type a path.

A broken file shows its ``WHERE: WHAT`` here, as the CLI would print it, and
nothing else changes: the session that is open stays open.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..engine import Scenario, ScenarioError, load_scenario
from ..engine.scenario import bundled_dir, bundled_names
from .dialog import Dialog, Options


class OpenScreen(Dialog[Scenario | None]):
    """Dismisses with the loaded scenario, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="open", classes="dialog", can_focus=False):
            how = "pick a bundled one" + ("" if self.app.is_web else ", or tab to the path")
            yield Static(Text(f"Open a scenario: {how}", style="bold"))
            yield Options(*self._options(), id="bundled", compact=True)
            if not self.app.is_web:  # served: the bundled scenarios only, no paths on the server
                yield Input(placeholder="or type a path to a .toml file and press enter", id="path", compact=True)
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

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._try(str(bundled_dir() / f"{event.option.id}.toml"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() and not self.app.is_web:
            self._try(os.path.expanduser(event.value.strip()))

    def _try(self, path: str) -> None:
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            self.query_one("#open-error", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(scenario)
