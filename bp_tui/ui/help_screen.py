"""The ``?`` help screen: every key, what it does, and how a step is read."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .dialog import Dialog
from .keys import help_rows

INTRO = (
    "bp-tui steps through backpropagation one phase per key: the forward pass layer by layer, "
    "the backward pass from the last layer to the first, then the update. The gradient of a weight "
    "is the product of three factors: the node value feeding into it, the slope of the loss w.r.t. "
    "the node it feeds into, and the slope of the activation there; averaged over the batch. "
    "Everything can be undone: z or ← steps back one phase."
)


LEGEND = (
    "The drawn network. A box is a node: its index, its value (· until the forward pass reaches it) and "
    "∂L, the slope of the loss at that node (once the backward pass reaches it). The highlighted column is "
    "the layer the last step computed: values fill in left to right, slopes right to left. A line is a "
    "weight: blue when positive, orange when negative, thicker the larger it is next to its layer's largest, "
    "dim when small; the selected weight's line is yellow and labelled with its value. \"1 bias\" is the "
    "bias node: its lines are the biases. Beside each output: its target and error = prediction − target; "
    "under the drawing, the same with the loss and its slope, numbers in. t shows the weight matrices instead.\n\n"
    "What it learned. The output over two inputs (orange low, blue high), ● training samples and ○ held-out "
    "ones in their target's colour, and each hidden node's own small map (l: the selected node's map, large). "
    "One input: the prediction as a curve. More: accuracy and confusion matrix, and a map of two inputs (a)."
)


def key_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold magenta", no_wrap=True)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    section = None
    for name, keys, description in help_rows():
        table.add_row(name if name != section else "", keys, description)
        section = name
    return table


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("bp-tui help", style="bold"))
            yield Static(Text(INTRO), classes="intro")
            yield Static(Text(LEGEND), classes="intro")
            yield Static(key_table())
            yield Static(Text("Press escape, q or ? to close. Ctrl+P searches every command.", style="dim"))
