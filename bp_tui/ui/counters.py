"""The batch/epoch counter pane: where training is, and what comes next."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from ..engine.state import SessionState
from .fmt import short
from .snapshot import Snapshot

MAX_INDICES = 12


def _indices(indices: tuple[int, ...]) -> str:
    """The batch's samples by their index in the data (from 0, as in the file): ``#0 #1``."""
    marked = [f"#{k}" for k in indices]
    if len(marked) <= MAX_INDICES:
        return " ".join(marked)
    return f"{' '.join(marked[: MAX_INDICES - 2])} … {marked[-1]} ({len(marked)} samples)"


class CountersPane(Static):
    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            text = render_strip(snapshot.state, compact=snapshot.view.narrow, pace=snapshot.pace)
            lines = text.plain.count("\n")
            self.update(text, layout=lines != getattr(self, "_lines", None))  # two lines: no new layout
            self._lines = lines


def _phases(st: SessionState, compact: bool) -> tuple[str, Text]:
    def say(phase) -> str:
        if compact and phase.layer is not None:
            return f"{phase.kind} {phase.layer}/{st.depth}"
        return phase.describe(st.depth)

    last = say(st.last_phase) if st.last_phase else "—"
    if st.finished or st.next_phase is None:
        return last, Text("finished", style="bold green")
    return last, Text(say(st.next_phase), style="bold cyan")


def _percent(share: float | None) -> str:
    return "·" if share is None else f"{short(100.0 * share, 3)}%"


def _loss(value: float | None, digits: int = 6) -> str:
    return "·" if value is None else short(value, digits)


def _epoch_mean(st: SessionState, digits: int, compact: bool = False) -> str:
    """This epoch's mean so far; at its start, the last epoch's, said so."""
    if st.epoch_running_loss is not None:
        return short(st.epoch_running_loss, digits)
    if len(st.epoch_loss):
        return short(st.epoch_loss[-1], digits) + ("" if compact else " (last)")
    return "·"


def render_strip(st: SessionState, compact: bool = False, pace: str = "") -> Text:
    """Two lines: where training is (counts and phases), then how it does (losses, accuracy, samples).

    ``compact`` (narrow terminals) shortens labels and numbers to keep two lines.
    """
    cur = st.current
    _, nxt = _phases(st, compact)
    digits, gap = 4, "  "
    text = Text(no_wrap=True, overflow="ellipsis")

    def put(label: str, value: str | Text) -> None:
        text.append(f"{label} ", style="dim")
        text.append(value if isinstance(value, Text) else Text(value, style="bold"))
        text.append(gap)

    put("epoch", f"{cur.epoch}/{st.epochs}")
    put("batch", f"{cur.batch}/{st.batches_per_epoch}")
    put("updates", f"{st.updates_done}/{st.total_updates}")
    put("lr" if compact else "learning rate", short(st.learning_rate, 6))
    put("next", nxt)  # (the phase just done is in the hint line)
    if pace:  # continue's pace (< >)
        put("pace", pace)
    text.rstrip()
    text.append("\n")
    put("loss" if compact else "batch loss", _loss(cur.batch_loss, digits))
    put("mean" if compact else "epoch mean", _epoch_mean(st, digits, compact))
    if st.test_loss is not None:
        put("held-out" if compact else "held-out loss", _loss(st.test_loss, digits))
    if st.accuracy is not None:
        put("acc" if compact else "accuracy", _percent(st.accuracy))
        if st.test_accuracy is not None:
            put("held-out acc" if compact else "held-out accuracy", _percent(st.test_accuracy))
    text.append("samples ", style="dim")
    text.append(_indices(cur.sample_indices))
    return text
