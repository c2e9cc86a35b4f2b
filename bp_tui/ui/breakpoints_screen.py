"""The ``B`` breakpoints dialog: turn each on or off and set its number."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from ..engine.breakpoints import BreakpointChecker
from .dialog import Dialog

#: The kinds that take a number, and what the input asks for.
SETTINGS = {"gradient_norm": "threshold", "flat": "tolerance[, updates]", "at_update": "update",
            "at_epoch": "epoch"}


def _current(checker: BreakpointChecker, kind: str) -> str:
    s = checker.settings
    if kind == "flat" and "flat_tolerance" in s:
        return f"{s['flat_tolerance']:g}, {s['flat_updates']}"
    return f"{s[kind]:g}" if kind in s else ""


def _value(kind: str, text: str):
    """The setting typed for ``kind``, as BreakpointChecker.set takes it (ValueError if bad)."""
    text = text.strip()
    if not text:
        return True
    if kind == "flat":
        parts = [p.strip() for p in text.split(",")]
        tolerance = float(parts[0])
        return (tolerance, int(parts[1])) if len(parts) > 1 else tolerance
    if kind in ("at_update", "at_epoch"):
        return int(text)
    return float(text)


class BreakpointsScreen(Dialog[bool]):
    """Applies the choices to ``checker`` on enter or Apply; escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, checker: BreakpointChecker) -> None:
        super().__init__()
        self.checker = checker

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="breakpoints", classes="dialog", can_focus=False):
            yield Static(Text("Breakpoints: continue, e and go-to stop when one fires", style="bold"))
            for kind, label, on in self.checker.describe():
                with Horizontal(classes="breakpoint-row"):
                    yield Checkbox(self.checker.KINDS.get(kind, label), value=on, id=f"on-{kind}",
                                   disabled=kind == "non_finite", compact=True)
                    if kind in SETTINGS:
                        yield Input(_current(self.checker, kind), placeholder=SETTINGS[kind], id=f"set-{kind}",
                                    compact=True)
            yield Static("", id="breakpoints-error")
            yield Button("Apply", variant="primary", id="apply", compact=True)
            hint = "space toggles, tab moves, Apply (or enter in a field) applies, escape cancels"
            yield Static(Text(hint, style="dim"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._apply()

    def _apply(self) -> None:
        changes = []
        try:
            for kind in self.checker.KINDS:
                on = self.query_one(f"#on-{kind}", Checkbox).value
                value = True
                if on and kind in SETTINGS:
                    value = _value(kind, self.query_one(f"#set-{kind}", Input).value)
                changes.append((kind, value if on else False))
            for kind, value in changes:
                self.checker.set(kind, value)
        except ValueError as error:
            message = str(error) if "must" in str(error) or "needs" in str(error) else f"not a number: {error}"
            self.query_one("#breakpoints-error", Static).update(Text(message, style="bold red"))
            return
        self.dismiss(True)
