"""The ``X`` export dialog: the trace as JSON Lines, a CSV, or weights as .npz.

The chosen export runs as a job (a progress bar, Escape cancels: the trace
and the CSV train again from the start).  Writes are atomic (the engine's
``export``): a failure or a cancel says so here, and neither the session nor
an existing file is harmed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..engine.export import ExportError
from ..engine.fields import counted
from .dialog import Dialog, Options
from .files import Written
from .jobs import Done, Job, JobScreen

CHOICES = [
    ("trace", "Trace (JSON Lines)", "the updates so far, as bp-tui trace prints them", "-trace.jsonl"),
    ("csv", "CSV", "one row per update: epoch, batch, loss, every weight", "-updates.csv"),
    ("save", "Save weights (.npz)", "the current weights and biases", "-weights.npz"),
    ("load", "Load weights (.npz)", "restart training from saved weights", "-weights.npz"),
]


class ExportScreen(Dialog[Written | None]):
    """Runs ``job_for(choice, path)``; stays open with the reason if that fails,
    else dismisses with what it wrote (or read)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, stem: str, updates_done: int, job_for: Callable[[str, str], Job]) -> None:
        super().__init__()
        self.stem, self.updates_done, self.job_for = stem, updates_done, job_for
        self.choice = "trace"
        self.working = False  # an export runs (its job screen is on top)

    def compose(self) -> ComposeResult:
        with Vertical(id="export", classes="dialog"):
            yield Static(Text(f"Export: {counted(self.updates_done, 'update')} so far", style="bold"))
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
        if not path or self.working:  # a second Enter while the first export runs
            return
        self.working = True
        title = next(title for key, title, _, _ in CHOICES if key == self.choice)
        self.app.push_screen(JobScreen(f"{title}: {path}", self.job_for(self.choice, path), (ExportError,)),
                             self._done)

    def _done(self, done: Done | None) -> None:
        self.working = False
        if done is None or done.cancelled:
            self.show_error("cancelled: nothing was written")
        elif done.error is not None:
            self.show_error(str(done.error))
        else:
            self.dismiss(done.result)

    def show_error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(Text(message, style="bold red"))
