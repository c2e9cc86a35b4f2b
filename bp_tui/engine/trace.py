"""The ``bp-tui trace`` format: one JSON object per update, as JSON Lines.

The first record is the state before training (``step`` 0); then one record
per update, written after the update is applied: its epoch and batch (from
1), the batch loss of its forward pass, the weights and biases after it, and
the gradients it applied.  Floats keep full float64 precision (``repr``
round-trips); non-finite values print as ``NaN``/``Infinity``/``-Infinity``.

The text is exactly what ``json.dumps`` writes for the record as nested
lists (that is the format's definition), but ``json.dumps`` spends ~90% of a
large network's trace formatting floats; :mod:`.trace_json` writes the same
bytes faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from . import trace_json
from .session import TrainingSession
from .state import BatchView


def _lists(arrays) -> list:
    """Per-layer arrays (index 0 unused) as nested lists; no biases: []."""
    return [[] if a is None else a.tolist() for a in arrays[1:]]


def _arrays(arrays) -> list:
    """Per-layer arrays (index 0 unused) as they are; no biases: []."""
    return [[] if a is None else a for a in arrays[1:]]


def initial_record(weights, biases, per_layer=_lists) -> dict:
    return {"step": 0, "weights": per_layer(weights), "biases": per_layer(biases)}


def update_record(step: int, applied: BatchView, per_layer=_lists) -> dict:
    """The record of update number ``step``, from the batch that update applied.

    ``applied`` is anything with BatchView's names (the session's own pass
    has them, so no view is built per update).
    """
    return {
        "step": step,
        "epoch": applied.epoch,
        "batch": applied.batch,
        "loss": applied.batch_loss,
        "weights": per_layer(applied.weights_after),
        "biases": per_layer(applied.biases_after),
        "grad_weights": per_layer(applied.grad_weights),
        "grad_biases": per_layer(applied.grad_biases),
    }


def _records(session: TrainingSession, updates: int | None, per_layer) -> Iterator[dict]:
    scores = session.scorer.trace_keys  # test_loss, accuracy, test_accuracy: {} without held-out samples
    yield {**initial_record(session.W, session.b, per_layer), **scores(session.updates_done, session.W, session.b)}
    done = 0
    while not session.finished and (updates is None or done < updates):
        session.finish_update()
        done += 1
        applied: Any = session.applied
        assert applied is not None  # finish_update applies a batch
        record = update_record(session.updates_done, applied, per_layer)
        yield {**record, **scores(session.updates_done, session.W, session.b)}


def trace_records(session: TrainingSession, updates: int | None = None) -> Iterator[dict]:
    """Records from the session's current point: its state, then each update.

    Runs at most ``updates`` updates (all that remain when None).  Arrays are
    nested lists, as the JSON holds them.
    """
    return _records(session, updates, _lists)


def trace_lines(session: TrainingSession, updates: int | None = None) -> Iterator[bytes]:
    """The trace's lines, each ending in a newline, as :func:`dumps` would write them."""
    numbers = 2 * sum(a.size for arrays in (session.W, session.b) for a in arrays[1:] if a is not None)
    line = trace_json.plain_line if numbers + 8 < trace_json.SMALL else trace_json.dumps_line
    for record in _records(session, updates, _arrays):
        yield line(record)


def write_trace(session: TrainingSession, out: IO[str], updates: int | None = None) -> None:
    """Writes the trace to a text stream, in bytes where it has a buffer (stdout)."""
    raw = getattr(out, "buffer", None)
    if raw is not None:
        out.flush()
    for line in trace_lines(session, updates):
        if raw is not None:
            raw.write(line)
        else:
            out.write(line.decode("ascii"))


def dumps(record: dict) -> str:
    """One line of JSON, with Python's spelling of non-finite numbers."""
    return trace_json.dumps(record).decode("ascii")
