"""A crash's exit status survives a quit queued behind it.

Textual sets the return code to 1 when a handler, callback or worker raises
(``App._handle_exception``), prints the traceback as the app closes, and
then runs what was already queued: a ``q`` typed in the same burst, the
palette's Quit, a timer that quits.  Each of those calls ``App.exit()``,
whose ``return_code`` defaults to 0, and the crash exited 0 with its
traceback on the screen (the one crash of last session's key mash).  Here
an exit never lowers the status a crash set.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from textual.app import App


class KeepsCrashStatus(App):
    """An App whose later ``exit()`` keeps a crash's non-zero return code."""

    def exit(self, result: Any = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        super().exit(result, max(return_code, self.return_code or 0), message)
