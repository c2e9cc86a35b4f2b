"""Presenter mode's pane: the phase's sentence, and its equation in large digits.

For a projector: the engine's narration (``engine.narration``) in one line of
the slides' words, and its arithmetic drawn three cells high with Textual's
own 3×3 digit font (the ``Digits`` widget's), plus the ``=`` it lacks.  An
equation too wide for the pane, or with letters in it, is shown in plain
bold instead.  A high-contrast theme goes with it (``PRESENTER_THEME``).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.renderables.digits import DIGITS, DIGITS3X3_BOLD
from textual.theme import Theme
from textual.widgets import Static

from ..engine.narration import Narration

PRESENTER_THEME = Theme(
    name="bp-presenter", primary="#ffff00", secondary="#00ffff", accent="#ffff00", warning="#ffaf00",
    error="#ff5f5f", success="#5fff5f", foreground="#ffffff", background="#000000", surface="#000000",
    panel="#1c1c1c", dark=True,
)

_EXTRA = {"=": ("     ", " ╺━╸ ", " ╺━╸ "), ".": (" ", " ", "•"), ",": (" ", " ", ","), "²": ("╶─╮", "╭─╯", "╰─╴")}
_SAME = {"−": "-", "×": "x"}


def big_lines(text: str) -> list[str] | None:
    """``text`` in the 3×3 font as three lines, or None when a character has no glyph."""
    rows: list[list[str]] = [[], [], []]
    glyph: tuple[str, ...]
    for char in text:
        char = _SAME.get(char, char)
        if char in _EXTRA:
            glyph = _EXTRA[char]
        elif char in DIGITS and char not in "ABCDEF$£€":
            at = DIGITS.index(char) * 3
            glyph = tuple(DIGITS3X3_BOLD[at + k].ljust(3) for k in range(3))
        else:
            return None
        for row, part in zip(rows, glyph):
            row.append(part)
    return ["".join(row) for row in rows]


class PresenterPane(Vertical):
    """Shows one ``Narration``: the equation large, then the sentence."""

    SCOPED_CSS = False  # its rules also hide the secondary panes (classroom.PRESENTING on the screen)
    DEFAULT_CSS = """
    PresenterPane { height: 1fr; display: none; align-vertical: middle; }
    Screen.-presenting PresenterPane { display: block; }
    Screen.-presenting #bottom, Screen.-presenting #side, Screen.-presenting #watches { display: none; }
    PresenterPane #presenter-equation { width: 100%; text-align: center; color: $accent; text-style: bold; }
    PresenterPane #presenter-sentence { width: 100%; text-align: center; text-style: bold; margin-top: 1; }
    """

    shown: tuple[Narration, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="presenter-equation")
        yield Static("", id="presenter-sentence")

    def on_mount(self) -> None:
        if self.shown is not None:  # asked to show before its parts were there
            self.show(*self.shown)

    def show(self, narration: Narration, width: int) -> None:
        self.shown = (narration, width)
        if not self.query("#presenter-sentence"):
            return
        equation = narration.equation
        lines = big_lines(equation.replace(" ", "")) if equation else None
        if lines is not None and len(lines[0]) <= width:
            big = Text("\n".join(lines), no_wrap=True)
        else:
            big = Text(equation)
        self.query_one("#presenter-equation", Static).update(big)
        self.query_one("#presenter-sentence", Static).update(Text(narration.sentence))
