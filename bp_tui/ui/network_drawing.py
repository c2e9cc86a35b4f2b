"""The network drawn as on the slides: nodes in columns, every weight a line.

Each node shows its value once the forward pass has computed it for this
batch (``·`` before), and its loss slope (``∂L``) once the backward pass has
reached it, so values fill in left to right and slopes right to left.  A
weight's line is blue when positive, orange when negative (Playground's
colours), heavier the larger it is compared with the largest weight, dim
when small; the selected weight's line is yellow and labelled with its value.
The layer the last phase computed is highlighted.  Under the nodes: the
output's words (prediction − target = error, the loss, its slope, from
``engine.output_step``) and a legend line.

Geometry lives in ``drawing_layout`` (testable without Textual); this widget
only paints it.  A click on a line, a label or a node posts ``Selected``.
"""

from __future__ import annotations

import math
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.strip import Strip
from textual.widget import Widget

from ..engine.output_step import OutputStep, output_step
from ..engine.state import BACKWARD, FORWARD, SessionState
from .drawing_layout import Edge, Layout, place_labels, plan, rasterise
from .fmt import fit, short
from .selection import Selection, WeightClicked

POSITIVE, NEGATIVE, ZERO = "#4fa3e0", "#f59322", "grey50"
SELECTED = "#ffd75f"
NODE_BG, LIT_BG = "#26303b", "#5c4a12"
SLOPE = "#e062c4"
LEGENDS = (  # the longest that fits is shown
    ("∂L: slope of the loss at the node · error = prediction − target · lines: blue +, orange −, "
     "thicker = larger |w| · yellow: selected weight"),
    "∂L: slope of the loss at the node · error = prediction − target · lines: blue +, orange −, thick = large",
    "∂L: slope of the loss · error = prediction − target · blue +, orange −",
    "∂L slope of the loss · error prediction − target · blue +, orange −",
    "∂L: slope of the loss · error = prediction − target · ? help",
    "∂L: slope of the loss · error = prediction − target",
    "∂L: slope of the loss · ? help",
)
ALL_LABELS = 12  # networks with at most this many weights label every line
FOOT = 2  # the output line and the legend, under the nodes


@lru_cache(maxsize=256)
def style(text: str) -> Style:
    return Style.parse(text)


def line_style(w: float, scale: float) -> tuple[str, bool]:
    """A weight's colour and whether its line is heavy, from its sign and its size."""
    if not math.isfinite(w):
        return "bold white on red", True
    colour = POSITIVE if w > 0 else NEGATIVE if w < 0 else ZERO
    ratio = abs(w) / scale if scale > 0 else 0.0
    if ratio > 0.66:
        return f"bold {colour}", True
    return (f"dim {colour}" if ratio < 0.2 else colour), False


def frozen_names(state) -> list[str]:
    """The parameters the optimizer keeps still (``freeze``), in reading order: ``["b1", "b2"]``."""
    return [p.name for p in sorted(state.optimizer.frozen)]


def display_name(name: str) -> str:
    """``species=setosa`` -> ``setosa``; ``petal_width`` -> ``petal width``."""
    return name.split("=", 1)[-1].replace("_", " ")


def fits(layers, bias: bool, width: int, height: int, names=(), classes=()) -> bool:
    """Whether the drawing fits ``width`` x ``height`` (else the app shows the matrix view)."""
    return _plan(layers, bias, width, height, names, classes) is not None


def _plan(layers, bias, width, height, names, classes) -> Layout | None:
    left = min(max((len(display_name(n)) for n in names), default=-1) + 1, 14)
    right = 12 if not classes else min(max(len(display_name(c)) for c in classes) + 1, 12) + 4
    return plan(layers, bias, width, height - FOOT, left=left, right=max(right, 14))


def output_line(step, k: int, slope_known: bool, width: int) -> str:
    """Output k's error, loss and loss slope with their numbers, as much as fits ``width``."""
    def num(v: float) -> str:
        return short(v, 4)

    def term(v: float) -> str:  # a number inside a formula: negative ones in brackets
        return f"({num(v)})" if v < 0 else num(v)

    error = f"error {num(step.prediction[k])} − {term(step.target[k])} = {num(step.error[k])}"
    losses = (f"loss {step.loss.with_numbers(term)} = {num(step.loss.result)}", f"loss {num(step.loss.result)}")
    worked = step.loss_slopes[k]
    slopes = (f"∂L {worked.with_numbers(term)} = {num(worked.result)}", f"∂L {num(worked.result)}")
    text = ""
    for tail in (slopes if slope_known else ("",)):  # the slope's numbers matter most, then the loss's
        for middle in losses:
            for head in (f"output {k}: ", ""):
                text = head + " · ".join(part for part in (error, middle, tail) if part)
                if len(text) <= width:
                    return text
    return text[:width]


class Canvas:
    """A grid of cells, each a character and a style; rows become Strips."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.chars = [[" "] * width for _ in range(height)]
        self.styles = [[""] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str, how: str = "") -> None:
        if not 0 <= y < len(self.chars):
            return
        for k, char in enumerate(text):
            if 0 <= x + k < self.width:
                self.chars[y][x + k], self.styles[y][x + k] = char, how

    def strips(self, base: Style | None = None) -> list[Strip]:
        """One Strip per row, runs of one style as one segment, over ``base`` (the widget's colours)."""
        base = base or Style()
        looks: dict[str, Style] = {}
        out = []
        for chars, styles in zip(self.chars, self.styles):
            segments, start = [], 0
            for k in range(1, len(chars) + 1):
                if k == len(chars) or styles[k] != styles[start]:
                    how = styles[start]
                    look = looks.get(how) or looks.setdefault(how, base + style(how))
                    segments.append(Segment("".join(chars[start:k]), look))
                    start = k
            out.append(Strip(segments, self.width))
        return out


Hits = dict[tuple[int, int], Edge | Selection]  # what a click on a cell selects


class NetworkDrawing(Widget, can_focus=False):
    """Paints a ``SessionState`` as a node-and-edge drawing; clicks post ``Selected``."""

    DEFAULT_CSS = "NetworkDrawing { width: auto; height: auto; }"

    Selected = WeightClicked  # both views of the network post the same message

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self.selection: Selection | None = None
        self.sample = 0
        self.names: tuple[str, ...] = ()
        self.class_names: tuple[str, ...] = ()
        self.budget = (120, 24)  # the most cells the drawing may take (the app sets it)
        self._strips: list[Strip] = []
        self._hits: Hits = {}

    def show(self, state: SessionState, selection: Selection, sample: int,
             names: tuple[str, ...] = (), classes: tuple[str, ...] = (),
             budget: tuple[int, int] | None = None) -> None:
        """Draw ``state`` once now (render only copies rows out)."""
        self.state, self.selection, self.sample = state, selection, sample
        self.names, self.class_names = names, classes
        if budget is not None:
            self.budget = budget
        old = (len(self._strips), self._strips[0].cell_length if self._strips else 0)
        self._strips, self._hits = self.draw()
        new = (len(self._strips), self._strips[0].cell_length if self._strips else 0)
        self.refresh(layout=new != old)

    def get_content_width(self, container, viewport) -> int:
        return self._strips[0].cell_length if self._strips else 1

    def get_content_height(self, container, viewport, width) -> int:
        return max(len(self._strips), 1)

    def render_line(self, y: int) -> Strip:
        if y >= len(self._strips):
            return Strip.blank(self.size.width, self.rich_style)
        return self._strips[y]

    # ------------------------------------------------------------------ drawing
    def _shown(self) -> tuple[SessionState, Selection]:
        """What ``show`` gave; drawing runs only from ``show``, after it."""
        if self.state is None or self.selection is None:
            raise RuntimeError("the network is drawn before show() gave it a state")
        return self.state, self.selection

    def draw(self) -> tuple[list[Strip], Hits]:
        st, _ = self._shown()
        layout = _plan(st.layers, st.bias, *self.budget, self.names, self.class_names)
        if layout is None:
            canvas = Canvas(self.budget[0], 1)
            canvas.put(0, 0, "too wide to draw here: the matrix view shows it", "italic")
            return canvas.strips(self.rich_style), {}
        canvas = Canvas(max(layout.width, self.budget[0]), layout.height + FOOT)
        hits: Hits = {}
        s = min(self.sample, len(st.current.sample_indices) - 1)
        step = output_step(st.current, st.loss, s)
        self._lines(canvas, layout, hits)
        for l in range(len(st.layers)):
            self._column(canvas, layout, l, hits, step)
        self._foot(canvas, layout.height, step)
        return canvas.strips(self.rich_style), hits

    def _weight(self, edge: Edge) -> float:
        st, _ = self._shown()
        return float(st.biases[edge.layer][edge.j] if edge.i is None else st.weights[edge.layer][edge.i, edge.j])

    def _lines(self, canvas: Canvas, layout: Layout, hits: Hits) -> None:
        """Every weight's line (small ones first, the selected one last), then the labels."""
        _, sel = self._shown()
        chosen = Edge(sel.layer, sel.i, sel.feeds.j)
        values = {edge: self._weight(edge) for edge in layout.edges}
        scales: dict[int, float] = {}
        for edge, w in values.items():
            if math.isfinite(w):
                scales[edge.layer] = max(scales.get(edge.layer, 0.0), abs(w))
        looks = {edge: line_style(w, scales.get(edge.layer, 0.0)) for edge, w in values.items()}
        order = sorted((e for e in layout.edges if e != chosen),
                       key=lambda e: abs(values[e]) if math.isfinite(values[e]) else math.inf) + [chosen]
        heavy = {edge for edge, (_, thick) in looks.items() if thick} | {chosen}
        for (x, y), (char, edge) in rasterise(layout, order, heavy).items():
            canvas.put(x, y, char, f"bold {SELECTED}" if edge == chosen else looks[edge][0])
            hits[(x, y)] = edge
        labels = [(chosen, fit(values[chosen], 7))]
        if len(layout.edges) <= ALL_LABELS:  # a number that does not fit is left to the breakdown
            labels += [(e, text) for e in layout.edges if e != chosen and "#" not in (text := fit(values[e], 6))]
        for edge, (x, y) in place_labels(layout, labels).items():
            text = dict(labels)[edge]
            how = f"bold reverse {SELECTED}" if edge == chosen else looks[edge][0].replace("dim ", "")
            canvas.put(x, y, text, how)
            hits.update({(x + k, y): edge for k in range(len(text))})

    def _column(self, canvas: Canvas, layout: Layout, l: int, hits: Hits, step: OutputStep | None) -> None:
        """Layer ``l``: its title, its nodes (value, ∂L once known), names beside, the bias node."""
        st, sel = self._shown()
        cur, last = st.current, st.last_phase
        lit = last.kind if last is not None and last.layer == l and last.kind in (FORWARD, BACKWARD) else None
        x, width = layout.column_x(l), layout.boxes[(l, 0)].w
        title = "input" if l == 0 else ("output" if l == st.depth else f"layer {l}")
        if l:
            title += f" {st.activations[l]}"
        gap = layout.gaps[l + 1][1] - layout.gaps[l + 1][0] if l < st.depth else layout.right
        canvas.put(x, 0, title[:width + gap - 1], "bold reverse" if lit else "bold")
        s = min(self.sample, len(cur.sample_indices) - 1)
        values = cur.node_values[l]
        slopes = cur.loss_slopes[l] if l else None
        for k in range(st.layers[l]):
            box = layout.boxes[(l, k)]
            chosen = (l == sel.layer and k == sel.j) or (l == sel.layer - 1 and k == sel.i)
            self._node(canvas, box, None if values is None else float(values[s, k]),
                       None if slopes is None else float(slopes[s, k]), chosen, lit)
            target = Selection(l, 0, k) if l else Selection(1, k, 0)
            hits.update({(box.x + dx, box.y + dy): target for dx in range(box.w) for dy in range(box.h)})
            if l == 0 and self.names:
                name = display_name(self.names[k])[: layout.left - 1]
                canvas.put(box.x - len(name) - 1, box.y + box.h - 1, name, "italic")
            if l == st.depth:
                self._output_words(canvas, box, k, s, step)
        bias = layout.boxes.get((l, None))
        if bias is not None:
            frozen = f"b{l + 1}" in frozen_names(st)
            canvas.put(bias.x, bias.y, f"{'1 bias ❄' if frozen else '1 bias':^{bias.w}}"[:bias.w], "dim on " + NODE_BG)
            hits.update({(bias.x + dx, bias.y + dy): Selection(l + 1, None, 0)
                         for dx in range(bias.w) for dy in range(bias.h)})

    @staticmethod
    def _node(canvas: Canvas, box, value: float | None, slope: float | None, chosen: bool,
              lit: str | None) -> None:
        """One node: its index and value ("·" before the forward pass), its ∂L under or beside."""
        background = LIT_BG if lit == FORWARD else NODE_BG
        ink = f"bold {SELECTED} on {background}" if chosen else f"on {background}"
        slope_ink = f"bold {SLOPE} on {LIT_BG}" if lit == BACKWARD else f"{SLOPE} on {background}"
        tag = str(box.node)
        shown = "·" if value is None else fit(value, box.w - len(tag) - 2 if box.h == 2 else 7)
        slope_text = "" if slope is None else "∂L " + fit(slope, box.w - 4 if box.h == 2 else 8)
        if box.h == 2:
            canvas.put(box.x, box.y, f"{tag:<{box.w - len(shown) - 1}}{shown} "[:box.w], ink)
            canvas.put(box.x, box.y + 1, f"{slope_text:>{box.w - 1}} "[:box.w], slope_ink if slope_text else ink)
        else:
            canvas.put(box.x, box.y, f"{tag} {shown:>6}"[:box.w].ljust(box.w), ink)
            if slope_text:
                canvas.put(box.x + 9, box.y, f"{slope_text:>{box.w - 9}}"[: box.w - 9], slope_ink)

    def _output_words(self, canvas: Canvas, box, k: int, s: int, step: OutputStep | None) -> None:
        """Beside output node k: its class name or target, and its error once predicted."""
        x = box.x + box.w + 1
        t = short(float(self._shown()[0].current.targets[s, k]), 4)
        error = None if step is None else short(float(step.error[k]), 4)
        name = display_name(self.class_names[k]) + " " if k < len(self.class_names) else ""
        if box.h == 2:
            canvas.put(x, box.y, f"{name}t {t}" if name else f"target {t}", "green")
            canvas.put(x, box.y + 1, "" if error is None else f"error {error}", "bold")
        else:
            canvas.put(x, box.y, f"t {t}", "green")
            if error is not None:
                canvas.put(x + 3 + len(t), box.y, f" e {error}", "bold")

    def _foot(self, canvas: Canvas, y: int, step: OutputStep | None) -> None:
        """The output's words for the sample shown, then the legend."""
        st, sel = self._shown()
        k = sel.feeds.j if sel.layer == st.depth else 0
        width = canvas.width
        if step is None:
            canvas.put(0, y, "the forward pass has not reached the output yet", "dim italic")
        else:
            canvas.put(0, y, output_line(step, k, st.current.loss_slopes[st.depth] is not None, width))
        frozen = frozen_names(st)
        lead = f"❄ frozen (never move): {', '.join(frozen)} · " if frozen else ""
        canvas.put(0, y + 1, lead + next((t for t in LEGENDS if len(lead + t) <= width), LEGENDS[-1]), "dim")

    def on_click(self, event: Click) -> None:
        target = self._hits.get((event.x, event.y))
        if isinstance(target, Edge):
            target = Selection(target.layer, target.i, target.j)
        if target is not None:
            self.post_message(self.Selected(target))
