"""The ``bp-tui trace`` format: one JSON object per update, as JSON Lines.

The first record is the state before training (``step`` 0); then one record
per update, written after the update is applied: its epoch and batch (from
1), the batch loss of its forward pass, the weights and biases after it, and
the gradients it applied.  Floats keep full float64 precision (``repr``
round-trips); non-finite values print as ``NaN``/``Infinity``/``-Infinity``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from .session import TrainingSession
from .state import BatchView


def _lists(arrays) -> list:
    """Per-layer arrays (index 0 unused) as nested lists; no biases: []."""
    return [[] if a is None else a.tolist() for a in arrays[1:]]


def initial_record(weights, biases) -> dict:
    return {"step": 0, "weights": _lists(weights), "biases": _lists(biases)}


def update_record(step: int, applied: BatchView) -> dict:
    """The record of update number ``step``, from the batch that update applied."""
    return {
        "step": step,
        "epoch": applied.epoch,
        "batch": applied.batch,
        "loss": applied.batch_loss,
        "weights": _lists(applied.weights_after),
        "biases": _lists(applied.biases_after),
        "grad_weights": _lists(applied.grad_weights),
        "grad_biases": _lists(applied.grad_biases),
    }


def trace_records(session: TrainingSession, updates: int | None = None) -> Iterator[dict]:
    """Records from the session's current point: its state, then each update.

    Runs at most ``updates`` updates (all that remain when None).
    """
    scores = session.scorer.trace_keys  # test_loss, accuracy, test_accuracy: {} without held-out samples
    yield {**initial_record(session.W, session.b), **scores(session.updates_done, session.W, session.b)}
    done = 0
    while not session.finished and (updates is None or done < updates):
        session.finish_update()
        done += 1
        applied = session.applied
        assert applied is not None  # finish_update applies a batch
        record = update_record(session.updates_done, applied.view())
        yield {**record, **scores(session.updates_done, session.W, session.b)}


def dumps(record: dict) -> str:
    """One line of JSON, with Python's spelling of non-finite numbers."""
    return json.dumps(record)
