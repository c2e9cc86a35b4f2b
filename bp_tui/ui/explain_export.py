"""The app's worked-example key: ``bp-tui explain`` for the update on screen.

The document is the last update applied (the one whose numbers the panes
show as "w was ... now ..."); before any update, update 1.  In a terminal it
is written next to where the app was started, atomically (the engine's
``atomic_write``), and copied to the clipboard; in a served app it is a
download (``deliver_text``), never a file on the server.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ..engine.explain import explain_batch, explain_update
from ..engine.export import ExportError, atomic_write
from ..engine.scenario import Scenario
from ..engine.state import SessionState
from .files import NO_WRITES


def current_document(scenario: Scenario, state: SessionState) -> tuple[int, str]:
    """``(update number, Markdown)`` for the update the app shows."""
    applied = state.applied
    if applied is not None and applied.weights_after is not None:
        return state.updates_done, explain_batch(scenario, applied, state.updates_done, optimizer=state.optimizer)
    update = max(1, state.updates_done)  # after a jump back the last batch is not kept: replay it
    return update, explain_update(scenario, update)


def file_name(scenario: Scenario, update: int) -> str:
    """``seed-update-3.md``: the scenario's file name (safe characters only) and the update."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(scenario.path).stem).strip("-.") or "scenario"
    return f"{stem}-update-{update}.md"


def deliver_explanation(app, scenario: Scenario, state: SessionState, folder: Path | None = None) -> str:
    """Write (or download) and copy the worked example; returns what to tell the user."""
    update, text = current_document(scenario, state)
    name = file_name(scenario, update)
    app.copy_to_clipboard(text)
    if app.is_web:
        app.deliver_text(io.StringIO(text), save_filename=name, mime_type="text/markdown")
        return f"update {update} worked through: {name} downloaded, and copied to the clipboard"
    if not getattr(app, "writes_files", True):  # bp-tui screenshot
        return f"update {update} worked through: copied to the clipboard ({NO_WRITES}: {name} not written)"
    path = (folder or Path.cwd()) / name

    def write(handle) -> None:
        handle.write(text)

    try:
        atomic_write(path, write)
    except ExportError as error:
        return f"update {update} worked through: copied to the clipboard, but {error}"
    return f"update {update} worked through: written to {path}, and copied to the clipboard"
