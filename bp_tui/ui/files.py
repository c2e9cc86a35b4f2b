"""Export and import from the app: the trace, a CSV, weights in and out.

Plain functions the ``X`` dialog runs as a job (``jobs.JobScreen``: in a
worker, with a progress bar, cancellable), since the trace and the CSV
train again from the start, which takes seconds on a wide network.  Every
write goes through the engine's atomic ``export`` functions; a failure
(``ExportError``) is shown in the dialog, which stays open, and nothing of
the session is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

import numpy as np
from textual.app import App

from ..engine import Scenario, TrainingSession
from ..engine.export import atomic_write, csv_lines, load_weights, save_weights, trace_lines
from .jobs import Job, Progress

NO_WRITES = "a screenshot writes no files"  # bp-tui screenshot's app (``writes_files`` False)


@dataclass(frozen=True)
class Written:
    """What an export did: a one-line report, and the weights a load read (else None)."""

    report: str
    weights: tuple[list, list] | None = None


def default_stem(scenario: Scenario) -> str:
    return Path(scenario.path).stem or "bp-tui"


def _write(path: str, lines: Iterator[str], updates: int, progress: Progress) -> int:
    """``lines`` into ``path`` atomically, ``progress(lines so far, updates)`` after each
    (one per update, after a first line); its ``Cancelled`` leaves the file as it was."""
    count = 0

    def write(handle: TextIO) -> None:
        nonlocal count
        for line in lines:
            handle.write(line + "\n")
            progress(count, updates)
            count += 1

    atomic_write(path, write)
    return count


def export(choice: str, path: str, scenario: Scenario, updates: int, W: list[np.ndarray | None],
           b: list[np.ndarray | None], progress: Progress) -> Written:
    """Write (or read) ``path`` for ``choice`` (trace, csv, save, load); ``updates`` done so far,
    ``W``/``b`` the weights now (copies: the job runs beside the UI)."""
    path = str(Path(path).expanduser())
    if choice == "trace":
        lines = _write(path, trace_lines(scenario, updates), updates, progress)
        return Written(f"wrote {lines} lines of trace (updates 0..{updates}) to {path}")
    if choice == "csv":
        rows = _write(path, csv_lines(scenario, updates), updates, progress) - 1  # the header
        return Written(f"wrote {rows} rows (one per update) to {path}")
    if choice == "save":
        save_weights(path, W, b)
        return Written(f"saved the weights after update {updates} to {path}")
    return Written(f"loaded weights from {path}: training starts again from them", load_weights(path, scenario))


def job(choice: str, path: str, scenario: Scenario, updates: int, W: list, b: list) -> Job:
    """``export`` as a job for ``jobs.JobScreen`` (it passes the progress)."""
    return lambda progress: export(choice, path, scenario, updates, W, b, progress)


def jobs_for(app: App, scenario: Scenario, session: TrainingSession,
             lock: AbstractContextManager) -> Callable[[str, str], Job]:
    """What the ``X`` dialog runs for a choice and a path: ``export`` as a job, with the
    weights as they are now (read under ``lock``; arrays are never changed in place).
    Served (``bp-tui serve``): a download instead (``served.deliver_export``, on the UI thread);
    in ``bp-tui screenshot`` nothing is written (weights may still be loaded)."""
    from .served import deliver_export

    def job_for(choice: str, path: str) -> Job:
        with lock:
            W, b, updates = list(session.W), list(session.b), session.updates_done
        if app.is_web:
            return lambda _: Written(app.call_from_thread(deliver_export, app, choice, scenario, updates, W, b))
        if not getattr(app, "writes_files", True) and choice != "load":
            return lambda _: Written(f"{NO_WRITES}: {path} not written")
        return job(choice, path, scenario, updates, W, b)

    return job_for


def restarted(scenario: Scenario, W: list, b: list) -> Scenario:
    """``scenario`` starting from loaded weights ``W``/``b`` (index 0 None), otherwise unchanged."""
    return replace(scenario, weights=tuple(W[1:]), biases=None if b[1] is None else tuple(b[1:]))
