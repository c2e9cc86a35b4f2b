"""The watch pane: pinned weights and nodes, each a sparkline of its values
over the updates so far and its latest value."""

from __future__ import annotations

import numpy as np
from rich.table import Table
from rich.text import Text
from textual.reactive import var
from textual.widgets import Static

from .fmt import short
from .snapshot import Snapshot

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: np.ndarray, width: int) -> str:
    """Bucket means drawn as bars; gaps (not recorded, or not finite) as spaces."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return ""
    edges = np.linspace(0, len(values), min(width, len(values)) + 1).astype(int)
    with np.errstate(all="ignore"):
        buckets = np.array([np.nanmean(values[a:b]) if np.isfinite(values[a:b]).any() else np.nan
                            for a, b in zip(edges[:-1], edges[1:])])
    finite = buckets[np.isfinite(buckets)]
    if len(finite) == 0:
        return " " * len(buckets)
    low, high = finite.min(), finite.max()
    span = high - low if high > low else 1.0
    return "".join(" " if not np.isfinite(v) else BARS[int((v - low) / span * (len(BARS) - 1))] for v in buckets)


class WatchPane(Static):
    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        """The snapshot's ``(watch, values by update)`` pairs, from the engine."""
        watches = snapshot.watches if snapshot is not None else ()
        self.display = bool(watches)
        if not watches:
            return
        table = Table.grid(padding=(0, 1))
        table.add_column(style="cyan", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        width = max(8, self.size.width - 24)
        for watch, values in watches:
            last = values[-1] if len(values) else float("nan")
            table.add_row(watch.name, Text(sparkline(values, width), style="green"), short(last, 4))
        self.update(table)
