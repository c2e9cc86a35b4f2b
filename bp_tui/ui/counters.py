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
    if len(indices) <= MAX_INDICES:
        return " ".join(map(str, indices))
    head = " ".join(map(str, indices[: MAX_INDICES - 2]))
    return f"{head} … {indices[-1]} ({len(indices)})"


class CountersPane(Static):
    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.update(render_strip(snapshot.state, compact=snapshot.view.narrow, pace=snapshot.pace))


def _phases(st: SessionState) -> tuple[str, Text]:
    last = st.last_phase.describe(st.depth) if st.last_phase else "—"
    if st.finished or st.next_phase is None:
        return last, Text("finished", style="bold green")
    return last, Text(st.next_phase.describe(st.depth), style="bold cyan")


def _loss(value: float | None, digits: int = 6) -> str:
    return "·" if value is None else short(value, digits)


def _epoch_mean(st: SessionState, digits: int) -> str:
    """This epoch's mean so far; at its start, the last epoch's, said so."""
    if st.epoch_running_loss is not None:
        return short(st.epoch_running_loss, digits)
    if len(st.epoch_loss):
        return f"· (last {short(st.epoch_loss[-1], digits)})"
    return "·"


def render_strip(st: SessionState, compact: bool = False, pace: str = "") -> Text:
    """Two lines: the counters, then the phase and the batch's samples.

    ``compact`` (narrow terminals) shortens labels and numbers to keep two lines.
    """
    cur = st.current
    last, nxt = _phases(st)
    digits, gap = (4, "  ") if compact else (6, "   ")
    counters = (
        ("epoch", f"{cur.epoch}/{st.epochs}"),
        ("batch", f"{cur.batch}/{st.batches_per_epoch}"),
        ("updates", f"{st.updates_done}/{st.total_updates}"),
        ("lr" if compact else "learning rate", short(st.learning_rate, 6)),
        ("loss" if compact else "batch loss", _loss(cur.batch_loss, digits)),
        ("epoch mean", _epoch_mean(st, digits)),
    )
    text = Text(no_wrap=True, overflow="ellipsis")
    for label, value in counters:
        text.append(f"{label} ", style="dim")
        text.append(value + gap, style="bold")
    text.append("\nphase ", style="dim")
    text.append(last)
    text.append(f"{gap}next ", style="dim")
    text.append(nxt)
    text.append(f"{gap}samples ", style="dim")
    text.append(_indices(cur.sample_indices))
    if pace:  # continue's pace (< >)
        text.append(f"{gap}pace ", style="dim")
        text.append(pace)
    return text
