"""Where the drawn network's nodes, lines and labels go: pure geometry, no Textual.

The drawing is the slides' picture: layers as columns of nodes, left to right,
and every weight a straight line from the node it comes from to the node it
feeds.  Lines are drawn in braille cells (2 x 4 dots per character cell), so
they can run at any slope; where lines cross, their dots add up and the cell
takes the colour of the line drawn last (the caller draws the important ones
last).  A bias is drawn as a node holding "1" at the foot of the layer it comes
from, as in textbooks: its weights are lines like any other.

``plan`` fits a network into a width and height (or says it does not fit, and
the caller falls back to the matrix view); ``rasterise`` turns the lines into
braille cells; ``place_labels`` finds room for weight labels on their lines.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Braille dot bits, indexed [row 0..3][column 0..1] of the 2 x 4 dot cell.
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
BRAILLE = 0x2800
MIN_GAP = 8  # narrowest space for the lines between two columns of nodes
MAX_GAP = 26
INPUT_W = 8  # an input node: its value only
NODE_W = (10, 19)  # a computed node, two rows tall / one row (value and ∂L side by side)
NODE_H = (2, 1)


@dataclass(frozen=True)
class Edge:
    """The weight from node ``i`` of layer ``layer - 1`` (None: the bias) to node ``j`` of ``layer``."""

    layer: int
    i: int | None
    j: int


@dataclass(frozen=True)
class Box:
    """A node's cells: ``node`` None is the bias node ("1") at the foot of ``layer``."""

    layer: int
    node: int | None
    x: int
    y: int
    w: int
    h: int

    @property
    def middle(self) -> int:
        """The dot row (4 per cell row) where lines meet the node."""
        return self.y * 4 + (self.h * 4) // 2 - (1 if self.h == 1 else 0)


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    node_h: int  # 2: value above, ∂L below; 1: side by side
    top: int  # first row of nodes (the row above holds the layer titles)
    boxes: dict  # (layer, node or None) -> Box
    gaps: tuple  # per layer l >= 1: (x0, x1) the columns of the lines into layer l; index 0 unused
    edges: tuple  # every Edge, layer by layer
    left: int  # columns for input names, left of the input nodes
    right: int  # columns for the output's words, right of the output nodes

    def column_x(self, layer: int) -> int:
        return self.boxes[(layer, 0)].x


def node_width(layer: int, node_h: int) -> int:
    return INPUT_W if layer == 0 else NODE_W[NODE_H.index(node_h)]


def plan(layers, bias: bool, width: int, height: int, left: int = 0, right: int = 12) -> Layout | None:
    """Fit ``layers`` (node counts, input first) into ``width`` x ``height`` cells, or None.

    Two-row nodes with a blank row between them when there is room; then
    without the blank rows; then one-row nodes.  ``left`` and ``right`` are
    the columns kept for names beside the input and output nodes.
    """
    for node_h, gap in ((2, 1), (2, 0), (1, 1), (1, 0)):
        rows = max(_column_rows(n, bias and l < len(layers) - 1, node_h, gap) for l, n in enumerate(layers))
        if 1 + rows > height:
            continue
        widths = [node_width(l, node_h) for l in range(len(layers))]
        spare = width - left - right - sum(widths)
        gaps = len(layers) - 1
        if gaps == 0 or spare // gaps < MIN_GAP:
            continue
        return _place(layers, bias, node_h, gap, widths, min(spare // gaps, MAX_GAP), left, right, 1 + rows)
    return None


def _column_rows(nodes: int, bias: bool, node_h: int, gap: int) -> int:
    """Rows a column takes: its nodes, the gaps between them, and a one-row bias node."""
    return nodes * node_h + (nodes - 1) * gap + ((1 + gap) if bias else 0)


def _place(layers, bias, node_h, gap, widths, gap_w, left, right, height) -> Layout:
    boxes: dict = {}
    gaps: list = [None]
    x = left
    for l, n in enumerate(layers):
        if l:
            gaps.append((x, x + gap_w))
            x += gap_w
        has_bias = bias and l < len(layers) - 1
        y = 1 + (height - 1 - _column_rows(n, has_bias, node_h, gap)) // 2
        for k in range(n):
            boxes[(l, k)] = Box(l, k, x, y + k * (node_h + gap), widths[l], node_h)
        if has_bias:
            boxes[(l, None)] = Box(l, None, x, y + n * (node_h + gap), widths[l], 1)
        x += widths[l]
    edges = []
    for l in range(1, len(layers)):
        sources: list = list(range(layers[l - 1])) + ([None] if bias else [])
        edges += [Edge(l, i, j) for i in sources for j in range(layers[l])]
    return Layout(width=x + right, height=height, node_h=node_h, top=1, boxes=boxes, gaps=tuple(gaps),
                  edges=tuple(edges), left=left, right=right)


def line_dots(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The dots of a straight line from (x0, y0) to (x1, y1), both ends included (Bresenham)."""
    dots = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x1 >= x0 else -1), (1 if y1 >= y0 else -1)
    err = dx + dy
    while True:
        dots.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return dots
        twice = 2 * err
        if twice >= dy:
            err += dy
            x0 += sx
        if twice <= dx:
            err += dx
            y0 += sy


def edge_dots(layout: Layout, edge: Edge) -> list[tuple[int, int]]:
    """The dots (2 per cell across, 4 per cell down) of ``edge``'s line, in screen dots."""
    source, target = layout.boxes[(edge.layer - 1, edge.i)], layout.boxes[(edge.layer, edge.j)]
    x0, x1 = layout.gaps[edge.layer]
    return line_dots(2 * x0, source.middle, 2 * x1 - 1, target.middle)


def rasterise(layout: Layout, order, heavy=frozenset()) -> dict:
    """Braille cells of the lines of ``order`` (later ones on top): ``(x, y) -> (character, edge)``.

    A heavy line is two dots thick.  A cell crossed by several lines shows all
    their dots and belongs to the last one drawn (its colour, its click).
    """
    masks: dict = {}
    owner: dict = {}
    for edge in order:
        dots = edge_dots(layout, edge)
        if edge in heavy:
            dots = dots + [(x, y + 1) for x, y in dots]
        for x, y in dots:
            cell = (x // 2, y // 4)
            masks[cell] = masks.get(cell, 0) | DOTS[y % 4][x % 2]
            owner[cell] = edge
    return {cell: (chr(BRAILLE + mask), owner[cell]) for cell, mask in masks.items()}


def place_labels(layout: Layout, labels, taken=frozenset()) -> dict:
    """Cells for each ``(edge, text)`` of ``labels`` (first come, first served): ``edge -> (x, y)``.

    A label sits on its own line, inside the lines' gap, on a row of its own
    among the labels; positions nearer the line's source come first (lines
    fan out there, so labels of one node's lines fall on different rows).  A
    label with no room is left out.
    """
    used = set(taken)
    placed = {}
    for edge, text in labels:
        x0, x1 = layout.gaps[edge.layer]
        dots = edge_dots(layout, edge)
        for fraction in (0.3, 0.45, 0.2, 0.6, 0.7, 0.15, 0.8):
            dot_x, dot_y = dots[int(fraction * (len(dots) - 1))]
            x = min(max(dot_x // 2 - len(text) // 2, x0), x1 - len(text))
            cells = {(x + k, dot_y // 4) for k in range(len(text))}
            if x >= x0 and not cells & used:
                used |= cells | {(x - 1, dot_y // 4), (x + len(text), dot_y // 4)}  # a blank between labels
                placed[edge] = (x, dot_y // 4)
                break
    return placed
