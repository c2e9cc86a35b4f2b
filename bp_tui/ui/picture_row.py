"""The top row of the screen: the network (drawn, or as matrices) beside what it learned.

The drawing is the default whenever the network fits the room this row may
take (the seed and xor at 80x24, iris's 4-8-3 at 120x40); otherwise, or
when the user asks (``t``), the matrix view (``diagram.py``) shows it.
The "what it learned" pane takes the columns left over, when there are
enough for a map.  This row sizes itself from the terminal's size, so the
app only hands it the state to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.widget import Widget

from ..engine import Scenario
from ..engine.state import SessionState
from .diagram import DiagramBox, NetworkDiagram
from .keys import key_for
from .learned_pane import LearnedPane
from .network_drawing import NetworkDrawing, fits
from .selection import Selection
from .snapshot import Snapshot

LEARNED_MIN = 18  # columns (border included) below which the learned pane is left out
CHROME = 4  # a bordered box's border and padding, across
PRESENTER_ROWS = 6  # presenter mode's pane under the row: the equation 3 rows high, a gap, the sentence (2 lines)
SHARE = 0.45  # of the terminal's height the row may take beyond what the network needs


@dataclass(frozen=True)
class Room:
    """Cells for the network and the learned pane, from the terminal's size."""

    width: int  # the network's content width
    height: int  # the network's content height, at most
    learned: int  # the learned pane's width, border included (0: none)


def arrange(terminal: tuple[int, int], reserved: int, drawable, drawing_first: bool = False) -> tuple[Room, bool]:
    """Split the top row, and say whether the drawing fits.

    The learned pane gets a third of the width if the drawing still fits
    beside it, else less (down to ``LEARNED_MIN``); a network that does not
    fit beside it goes to the matrix view, beside a learned pane of a third
    (what the network learned matters more than how it is drawn).  ``drawable(width, height)`` tells
    whether the drawing fits that many cells; ``reserved`` rows belong to
    the panes above and below.  ``drawing_first`` (presenter mode, the slides' picture on a projector):
    the drawing alone, without the learned pane, rather than the matrices.
    """
    width, height = terminal
    rows = max(height - reserved - 2, 3)
    for learned in (max(LEARNED_MIN, width // 3), max(LEARNED_MIN, width // 4), LEARNED_MIN) + (
            (0,) if drawing_first else ()):
        if drawable(width - learned - CHROME, rows):
            return Room(width - learned - CHROME, rows, learned), True
    learned = max(LEARNED_MIN, width // 3)
    return Room(width - learned - CHROME, rows, learned), False


def network_title(drawn: bool, asked: bool, layers: tuple[int, ...]) -> str:
    """The network pane's title; for the matrix view, why it shows (asked for with t, or too big to draw)."""
    if drawn:
        return "Network"
    t = key_for("matrix")
    if asked:
        return f"Network (weight matrices, {t}: drawn)"
    shape = "-".join(str(n) for n in layers)
    return f"Network {shape}: too big to draw here"


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
        self.presenting = False  # presenter mode: the drawing may take the learned pane's room
        self._last: tuple | None = None
        self._frame_key: tuple | None = None
        self._frame_value: tuple = ()
        self._framed: tuple | None = None
        self._rows = 0

    snapshot: var[Snapshot | None] = var(None)

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        """The app's snapshot: the state, how the user looks at it, the scenario's names and data."""
        if snapshot is None or snapshot.scenario is None:
            return
        view = snapshot.view
        self.matrix = view.matrix
        # title bar, counters, hint + footer, and below: the breakdown and chart, or presenter mode's equation
        self.presenting = self.screen.has_class("-presenting")
        below = PRESENTER_ROWS if self.presenting else (6 if view.short else 10)
        reserved = (0 if view.short else 1) + (2 if view.narrow else 4) + 2 + below
        self.show(snapshot.state, snapshot.scenario, snapshot.selection, snapshot.sample, reserved,
                  node=view.map_node, features=view.map_features)

    def compose(self) -> ComposeResult:
        with DiagramBox(id="diagram-box").data_bind(PictureRow.snapshot) as box:
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
             reserved: int, node: tuple[int, int] | None = None, features: tuple[int, int] | None = None) -> None:
        """Show ``state``; ``reserved`` rows of the terminal belong to the other panes.

        The row is laid out again only when its frame changes (terminal size,
        network shape, the matrices key): a new layout costs the whole screen a
        reflow, so a step only repaints.
        """
        self._last = (state, scenario, selection, sample, reserved, node, features)
        frame = self._frame(state, scenario, reserved)
        draw, budget, learned, height = frame
        drawing, diagram = self.query_one(NetworkDrawing), self.query_one(NetworkDiagram)
        if frame != self._framed:
            self._framed = frame
            drawing.display, diagram.display = draw, not draw
            box = self.query_one("#learned-box", Widget)
            box.display = learned >= LEARNED_MIN
            box.styles.width = learned
            box.border_title = "What it learned" if learned >= 20 else "Learned"
            self.query_one(DiagramBox).border_title = network_title(draw, self.matrix, state.layers)
        if draw:
            drawing.show(state, selection, sample, scenario.feature_names, scenario.target_names, budget)
            rows = len(drawing._strips)
        else:
            diagram.show(state, selection, sample)  # it scrolls: at most the row's share of the height
            rows = min(diagram.get_content_height(None, None, budget[0]), height - 2)
        # a big terminal gives the row up to 45% of its height (a bigger map), never less than the network
        rows = max(rows + 2, height)
        if rows != self._rows:
            self._rows = rows
            self.styles.height = rows
        self.query_one(LearnedPane).show(state, scenario, node, features,
                                         output=(selection.j or 0) if selection.layer == state.depth else 0)

    def _frame(self, state: SessionState, scenario: Scenario, reserved: int) -> tuple:
        """(drawn?, the network's budget, the learned pane's width, the row's least height), cached."""
        names, classes = scenario.feature_names, scenario.target_names
        key = (tuple(self.app.size), reserved, state.layers, state.bias, names, classes, self.matrix,
               self.presenting)
        if key != self._frame_key:
            space, draw = arrange(self.app.size, reserved,
                                  lambda w, h: fits(state.layers, state.bias, w, h, names, classes), self.presenting)
            draw = draw and not self.matrix
            share = space.height + 2 if self.presenting else int(self.app.size.height * SHARE)
            budget = (space.width, space.height)
            if draw:  # as airy as the row's share of the height allows, as tight as the network needs
                airy = min(space.height, share - 2)
                budget = (space.width, airy if fits(state.layers, state.bias, space.width, airy, names,
                                                    classes) else space.height)
            self._frame_key, self._frame_value = key, (draw, budget, space.learned, min(space.height + 2, share))
        return self._frame_value

    def on_resize(self) -> None:
        if self._last is not None:
            self.show(*self._last)
