"""The "what it learned" pane: its numbers against an independent forward pass,
and what a learner sees: xor's map blue where the target is 1 and orange where
it is 0, the samples on it, the sine curve, iris's confusion matrix."""

from __future__ import annotations

import numpy as np
from textual.app import App

from bp_tui.engine import load_scenario
from bp_tui.engine.debugger import Debugger
from bp_tui.ui import learned_data
from bp_tui.ui.learned_pane import LearnedPane


def independent_forward(state, X):
    """tanh/relu/sigmoid/softmax/identity written out again, for the check."""
    A = X
    for layer in range(1, len(state.layers)):
        Z = A @ state.weights[layer] + (0 if state.biases[layer] is None else state.biases[layer])
        name = state.activations[layer]
        if name == "softmax":
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            A = E / E.sum(axis=1, keepdims=True)
        else:
            A = {"tanh": np.tanh, "relu": lambda z: np.where(z > 0, z, 0.0), "identity": lambda z: z,
                 "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[name](Z)
    return A


def trained(name: str, updates: int):
    scenario = load_scenario(name)
    debugger = Debugger(scenario)
    debugger.run(until_update=updates)
    return scenario, debugger.session.state


def test_the_plane_holds_the_forward_pass_over_a_grid_with_y_upward():
    scenario, state = trained("xor", 50)
    plane = learned_data.plane(state, scenario.inputs, (0, 1), 7, 5)
    assert plane.x_range == (-0.1, 1.1) and plane.y_range == (-0.1, 1.1)
    out = plane.layers[-1]
    assert out.shape == (5, 7, 1)
    top_left, bottom_right = np.array([[-0.1, 1.1]]), np.array([[1.1, -0.1]])
    np.testing.assert_allclose(out[0, 0], independent_forward(state, top_left)[0], rtol=1e-12)
    np.testing.assert_allclose(out[-1, -1], independent_forward(state, bottom_right)[0], rtol=1e-12)
    assert plane.layers[1].shape == (5, 7, 4)  # every hidden node's own map


def test_confusion_counts_target_rows_and_predicted_columns_ties_to_the_lowest():
    outputs = np.array([[0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3]])
    targets = np.eye(3)[[0, 1, 2, 2]]
    counts = learned_data.confusion("cross_entropy", outputs, targets)
    assert counts.tolist() == [[1, 0, 0], [1, 0, 0], [0, 1, 1]]


class Host(App):
    def __init__(self, scenario, state, node=None) -> None:
        super().__init__()
        self.scenario, self.state, self.node = scenario, state, node

    def compose(self):
        yield LearnedPane()

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.query_one(LearnedPane).show(self.state, self.scenario, self.node))


def cell(pane: LearnedPane, x: int, y: int):
    """The character and style at (x, y) of the pane."""
    strip = pane._strips[y]
    at = 0
    for segment in strip:
        if at + len(segment.text) > x:
            return segment.text[x - at], segment.style
        at += len(segment.text)
    raise IndexError(x)


def blueish(colour) -> bool:
    r, _, b = colour.get_truecolor()
    return b > r


async def test_xor_map_is_blue_where_the_target_is_1_and_shows_the_samples():
    scenario, state = trained("xor", 800)
    app = Host(scenario, state)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        pane = app.query_one(LearnedPane)
        rows, columns = 20 - 2, 36  # the map: 18 rows of 36 cells (square: 36 x 36 pixels)
        text = [strip.text for strip in pane._strips]
        assert text[0].startswith("output over input 0 (→) × input 1 (↑)")
        points = [(x, y) for y, row in enumerate(text[:-1]) for x, char in enumerate(row) if char == "●"]
        assert len(points) == 4
        for x, y in points:  # each sample's own colour and the map under it agree
            _, how = cell(pane, x, y)
            target_1 = (x < columns // 2) == (y - 1 < rows // 2)  # (0, 1) top left, (1, 0) bottom right
            assert blueish(how.color) == target_1 and blueish(how.bgcolor) == target_1
        beside = "".join(row[columns:] for row in text[1:-1])
        assert "1.0" in beside and "1.1" in beside  # hidden nodes' own maps, as many as fit


async def test_a_hidden_node_shown_large_on_request():
    scenario, state = trained("xor", 800)
    app = Host(scenario, state, node=(1, 2))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert app.query_one(LearnedPane)._strips[0].text.startswith("layer 1 node 2 over input 0")


async def test_sine_draws_one_curve_across_the_range_with_its_samples():
    scenario, state = trained("sine", 100)
    app = Host(scenario, state)
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        text = [strip.text for strip in app.query_one(LearnedPane)._strips]
        assert text[0].startswith("prediction (curve) and targets (●) over input 0")
        drawn = {x for row in text[1:-1] for x, c in enumerate(row) if 0x2800 < ord(c) <= 0x28FF or c == "●"}
        assert len(drawn) >= 55  # the curve (where no sample covers it) spans (almost) every column
        assert sum(row.count("●") for row in text) > 20


async def test_iris_counts_right_and_wrong_species_like_an_independent_forward_pass():
    scenario, state = trained("iris", 100)
    predicted = independent_forward(state, scenario.inputs).argmax(axis=1)
    actual = scenario.targets.argmax(axis=1)
    app = Host(scenario, state)
    async with app.run_test(size=(70, 24)) as pilot:
        await pilot.pause()
        text = [strip.text for strip in app.query_one(LearnedPane)._strips]
        accuracy = 100 * np.mean(predicted == actual)
        assert text[0].startswith(f"accuracy {accuracy:.3g}% of 150 training samples")
        virginica = next(row for row in text if row.startswith("virginica"))
        expected = [int(np.sum((actual == 2) & (predicted == c))) for c in range(3)]
        assert [int(v) for v in virginica.split()[1:4]] == expected
        assert any(row.startswith("output over sepal length (→) × sepal width (↑)") for row in text)


def test_feature_pairs_cycle_through_every_pair_once():
    pair, seen = (0, 1), []
    for _ in range(6):
        seen.append(pair)
        pair = learned_data.next_features(pair, 4)
    assert seen == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] and pair == (0, 1)
    assert learned_data.next_features((0, 1), 2) == (0, 1)
