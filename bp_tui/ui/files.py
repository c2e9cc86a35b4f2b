"""Export and import from the app: the trace, a CSV, weights in and out.

A mixin of the app so app.py stays about stepping.  Every write goes through
the engine's atomic ``export`` functions; a failure is shown in the dialog,
which stays open, and nothing of the session is lost.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.export import load_weights, save_weights, write_csv, write_trace

if TYPE_CHECKING:  # for the type checker the mixin is part of an App
    from textual.app import App as _AppBase
else:
    _AppBase = object


class FileActions(_AppBase):
    """Needs ``self.debugger``, ``self.scenario``, ``self.lock``, ``say``, ``restart_from``."""

    if TYPE_CHECKING:  # what the app provides (declared for the type checker only)
        from ..engine import Scenario
        from ..engine.debugger import Debugger

        debugger: Debugger
        scenario: Scenario
        lock: threading.Lock

        def say(self, message: str, style: str = "italic") -> None: ...
        def restart_from(self, W: list, b: list, source: str) -> None: ...

    def action_export(self) -> None:
        from .export_screen import ExportScreen

        stem = Path(self.scenario.path).stem or "bp-tui"
        screen = ExportScreen(stem, self.debugger.session.updates_done)

        def chosen(result) -> None:
            if result is not None:
                self.say(result)

        self.push_screen(screen, chosen)

    def export(self, choice: str, path: str) -> str:
        """Write (or read) ``path``; a one-line report.  ExportError says why not."""
        session = self.debugger.session
        updates = session.updates_done
        if self.is_web:  # served (bp-tui serve): a download, never a file on the server
            from .served import deliver_export

            with self.lock:
                W, b = list(session.W), list(session.b)
            return deliver_export(self, choice, self.scenario, updates, W, b)
        if choice == "trace":
            lines = write_trace(path, self.scenario, updates)
            return f"wrote {lines} lines of trace (updates 0..{updates}) to {path}"
        if choice == "csv":
            rows = write_csv(path, self.scenario, updates)
            return f"wrote {rows} rows (one per update) to {path}"
        if choice == "save":
            with self.lock:
                W, b = list(session.W), list(session.b)
            save_weights(path, W, b)
            return f"saved the weights after update {updates} to {path}"
        W, b = load_weights(path, self.scenario)
        self.restart_from(W, b, path)
        return f"loaded weights from {path}: training starts again from them"
