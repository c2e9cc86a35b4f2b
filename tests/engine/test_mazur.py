"""The bundled ``mazur`` scenario reproduces Matt Mazur's "A Step by Step
Backpropagation Example": the post's first-update numbers, and the corrected
long-run figures of the author's fixed script (mattm/simple-neural-network,
commit 4b6faac), not the post's later ones (see the scenario's description).

Outputs after training are recomputed here with plain NumPy from the trained
weights; the expected numbers are the post's, to the digits it prints.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.trace import trace_records
from tests.engine.helpers import ROOT

MAZUR = ROOT / "scenarios" / "mazur.toml"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def outputs(record: dict) -> np.ndarray:
    W1, W2 = (np.array(w) for w in record["weights"])
    b1, b2 = (np.array(b) for b in record["biases"])
    hidden = sigmoid(np.array([0.05, 0.10]) @ W1 + b1)
    return sigmoid(hidden @ W2 + b2)


def total_error(o: np.ndarray) -> float:
    """The post's E_total = Σ ½ (target − output)²."""
    return float(0.5 * ((np.array([0.01, 0.99]) - o) ** 2).sum())


@pytest.fixture(scope="module")
def records():
    """The trace's first three records, then (as a record) the weights after all 10,000 updates."""
    scenario = load_scenario("mazur")
    assert scenario.epochs == 10_000 and scenario.optimizer.freeze == ("b1", "b2")
    session = TrainingSession(scenario)
    first = list(trace_records(session, 2))
    session.run_updates(10_000)
    state = session.state
    last = {"step": state.updates_done, "weights": [w.tolist() for w in state.weights[1:]],
            "biases": [b.tolist() for b in state.biases[1:]]}
    return first + [last]


def test_first_update_reproduces_the_post(records):
    first = records[1]
    assert first["loss"] == pytest.approx(0.298371109, abs=5e-10)  # the post's total error
    (gW1, gW2) = first["grad_weights"]
    assert gW2[0][0] == pytest.approx(0.082167041, abs=5e-10)  # ∂E/∂w5
    assert gW1[0][0] == pytest.approx(0.000438568, abs=5e-10)  # ∂E/∂w1
    (W1, W2) = first["weights"]
    # the post's new w1..w8; w1, w2 feed h1; w3, w4 feed h2; w5, w6 feed o1; w7, w8 feed o2
    post = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
            "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121}
    mine = {"w1": W1[0][0], "w2": W1[1][0], "w3": W1[0][1], "w4": W1[1][1],
            "w5": W2[0][0], "w6": W2[1][0], "w7": W2[0][1], "w8": W2[1][1]}
    for name, value in post.items():
        digits = len(repr(value).split(".")[1])
        assert mine[name] == pytest.approx(value, abs=0.6 * 10**-digits), name


def test_frozen_biases_never_move_but_have_gradients(records):
    for record in records:
        assert record["biases"] == [[0.35, 0.35], [0.60, 0.60]]
    assert all(g != 0 for g in records[1]["grad_biases"][0] + records[1]["grad_biases"][1])


def test_corrected_long_run_figures(records):
    assert records[2]["loss"] == pytest.approx(0.291027774, abs=5e-10)  # after one update
    assert total_error(outputs(records[1])) == pytest.approx(0.291027774, abs=5e-10)
    assert total_error(outputs(records[1])) != pytest.approx(0.291027924, abs=5e-10)  # the post's
    last = records[-1]
    assert last["step"] == 10_000
    o = outputs(last)
    assert total_error(o) == pytest.approx(0.0000351019, abs=5e-11)
    assert o == pytest.approx([0.015913620, 0.984064274], abs=5e-10)


def test_description_tells_the_story_of_the_corrected_figures():
    text = " ".join(load_scenario("mazur").description.split())
    for figure in ("0.298371109", "0.291027924", "0.291027774", "0.0000351085", "0.0000351019",
                   "0.015913620", "0.984064274", "4b6faac"):
        assert figure in text


def test_explain_shows_a_frozen_bias_as_not_moving():
    from bp_tui.engine.explain import explain_update

    text = explain_update(load_scenario("mazur"), 1, "b1[0]")
    assert ("`b1[0]` | `b (frozen: its gradient is not applied) = new b` | "
            "$0.35\\text{ (frozen: its gradient is not applied)} = 0.35$") in text
