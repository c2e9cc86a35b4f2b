"""The scenario's own words: its title and ``description``, on a key.

A lesson's description says what to watch for ("step backward and look at
node 2").  The app shows it in the breakdown pane when a scenario opens,
before the first backward pass; this dialog shows it any time.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..engine import Scenario
from ..engine.fields import counted


def reflow(text: str) -> str:
    """Paragraphs (blank-line separated) with their line breaks undone, so they wrap to any width."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def about(scenario: Scenario) -> Text:
    """Title, network and data in one line each, then the description."""
    text = Text(scenario.title, style="bold")
    layers = "-".join(str(n) for n in scenario.layers)
    text.append(f"\nnetwork {layers}, {', '.join(scenario.activations)}; loss {scenario.loss}; "
                f"{counted(scenario.samples, 'training sample')}; learning rate {scenario.learning_rate:g}",
                style="dim")
    text.append("\n\n")
    text.append(reflow(scenario.description) or "This scenario has no description.")
    return text


class DescriptionScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,enter,d", "dismiss", "Close")]

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="description", classes="dialog", can_focus=False):
            yield Static(about(self.scenario))
            yield Static(Text("\nPress escape or d to close.", style="dim"))
