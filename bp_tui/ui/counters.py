"""The batch/epoch counter pane: where training is, and what comes next."""

from __future__ import annotations

from rich.table import Table
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
    def show(self, state: SessionState) -> None:
        self.update(render_counters(state))


def render_counters(st: SessionState) -> Table:
    cur = st.current
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(no_wrap=True, overflow="ellipsis")
    table.add_row("epoch", Text(f"{cur.epoch}/{st.epochs}", style="bold"))
    table.add_row("batch", Text(f"{cur.batch}/{st.batches_per_epoch}", style="bold"))
    table.add_row("samples", _indices(cur.sample_indices))
    last = st.last_phase.describe(st.depth) if st.last_phase else "—"
    nxt = Text("finished", style="bold green") if st.finished else Text(
        st.next_phase.describe(st.depth), style="bold cyan")
    table.add_row("phase", Text(last))
    table.add_row("next", nxt)
    table.add_row("updates", f"{st.updates_done}/{st.total_updates}")
    table.add_row("learning rate", short(st.learning_rate, 6))
    table.add_row("batch loss", "·" if cur.batch_loss is None else short(cur.batch_loss, 6))
    running = st.epoch_running_loss
    table.add_row("epoch mean", "·" if running is None else short(running, 6))
    return table
