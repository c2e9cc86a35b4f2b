"""The top row of the screen: the network (drawn, or as matrices) beside what it learned.

The drawing is the default whenever the network fits the room this row may
take (the seed and xor at 80x24, iris's 4-8-3 at 120x40); otherwise, or
when the user asks (``matrix``), the matrix view (``diagram.py``) shows it.
The "what it learned" pane takes the columns left over, when there are
enough for a map.  This row sizes itself from the terminal's size, so the
app only hands it the state to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget

from ..engine import Scenario
from ..engine.state import SessionState
from .diagram import NetworkDiagram
from .learned_pane import LearnedPane
from .network_drawing import FOOT, NetworkDrawing, fits
from .selection import Selection

LEARNED_MIN = 18  # columns (border included) below which the learned pane is left out
CHROME = 4  # a bordered box's border and padding, across


@dataclass(frozen=True)
class Room:
    """Cells for the network and the learned pane, from the terminal's size."""

    width: int  # the network's content width
    height: int  # the network's content height, at most
    learned: int  # the learned pane's width, border included (0: none)


def room(terminal: tuple[int, int], reserved: int) -> Room:
    """Split the top row: a third of the width for the learned pane (at least ``LEARNED_MIN``),
    the rest for the network; ``reserved`` rows are kept for the panes above and below."""
    width, height = terminal
    learned = max(LEARNED_MIN, width // 3)
    return Room(width - learned - CHROME, max(height - reserved - 2, 3), learned)


class PictureRow(Horizontal):
    """Network and learned pane, side by side; ``show`` picks drawing or matrices and sizes both."""

    DEFAULT_CSS = """
    PictureRow { height: auto; }
    PictureRow > #diagram-box { width: 1fr; height: auto; }
    PictureRow > #learned-box { height: 100%; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.matrix = False  # the user asked for the matrix view
        self._last: tuple | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="diagram-box", can_focus=False) as box:
            box.border_title = "Network"
            yield NetworkDrawing(id="drawing")
            yield NetworkDiagram(id="diagram")
        with VerticalScroll(id="learned-box", can_focus=False) as box:
            box.border_title = "What it learned"
            yield LearnedPane(id="learned")

    @property
    def drawn(self) -> bool:
        """Whether the drawing (not the matrix view) is showing."""
        return self.query_one(NetworkDrawing).display

    def show(self, state: SessionState, scenario: Scenario, selection: Selection, sample: int,
             reserved: int, node: tuple[int, int] | None = None, features: tuple[int, int] | None = None,
             digits_narrow: bool = False) -> None:
        """Show ``state``; ``reserved`` rows of the terminal belong to the other panes."""
        self._last = (state, scenario, selection, sample, reserved, node, features, digits_narrow)
        space = room(self.app.size, reserved)
        names, classes = scenario.feature_names, scenario.target_names
        drawing, diagram = self.query_one(NetworkDrawing), self.query_one(NetworkDiagram)
        draw = not self.matrix and fits(state.layers, state.bias, space.width, space.height, names, classes)
        drawing.display, diagram.display = draw, not draw
        learned_box = self.query_one("#learned-box", Widget)
        learned_box.display = space.learned >= LEARNED_MIN
        learned_box.styles.width = space.learned
        if draw:
            drawing.show(state, selection, sample, names, classes, (space.width, space.height))
            rows = len(drawing._strips)
        else:
            diagram.show(state, selection, sample)
            rows = min(diagram.get_content_height(None, None, space.width), space.height)
        self.styles.height = rows + 2
        self.query_one(LearnedPane).show(state, scenario, node, features,
                                         output=selection.j if selection.layer == state.depth else 0)

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def toggle_matrix(self) -> bool:
        """Switch between the drawing and the matrix view; True when the drawing is now wanted."""
        self.matrix = not self.matrix
        if self._last is not None:
            self.show(*self._last)
        return not self.matrix
