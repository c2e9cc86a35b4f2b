"""The counters say where training is and how it does (held-out loss, accuracy),
on two lines that fit the terminal; the loss chart draws the held-out loss too."""

from __future__ import annotations

from textual.app import App

from bp_tui.engine import load_scenario
from bp_tui.engine.debugger import Debugger
from bp_tui.engine.metrics import accuracy, forward, mean_loss
from bp_tui.ui.counters import render_strip
from bp_tui.ui.loss_chart import LossChart


def test_samples_are_numbered_from_0_with_a_hash_and_the_next_phase_is_named():
    debugger = Debugger(load_scenario("seed"))
    debugger.forward()
    state = debugger.session.state
    first, second = render_strip(state).plain.split("\n")
    assert "next forward, layer 2 of 2" in first
    assert second.endswith("samples #0")  # sample #0, never "samples 0"


def test_held_out_loss_and_accuracies_match_the_engine_and_fit_80_and_120_columns():
    scenario = load_scenario("circle")
    debugger = Debugger(scenario)
    debugger.run(until_update=30)
    state = debugger.session.state
    W, b = state.weights, state.biases
    acts = state.activations
    held = mean_loss("bce", forward(acts, W, b, scenario.test_inputs)[-1], scenario.test_targets)
    train_acc = accuracy("bce", forward(acts, W, b, scenario.inputs)[-1], scenario.targets)
    wide = render_strip(state).plain.split("\n")
    assert f"held-out loss {held:.4g}" in wide[1]
    assert f"accuracy {100 * train_acc:.3g}%" in wide[1] and "held-out accuracy" in wide[1]
    compact = render_strip(state, compact=True).plain.split("\n")
    assert len(compact[0]) <= 78 and "held-out acc" in compact[1][:78]  # nothing cut but the sample list
    assert len(wide[0]) <= 116


class Host(App):
    def __init__(self, state) -> None:
        super().__init__()
        self.state = state

    def compose(self):
        yield LossChart()

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.query_one(LossChart).show(self.state))


async def test_the_loss_chart_draws_the_held_out_loss_as_a_second_series():
    debugger = Debugger(load_scenario("overfit"))
    debugger.run(until_update=40)
    state = debugger.session.state
    app = Host(state)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        chart = app.query_one(LossChart)
        screen = "\n".join(strip.text for strip in chart.render_lines(chart.region.reset_offset))
        assert "held-out loss" in screen and "loss per update" in screen
        assert f"held out {state.test_loss:.4g}" in screen
