"""The fork dialog: one setting to change for a second run from here (``engine.compare``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from ..engine.compare import parse_change
from .dialog import Dialog


class ForkScreen(Dialog[tuple[str, object] | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="fork", classes="dialog"):
            yield Static(Text("Fork: a second run from here, one setting changed", style="bold"))
            yield Static(Text(self.where, style="dim"))
            yield Input(placeholder="learning_rate=0.05, optimizer=adam or batch_size=4", id="change",
                        compact=True)
            yield Static("", id="fork-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            change = parse_change(event.value)
        except ValueError as error:
            self.query_one("#fork-error", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(change)
