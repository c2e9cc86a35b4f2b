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
from .network_drawing import NetworkDrawing, fits
from .selection import Selection

LEARNED_MIN = 18  # columns (border included) below which the learned pane is left out
CHROME = 4  # a bordered box's border and padding, across
SHARE = 0.45  # of the terminal's height the row may take beyond what the network needs


@dataclass(frozen=True)
class Room:
    """Cells for the network and the learned pane, from the terminal's size."""

    width: int  # the network's content width
    height: int  # the network's content height, at most
    learned: int  # the learned pane's width, border included (0: none)


def arrange(terminal: tuple[int, int], reserved: int, drawable) -> tuple[Room, bool]:
    """Split the top row, and say whether the drawing fits.

    The learned pane gets a third of the width if the drawing still fits
    beside it, else less (down to ``LEARNED_MIN``), else the drawing takes
    the whole row; a network that fits nowhere goes to the matrix view,
    beside a learned pane of a third.  ``drawable(width, height)`` tells
    whether the drawing fits that many cells; ``reserved`` rows belong to
    the panes above and below.
    """
    width, height = terminal
    rows = max(height - reserved - 2, 3)
    for learned in (max(LEARNED_MIN, width // 3), max(LEARNED_MIN, width // 4), LEARNED_MIN, 0):
        if drawable(width - learned - CHROME, rows):
            return Room(width - learned - CHROME, rows, learned), True
    learned = max(LEARNED_MIN, width // 3)
    return Room(width - learned - CHROME, rows, learned), False


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
        names, classes = scenario.feature_names, scenario.target_names
        space, draw = arrange(self.app.size, reserved,
                              lambda w, h: fits(state.layers, state.bias, w, h, names, classes))
        draw = draw and not self.matrix
        drawing, diagram = self.query_one(NetworkDrawing), self.query_one(NetworkDiagram)
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
        # a big terminal gives the row up to 45% of its height (a bigger map), never less than the drawing
        self.styles.height = max(rows + 2, min(space.height + 2, int(self.app.size.height * SHARE)))
        self.query_one(LearnedPane).show(state, scenario, node, features,
                                         output=(selection.j or 0) if selection.layer == state.depth else 0)

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)

    def toggle_matrix(self) -> bool:
        """Switch between the drawing and the matrix view; True when the drawing is now wanted."""
        self.matrix = not self.matrix
        if self._last is not None:
            self.show(*self._last)
        return not self.matrix
