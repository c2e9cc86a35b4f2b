"""The ``X`` export dialog: the trace as JSON Lines, a CSV, or weights as .npz.

Writes are atomic (the engine's ``export``): a failure says why here, and
neither the session nor an existing file is harmed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..engine.export import ExportError
from .dialog import Dialog, Options

CHOICES = [
    ("trace", "Trace (JSON Lines)", "the updates so far, as bp-tui trace prints them", "-trace.jsonl"),
    ("csv", "CSV", "one row per update: epoch, batch, loss, every weight", "-updates.csv"),
    ("save", "Save weights (.npz)", "the current weights and biases", "-weights.npz"),
    ("load", "Load weights (.npz)", "restart training from saved weights", "-weights.npz"),
]


class ExportScreen(Dialog[str | None]):
    """Asks the app to write (``app.export``); stays open with the reason if that fails,
    else dismisses with the app's one-line report."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, stem: str, updates_done: int) -> None:
        super().__init__()
        self.stem, self.updates_done = stem, updates_done
        self.choice = "trace"

    def compose(self) -> ComposeResult:
        with Vertical(id="export", classes="dialog"):
            yield Static(Text(f"Export: {self.updates_done} updates so far", style="bold"))
            yield Options(*[Option(Text.assemble((f"{title:<22}", "bold"), (text, "dim")), id=key)
                               for key, title, text, _ in CHOICES], id="choices", compact=True)
            yield Input(self._default("trace"), id="export-path", compact=True)
            yield Static(Text("pick with ↑↓, then tab to the path and press enter", style="dim"))
            yield Static("", id="export-error")

    def _default(self, key: str) -> str:
        suffix = next(s for k, _, _, s in CHOICES if k == key)
        return str(Path.cwd() / f"{self.stem}{suffix}")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.choice = event.option.id or self.choice
        self.query_one("#export-path", Input).value = self._default(self.choice)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.choice = event.option.id or self.choice
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = os.path.expanduser(event.value.strip())
        if not path:
            return
        try:
            report = cast(Any, self.app).export(self.choice, path)  # the app's FileActions.export
        except ExportError as error:
            self.show_error(str(error))
            return
        self.dismiss(report)

    def show_error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(message, style="bold red"))
