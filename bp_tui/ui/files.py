"""Export and import from the app: the trace, a CSV, weights in and out.

Plain functions the ``X`` dialog runs as a job (``jobs.JobScreen``: in a
worker, with a progress bar, cancellable), since the trace and the CSV
train again from the start, which takes seconds on a wide network.  Every
write goes through the engine's atomic ``export`` functions; a failure
(``ExportError``) is shown in the dialog, which stays open, and nothing of
the session is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..engine import Scenario, TrainingSession
from ..engine.export import Progress, load_weights, save_weights, write_csv, write_trace
from .jobs import Job


@dataclass(frozen=True)
class Written:
    """What an export did: a one-line report, and the weights a load read (else None)."""

    report: str
    weights: tuple[list, list] | None = None


def default_stem(scenario: Scenario) -> str:
    return Path(scenario.path).stem or "bp-tui"


def export(choice: str, path: str, scenario: Scenario, updates: int, W: list[np.ndarray | None],
           b: list[np.ndarray | None], progress: Progress) -> Written:
    """Write (or read) ``path`` for ``choice`` (trace, csv, save, load); ``updates`` done so far,
    ``W``/``b`` the weights now (copies: the job runs beside the UI)."""
    path = str(Path(path).expanduser())
    if choice == "trace":
        lines = write_trace(path, scenario, updates, progress=progress)
        return Written(f"wrote {lines} lines of trace (updates 0..{updates}) to {path}")
    if choice == "csv":
        rows = write_csv(path, scenario, updates, progress=progress)
        return Written(f"wrote {rows} rows (one per update) to {path}")
    if choice == "save":
        save_weights(path, W, b)
        return Written(f"saved the weights after update {updates} to {path}")
    return Written(f"loaded weights from {path}: training starts again from them", load_weights(path, scenario))


def job(choice: str, path: str, scenario: Scenario, updates: int, W: list, b: list) -> Job:
    """``export`` as a job for ``jobs.JobScreen`` (it passes the progress)."""
    return lambda progress: export(choice, path, scenario, updates, W, b, progress)


def jobs_for(scenario: Scenario, session: TrainingSession, lock: AbstractContextManager) -> Callable[[str, str], Job]:
    """What the ``X`` dialog runs for a choice and a path: ``export`` as a job, with the
    weights as they are now (read under ``lock``; arrays are never changed in place)."""
    def job_for(choice: str, path: str) -> Job:
        with lock:
            W, b, updates = list(session.W), list(session.b), session.updates_done
        return job(choice, path, scenario, updates, W, b)

    return job_for


def restarted(scenario: Scenario, W: list, b: list) -> Scenario:
    """``scenario`` starting from loaded weights ``W``/``b`` (index 0 None), otherwise unchanged."""
    return replace(scenario, weights=tuple(W[1:]), biases=None if b[1] is None else tuple(b[1:]))
