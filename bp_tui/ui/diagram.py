"""The network diagram pane: layers as columns of nodes, weights between them.

Each computed layer is a column of nodes showing their value (for the sample
being viewed) and, once that layer's backward phase is done, the loss slope
there (``∂L``).  Between two columns, the weights as a small matrix: one row
per node they come from (and the bias row), one column per node they feed;
colour gives the sign, brightness the magnitude.  Wide layers collapse to
their first and last few nodes around the selection.  Layers the forward
pass has not reached for this batch show ``·`` (pending), never old numbers.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.events import Click
from textual.reactive import var
from textual.widget import Widget

from ..engine.state import BACKWARD, FORWARD, UPDATE, SessionState
from .fmt import fit, short, weight_style
from .network_drawing import frozen_names
from .selection import Selection, WeightClicked
from .snapshot import Snapshot

NODE_W = 12  # a node column
TARGET_W = 8  # the output layer's target column
CELL_W = 8  # one weight in a matrix
GAP = 1
GAP_W = 2  # the ellipsis column of a collapsed matrix
MAX_NODES = 8  # taller layers collapse
HEADER = 2  # title line + sub-title line

Plan = tuple[list[list[int | None]], list[list[int | None]]]  # nodes shown per layer, columns per matrix
Drawing = tuple[list[Text], dict[tuple[int, int], Selection]]  # lines, and what a click on a cell selects


def visible(n: int, focus: set[int], limit: int) -> list[int | None]:
    """Up to ``limit`` of ``n`` indices to draw: first and last few, and ``focus``; None = gap."""
    if n <= limit:
        return list(range(n))
    head, tail = list(range((limit + 1) // 2)), list(range(n - limit // 2, n))
    for k in sorted(focus):
        if 0 <= k < n and k not in head and k not in tail:
            if len(head) > 1:
                head.pop()
            elif tail:
                tail.pop(0)
            head.append(k)
    shown: list[int | None] = []
    previous = None
    for k in sorted(set(head) | set(tail)):
        if previous is not None and k != previous + 1:
            shown.append(None)
        shown.append(k)
        previous = k
    if shown[-1] != n - 1:
        shown.append(None)
    return shown


def fit_columns(sizes: list[int], spare: int) -> list[int]:
    """How many weight columns each matrix shows so that all fit in ``spare`` cells.

    Matrices keep every column while they fit; the widest gives way first,
    down to one column plus the ellipsis.
    """
    counts = [min(n, max(1, spare // CELL_W)) for n in sizes]

    def width() -> int:
        return sum(CELL_W * c + (GAP_W if c < n else 0) for n, c in zip(sizes, counts))

    while width() > spare and max(counts) > 1:
        widest = counts.index(max(counts))
        counts[widest] -= 1
    return counts


class NetworkDiagram(Widget, can_focus=False):
    """Draws ``SessionState``; clicking a node or weight posts ``Selected``."""

    Selected = WeightClicked  # both views of the network post the same message

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self.selection: Selection | None = None
        self.sample = 0
        self._hits: dict[tuple[int, int], Selection] = {}
        self._width: int | None = None  # the width layout planned for (render reuses it)
        self._drawn: tuple[int, Drawing] | None = None  # the drawing for that width, made once per state
        self._shape: tuple | None = None  # what decides the layout: a new one lays the screen out again

    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.show(snapshot.state, snapshot.selection, snapshot.sample)

    def show(self, state: SessionState, selection: Selection, sample: int) -> None:
        """New numbers only repaint; a new shape (network, selection) lays the screen out again."""
        self.state, self.selection, self.sample = state, selection, sample
        self._drawn = None
        width = self._width
        shape = (state.layers, state.bias, selection,
                 None if width is None else max(line.cell_len for line in self._drawing(width)[0]))
        self.refresh(layout=shape != self._shape)
        self._shape = shape

    def _shown(self) -> tuple[SessionState, Selection]:
        """What ``show`` gave; layout and drawing ask only once a state is there."""
        if self.state is None or self.selection is None:
            raise RuntimeError("the diagram is drawn before show() gave it a state")
        return self.state, self.selection

    # ------------------------------------------------------------- layout
    def _plan(self, width: int) -> Plan:
        """Which nodes of each layer and which columns of each matrix to draw."""
        st, sel = self._shown()
        chosen = sel.feeds.j  # the node the selected weight feeds
        sizes = st.layers
        rows = []
        for l, n in enumerate(sizes):
            focus = set()
            if l == sel.layer - 1 and sel.i is not None:
                focus.add(sel.i)
            if l == sel.layer:
                focus.add(chosen)
            rows.append(visible(n, focus, MAX_NODES))
        depth = len(sizes) - 1
        spare = width - (len(sizes) * NODE_W + TARGET_W + 2 * depth * GAP)
        counts = fit_columns(list(sizes[1:]), spare)
        cols: list[list[int | None]] = [[]]
        cols += [list(range(n)) if c >= n else visible(n, {chosen} if l == sel.layer else set(), c)
                 for l, (n, c) in enumerate(zip(sizes[1:], counts), start=1)]
        return rows, cols

    def get_content_height(self, container, viewport, width) -> int:
        if self.state is None:
            return 1
        return self._height(self._plan(width)[0])

    def _height(self, rows: list[list[int | None]]) -> int:
        st, _ = self._shown()
        return HEADER + max(2 * len(r) + (1 if st.bias else 0) for r in rows)

    def get_content_width(self, container, viewport) -> int:
        """As wide as the drawing planned for ``container``; render reuses that plan."""
        if self.state is None:
            return 1
        self._width = container.width
        lines, _ = self._drawing(container.width)
        return max(line.cell_len for line in lines)

    def _drawing(self, width: int) -> Drawing:
        """The drawing for ``width``, made once per state (layout and render both ask)."""
        if self._drawn is None or self._drawn[0] != width:
            self._drawn = (width, self._draw(width))
        return self._drawn[1]

    def render(self) -> Text:
        if self.state is None:
            return Text("")
        lines, self._hits = self._drawing(self.size.width if self._width is None else self._width)
        text = Text("\n").join(lines)
        text.no_wrap = True
        return text

    def _draw(self, width: int) -> Drawing:
        st, _ = self._shown()
        rows, cols = self._plan(width)
        height = self._height(rows)
        canvas = [Text() for _ in range(height)]
        hits: dict[tuple[int, int], Selection] = {}
        x = 0
        for l in range(len(st.layers)):
            if l > 0:
                w = self._draw_matrix(canvas, hits, x, l, rows[l - 1], cols[l])
                x += w + GAP
            self._draw_layer(canvas, hits, x, l, rows[l])
            x += (NODE_W + TARGET_W if l == st.depth else NODE_W) + GAP
        return canvas, hits

    # ------------------------------------------------------------- pieces
    def _put(self, canvas, y: int, x: int, text: str | Text, style: str = "") -> None:
        line = canvas[y]
        if line.cell_len < x:
            line.append(" " * (x - line.cell_len))
        line.append(text if isinstance(text, Text) else Text(text, style=style))

    def _phase_layer(self) -> tuple[str | None, int | None]:
        last = self._shown()[0].last_phase
        return (last.kind, last.layer) if last else (None, None)

    def _draw_layer(self, canvas, hits, x: int, l: int, shown) -> None:
        st, sel = self._shown()
        cur = st.current
        kind, phase_layer = self._phase_layer()
        is_out = l == st.depth
        width = NODE_W + TARGET_W if is_out else NODE_W
        title = "input" if l == 0 else ("output" if is_out else f"layer {l}")
        if l:
            title += f" {st.activations[l]}"
        just_done = phase_layer == l and kind in (FORWARD, BACKWARD)
        self._put(canvas, 0, x, title[:width + GAP - 1].ljust(width), "bold reverse" if just_done else "bold")
        self._put(canvas, 1, x, ("value / ∂L" if l else "value") + ("    target" if is_out else ""), "dim")
        values = cur.node_values[l]
        slopes = cur.loss_slopes[l] if l else None
        s = min(self.sample, len(cur.sample_indices) - 1)
        for row, k in enumerate(shown):
            y = HEADER + 2 * row
            if k is None:
                self._put(canvas, y, x, f"  … {st.layers[l] - sum(v is not None for v in shown)} more", "dim italic")
                continue
            chosen = (l == sel.layer and k == sel.j) or (l == sel.layer - 1 and k == sel.i)
            mark = "▶" if chosen else "●"
            label = Text(f"{mark}{k:<3}", style="bold yellow" if chosen else "cyan", no_wrap=True)
            if values is None:
                label.append(f"{'·':>8}", style="dim")
            else:
                v = float(values[s, k])
                label.append(f"{short(v, 4):>8}", style=("bold" if just_done and kind == FORWARD else "") +
                             (" red" if v != v or abs(v) == float("inf") else ""))
            if is_out:
                label.append(f"{short(cur.targets[s, k], 5):>{TARGET_W}}", style="green")
            self._put(canvas, y, x, label)
            if slopes is not None:
                self._put(canvas, y + 1, x, Text(f" ∂L {short(float(slopes[s, k]), 4):>8}",
                                                  style="magenta bold" if just_done else "magenta"))
            target = Selection(l, 0, k) if l else Selection(1, k, 0)
            hits.update({(xx, yy): target for xx in range(x, x + width) for yy in (y, y + 1)})
        if st.bias and l < st.depth:
            self._put(canvas, HEADER + 2 * len(shown), x, "  1  (bias)", "dim")

    def _draw_matrix(self, canvas, hits, x: int, l: int, from_rows, to_cols) -> int:
        st, sel = self._shown()
        W, b = st.weights[l], st.biases[l]
        kind, _ = self._phase_layer()
        widths = [GAP_W if j is None else CELL_W for j in to_cols]
        lefts = [x + sum(widths[:c]) for c in range(len(widths))]
        width = sum(widths)
        frozen = [name for name in frozen_names(st) if name[1:] == str(l)]
        title = (f"W{l} {st.layers[l - 1]}×{st.layers[l]}" + (" new" if kind == UPDATE else "")
                 + (f" ❄{'/'.join(frozen)}" if frozen else ""))
        if len(title) >= width:  # never run into the next column's title
            title = (f"W{l} new" if kind == UPDATE and width > 6 else f"W{l}") + (" ❄" if frozen else "")
        self._put(canvas, 0, x, title[: width - 1].ljust(width), "bold reverse" if kind == UPDATE else "bold")
        head = Text()
        for j, w in zip(to_cols, widths):
            head.append(f"{'…' if j is None else '→' + str(j):>{w - 1}} ", style="dim")
        self._put(canvas, 1, x, head)
        scale = float(abs(W).max()) if W.size else 0.0
        if b is not None and b.size:
            scale = max(scale, float(abs(b).max()))
        rows = [(r, i) for r, i in enumerate(from_rows) if i is not None]
        if b is not None:
            rows.append((len(from_rows), None))
        for r, i in rows:
            y = HEADER + 2 * r
            line = Text()
            for c, j in enumerate(to_cols):
                if j is None:
                    line.append(f"{'…':>{GAP_W - 1}} ", style="dim")
                    continue
                value = float(W[i, j] if i is not None else b[j])
                style = weight_style(value, scale)
                if sel.layer == l and sel.j == j and sel.i == i:
                    style = "bold reverse yellow"
                line.append(fit(value, CELL_W - 1).rjust(CELL_W - 1), style=style)
                line.append(" ")
                target = Selection(l, i, j)
                hits.update({(xx, y): target for xx in range(lefts[c], lefts[c] + CELL_W)})
            self._put(canvas, y, x, line)
        return width

    def on_click(self, event: Click) -> None:
        target = self._hits.get((event.x, event.y))
        if target is not None:
            self.post_message(self.Selected(target))


class DiagramBox(VerticalScroll, can_focus=False):
    """The diagram's scrolling frame; its subtitle says which sample the diagram shows."""

    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            indices = snapshot.state.current.sample_indices
            self.border_subtitle = f"sample {snapshot.sample + 1} of {len(indices)} (#{indices[snapshot.sample]})"
