"""The batch/epoch counter pane: where training is, and what comes next."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..engine.state import SessionState
from .fmt import short

MAX_INDICES = 12


def _indices(indices: tuple[int, ...]) -> str:
    if len(indices) <= MAX_INDICES:
        return " ".join(map(str, indices))
    head = " ".join(map(str, indices[: MAX_INDICES - 2]))
    return f"{head} … {indices[-1]} ({len(indices)})"


class CountersPane(Static):
    def show(self, state: SessionState, compact: bool = False) -> None:
        self.update(render_strip(state) if compact else render_counters(state))


def _phases(st: SessionState) -> tuple[str, Text]:
    last = st.last_phase.describe(st.depth) if st.last_phase else "—"
    if st.finished:
        return last, Text("finished", style="bold green")
    return last, Text(st.next_phase.describe(st.depth), style="bold cyan")


def _loss(value: float | None) -> str:
    return "·" if value is None else short(value, 6)


def _epoch_mean(st: SessionState) -> str:
    """This epoch's mean so far; at its start, the last epoch's, said so."""
    if st.epoch_running_loss is not None:
        return short(st.epoch_running_loss, 6)
    if len(st.epoch_loss):
        return f"· (last {short(st.epoch_loss[-1], 6)})"
    return "·"


def render_strip(st: SessionState) -> Text:
    """Two lines for narrow terminals: the counters, then the phase."""
    cur = st.current
    last, nxt = _phases(st)
    text = Text()
    for label, value in (("epoch", f"{cur.epoch}/{st.epochs}"), ("batch", f"{cur.batch}/{st.batches_per_epoch}"),
                         ("updates", f"{st.updates_done}/{st.total_updates}"),
                         ("lr", short(st.learning_rate, 6)), ("batch loss", _loss(cur.batch_loss)),
                         ("epoch mean", _epoch_mean(st))):
        text.append(f"{label} ", style="dim")
        text.append(f"{value}  ", style="bold")
    text.append("\nphase ", style="dim")
    text.append(last)
    text.append("  next ", style="dim")
    text.append(nxt)
    text.append("  samples ", style="dim")
    text.append(_indices(cur.sample_indices))
    text.no_wrap = True
    return text


def render_counters(st: SessionState) -> Text:
    """Pairs of counters side by side, then the phase and the batch's samples."""
    cur = st.current
    last, nxt = _phases(st)
    text = Text(no_wrap=True, overflow="ellipsis")
    pairs = (
        ("epoch", f"{cur.epoch}/{st.epochs}", "batch", f"{cur.batch}/{st.batches_per_epoch}"),
        ("updates", f"{st.updates_done}/{st.total_updates}", "learning rate", short(st.learning_rate, 6)),
        ("batch loss", _loss(cur.batch_loss), "epoch mean", _epoch_mean(st)),
    )
    for label, value, label2, value2 in pairs:
        text.append(f"{label:<11}", style="dim")
        text.append(f"{value:<10} ", style="bold")
        text.append(f"{label2} ", style="dim")
        text.append(f"{value2}\n", style="bold")
    for label, value in (("phase", Text(last)), ("next", nxt), ("samples", Text(_indices(cur.sample_indices)))):
        text.append(f"{label:<11}", style="dim")
        text.append(value)
        text.append("\n")
    text.rstrip()
    return text
