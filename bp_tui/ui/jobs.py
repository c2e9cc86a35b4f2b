"""Long work off the UI thread: a dialog with a progress bar while a job runs
in a worker thread; Escape cancels it.

A job is a function of one ``Progress``, which it calls as it goes
(``progress(done, total)``); once the user cancels, that call raises
``Cancelled`` inside the job, so it stops at its next step (a write in
progress is abandoned atomically by the engine: nothing half-written
stays).  A job that never calls it (no steps to report) shows a moving bar
and, cancelled, is left to finish with its result thrown away.  The
dialog dismisses with a ``Done``: the job's result, or the error it
raised, or ``cancelled``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from .dialog import Dialog


class Cancelled(Exception):
    """Raised inside a job by its progress callback once the user cancelled."""


class Progress:
    """Shared by a job (its thread) and its dialog (the UI thread)."""

    def __init__(self) -> None:
        self.done, self.total = 0, None  # type: int, int | None
        self.cancel = threading.Event()

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done, self.total = done, total
        if self.cancel.is_set():
            raise Cancelled


@dataclass(frozen=True)
class Done:
    result: Any = None
    error: Exception | None = None
    cancelled: bool = False


Job = Callable[[Progress], Any]


class JobScreen(Dialog[Done]):
    """Runs ``job`` in a thread worker with a progress bar; dismisses with its ``Done``.

    ``errors``: the exception types the job may raise as a user's problem
    (shown by the caller); anything else is a bug and crashes the app.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, job: Job, errors: tuple[type[Exception], ...] = ()) -> None:
        super().__init__()
        self.title_text, self.job, self.errors = title, job, errors
        self.progress = Progress()

    def compose(self) -> ComposeResult:
        with Vertical(id="job", classes="dialog"):
            yield Static(Text(self.title_text, style="bold"))
            yield ProgressBar(total=None, show_eta=False, id="job-progress")
            yield Static(Text("escape cancels", style="dim"))

    def on_mount(self) -> None:
        self.set_interval(0.1, self._show_progress)
        self.run_worker(self._run, thread=True, exclusive=True, group="job")

    def _show_progress(self) -> None:
        if self.progress.total:
            self.query_one(ProgressBar).update(total=self.progress.total, progress=self.progress.done)

    def _run(self) -> None:
        try:
            done = Done(result=self.job(self.progress))
        except Cancelled:
            done = Done(cancelled=True)
        except self.errors as error:
            done = Done(error=error)
        try:
            self.app.call_from_thread(self._finish, done)
        except RuntimeError:  # the app quit while the job ran: nobody waits for it
            pass

    def _finish(self, done: Done) -> None:
        if not self.progress.cancel.is_set():
            self.dismiss(done)

    def action_cancel(self) -> None:
        self.progress.cancel.set()
        self.dismiss(Done(cancelled=True))
