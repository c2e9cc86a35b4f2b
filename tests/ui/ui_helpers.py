"""Reading the app's screen as a person would: the text each pane draws."""

from __future__ import annotations

import re

from textual.geometry import Region

from bp_tui.engine import load_scenario
from bp_tui.ui.app import BpTuiApp, create_app


def seed_app() -> BpTuiApp:
    return create_app(load_scenario("seed"))


def app_for(name: str) -> BpTuiApp:
    return create_app(load_scenario(name))


def text_of(widget) -> str:
    """The characters ``widget`` draws, one line per row (styles dropped)."""
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    return "\n".join("".join(segment.text for segment in strip).rstrip() for strip in strips)


def squash(text: str) -> str:
    """Runs of spaces folded to one, so a test can look for ``1 × 6 × 1 = 6``."""
    return re.sub(r"[ \t]+", " ", text)


def pane(app: BpTuiApp, name: str) -> str:
    return squash(text_of(app.query_one(f"#{name}")))


def long_app() -> BpTuiApp:
    """A small net with far more updates than a test waits for (continue, pause)."""
    from bp_tui.engine import scenario_from_dict

    scenario = scenario_from_dict({
        "title": "Long run",
        "network": {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "seed": 1},
        "data": {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]},
        "training": {"loss": "bce", "learning_rate": 0.5, "batch_size": 1, "epochs": 1_000_000},
    })
    return create_app(scenario)
