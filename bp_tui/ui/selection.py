"""The selected weight or bias, and how keys move it around the network.

A selection is the engine's parameter address (``Param``): the weight from
node i of layer-1 into node j of ``layer`` (1..L), or the bias of node j
when ``i`` is None.  Within a layer the rows are the from-nodes, then the bias
row (when there are biases).
"""

from __future__ import annotations

from textual.message import Message

from ..engine.params import Param

Selection = Param


def default_selection(layers: tuple[int, ...]) -> Selection:
    """The first weight into the output layer (the seed's W2[0, 0])."""
    return Param(len(layers) - 1, 0, 0)


def _rows(layers, layer: int, bias: bool) -> list[int | None]:
    return list(range(layers[layer - 1])) + ([None] if bias else [])


def move(sel: Selection, layers, bias: bool, d_row: int = 0, d_col: int = 0) -> Selection:
    """Up/down through the from-nodes (and bias row), left/right through the to-nodes."""
    rows = _rows(layers, sel.layer, bias)
    assert sel.j is not None  # a selection is one weight or bias
    row = min(max(rows.index(sel.i) + d_row, 0), len(rows) - 1)
    col = min(max(sel.j + d_col, 0), layers[sel.layer] - 1)
    return Param(sel.layer, rows[row], col)


def change_layer(sel: Selection, layers, bias: bool, delta: int) -> Selection:
    """The same position (clamped) in the previous or next layer's weights."""
    layer = min(max(sel.layer + delta, 1), len(layers) - 1)
    if layer == sel.layer:
        return sel
    rows = _rows(layers, layer, bias)
    i = sel.i if sel.i is None and bias else min(sel.i or 0, layers[layer - 1] - 1)
    return Param(layer, i if i in rows else rows[0], min(sel.j, layers[layer] - 1))


def cycle(sel: Selection, layers, bias: bool, step: int = 1) -> Selection:
    """The next (``step`` 1) or previous (-1) weight in reading order, wrapping."""
    depth = len(layers) - 1
    layer, rows = sel.layer, _rows(layers, sel.layer, bias)
    assert sel.j is not None  # a selection is one weight or bias
    row, col = rows.index(sel.i), sel.j + step
    if col >= layers[layer]:
        col, row = 0, row + 1
        if row >= len(rows):
            layer = layer % depth + 1
            rows, row = _rows(layers, layer, bias), 0
    elif col < 0:
        row -= 1
        if row < 0:
            layer = (layer - 2) % depth + 1
            rows = _rows(layers, layer, bias)
            row = len(rows) - 1
        col = layers[layer] - 1
    return Param(layer, rows[row], col)


def clamp(sel: Selection, layers, bias: bool) -> Selection:
    """A selection that exists in a (possibly different) network."""
    layer = min(max(sel.layer, 1), len(layers) - 1)
    rows = _rows(layers, layer, bias)
    i = sel.i if sel.i in rows else rows[0]
    return Param(layer, i, min(sel.j, layers[layer] - 1))


class WeightClicked(Message):
    """The user clicked a weight in a view of the network (a node: its first weight in)."""

    def __init__(self, selection: Selection) -> None:
        super().__init__()
        self.selection = selection
