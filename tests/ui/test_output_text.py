"""``x`` on an output weight: the slides' output step, formula then numbers."""

from __future__ import annotations

from rich.console import Console

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.output_step import output_step
from bp_tui.ui.output_text import render_output_step


def text_of(lines) -> str:
    console = Console(width=100, record=True, color_system=None)
    for line in lines:
        console.print(line)
    return console.export_text()


def test_seed_output_step_reads_like_the_slides():
    session = TrainingSession(load_scenario("seed"))
    session.step()
    session.step()
    step = output_step(session.state.current, "mse")
    before = text_of(render_output_step(step, 0, 6, slope_known=False))
    assert "error" in before and "7 − 4 =" in before and "∂L" not in before and "press b" in before
    session.step()
    after = text_of(render_output_step(step, 0, 6, slope_known=True))
    rows = [" ".join(line.split()) for line in after.splitlines()]
    assert "prediction 7" in rows and "target 4" in rows
    assert "error prediction − target 7 − 4 = 3" in rows
    assert "loss (mean squared error) error² 3² = 9" in rows
    assert "∂L slope of the loss 2 × error 2 × 3 = 6" in rows
    assert "taken with respect to the output node's value" in rows
