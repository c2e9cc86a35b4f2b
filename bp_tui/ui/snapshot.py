"""What every pane shows, in one object: the published state of the app.

The app publishes a new ``Snapshot`` after anything changes (a phase, a
selection, a resize) by setting its reactive ``snapshot``; each pane is
bound to it (``data_bind``) and redraws in ``watch_snapshot``.  A pane
reads only its snapshot: the session's immutable state, the watches'
series, and how the user looks at them (``View``).  No pane asks the
session anything, and no pane touches another.

Adding a pane: a widget with ``snapshot: var[Snapshot | None]`` and a
``watch_snapshot(snapshot)``, yielded in ``MainScreen.compose``
(``main_screen.py``) with ``.data_bind(MainScreen.snapshot)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import Scenario
from ..engine.debugger import Watch
from ..engine.gradcheck import GradCheck
from ..engine.state import SessionState
from .selection import Selection


@dataclass(frozen=True)
class View:
    """How the user looks at the session: nothing here changes training."""

    selection: Selection
    sample: int = 0  # which sample of the batch the diagram shows
    precise: bool = False  # full float64 digits in the breakdown
    expanded: bool = False  # the breakdown shows how a hidden loss slope was assembled
    narrow: bool = False  # a terminal narrower than ``layout.NARROW``: compact panes
    short: bool = False  # a terminal lower than ``layout.SHORT``: no title bar
    matrix: bool = False  # the network as weight matrices, not drawn
    map_node: tuple[int, int] | None = None  # the learned pane's big map: (layer, node), or None: the output
    map_features: tuple[int, int] = (0, 1)  # the two inputs the learned pane maps


@dataclass(frozen=True, eq=False)  # a new snapshot is always news (and arrays do not compare)
class Snapshot:
    state: SessionState
    view: View
    watches: tuple[tuple[Watch, np.ndarray], ...]  # each watch and its values by update
    check: GradCheck | None = None  # a gradient check of the selection, made at this very phase
    running: bool = False  # a run goes on in the worker (this is one of its redraws)
    pace: str = ""  # continue's pace when it is worth showing (classroom.pace_shown), else ""
    scenario: Scenario | None = None  # its names, data and description (the learned pane, the drawing)

    @property
    def selection(self) -> Selection:
        return self.view.selection

    @property
    def sample(self) -> int:
        """The sample the diagram shows, within this batch."""
        return min(self.view.sample, len(self.state.current.sample_indices) - 1)

    @property
    def digits(self) -> int | None:
        """Significant digits of the breakdown's numbers; None: every digit."""
        return None if self.view.precise else (4 if self.view.narrow else 6)
