"""What a served app (``bp-tui serve``, ``App.is_web``) does differently.

In a browser the files are the student's, not the server's: exports arrive
as downloads (Textual's ``deliver_text`` / ``deliver_binary``, kept in
memory, never a file on the server), loading weights from the server's disk
is refused, and the open dialog offers the bundled scenarios only.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..engine.export import csv_lines, trace_lines, weights_bytes
from ..engine.scenario import Scenario

SUFFIX = {"trace": "-trace.jsonl", "csv": "-updates.csv", "save": "-weights.npz"}
MIME = {"trace": "application/x-ndjson", "csv": "text/csv", "save": "application/octet-stream"}
NO_LOAD = "a served app cannot read files on the server: run bp-tui on your own machine to load weights"
NO_PATH = "a served app opens the bundled scenarios only"


def download_name(scenario: Scenario, choice: str) -> str:
    return (Path(scenario.path).stem or "bp-tui") + SUFFIX[choice]


def deliver_export(app, choice: str, scenario: Scenario, updates: int, W: list, b: list) -> str:
    """Send the export ``choice`` to the browser; a one-line report (``load`` is refused)."""
    if choice == "load":
        return NO_LOAD
    name = download_name(scenario, choice)
    if choice == "save":
        app.deliver_binary(io.BytesIO(weights_bytes(W, b)), save_filename=name, mime_type=MIME[choice])
        return f"the weights after update {updates}: {name} downloaded"
    lines = trace_lines(scenario, updates) if choice == "trace" else csv_lines(scenario, updates)
    text = "".join(line + "\n" for line in lines)
    app.deliver_text(io.StringIO(text), save_filename=name, mime_type=MIME[choice])
    return f"updates 0..{updates}: {name} downloaded"
