"""How the main screen adapts to the terminal's size: CSS classes and the view's flags.

Small terminals get compact panes (``narrow``), no title bar (``short``), or
only a request to enlarge the terminal (``too-small``).
"""

from __future__ import annotations

from dataclasses import replace

from textual.screen import Screen
from textual.widgets import Footer

from .keys import footer_width
from .snapshot import View

MIN_SIZE = (60, 20)
NARROW = 110  # below this width the counters lose their border and the chart narrows
SHORT = 30  # below this height the title bar gives its row to the network


def fit(screen: Screen, view: View, width: int, height: int) -> View:
    """Set ``screen``'s size classes for ``width`` x ``height`` cells; returns ``view`` with its size flags."""
    screen.set_class(width < MIN_SIZE[0] or height < MIN_SIZE[1], "too-small")
    screen.set_class(width < NARROW, "narrow")
    screen.set_class(height < SHORT, "short")
    for footer in screen.query(Footer):  # (none yet while the screen is composed)
        footer.show_command_palette = width >= footer_width()  # else it would cover the last keys
    return replace(view, narrow=width < NARROW, short=height < SHORT)
