"""The ``B`` breakpoints dialog: turn each on or off and set its number."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from ..engine.breakpoint_settings import SettingError, setting_from_text
from ..engine.breakpoints import BreakpointChecker
from .dialog import Dialog

#: The kinds that take a number, and what the input asks for.
SETTINGS = {"gradient_norm": "threshold", "flat": "tolerance[, updates]", "at_update": "update",
            "at_epoch": "epoch"}


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
                        yield Input(self.checker.settings.text(kind), placeholder=SETTINGS[kind], id=f"set-{kind}",
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
        try:  # every value checked (the engine's rules) before any is applied
            for kind in self.checker.KINDS:
                on = self.query_one(f"#on-{kind}", Checkbox).value
                value = True
                if on and kind in SETTINGS:
                    value = setting_from_text(kind, self.query_one(f"#set-{kind}", Input).value)
                changes.append((kind, value if on else False))
            self.checker.use(self.checker.changed(changes))
        except SettingError as error:
            self.query_one("#breakpoints-error", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(True)
