"""The ``g`` go-to dialog: an update number, or an epoch."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from ..engine.fields import printable, whole_number
from .dialog import Dialog

PATTERN = re.compile(r"^\s*(?:(u|update|e|epoch)\s*)?([0-9]+)\s*$", re.IGNORECASE)


def parse_target(text: str) -> tuple[str, int] | None:
    """``"120"``/``"u 120"`` -> ("update", 120); ``"e3"``/``"epoch 3"`` -> ("epoch", 3)."""
    match = PATTERN.match(text)
    if not match:
        return None
    kind = "epoch" if (match.group(1) or "u").lower().startswith("e") else "update"
    try:
        return kind, whole_number(match.group(2))  # bounded: 5,000 digits is not an update
    except ValueError:
        return None


class GotoScreen(Dialog[tuple[str, int] | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, updates_done: int, total: int, epochs: int) -> None:
        super().__init__()
        self.where = f"now after update {updates_done} of {total}; {epochs} epochs"

    def compose(self) -> ComposeResult:
        with Vertical(id="goto", classes="dialog"):
            yield Static(Text("Go to", style="bold"))
            yield Static(Text(self.where, style="dim"))
            yield Input(placeholder="update number (e.g. 120), or e3 / epoch 3", id="target", compact=True)
            yield Static("", id="goto-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        target = parse_target(event.value)
        if target is None:
            shown = printable(event.value, quote=True)
            self.query_one("#goto-error", Static).update(
                Text(f"not an update or epoch: {shown} (try 120, or e3)", style="bold red"))
            return
        self.dismiss(target)
