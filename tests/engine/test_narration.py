"""Presenter narration: one sentence per phase, in the slides' words and numbers."""

from __future__ import annotations

import numpy as np

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.narration import narrate, say
from bp_tui.engine.params import Param
from tests.engine.helpers import scenario

SEED_STORY = [
    "Ready: press f and the forward pass starts at the input layer.",
    "forward, layer 1: hidden node 1 adds up the node values times the weights, 0 × 2 + 1 × 3 = 3, "
    "and relu makes it 3",
    "forward, the output: the prediction is 1 × 1 + 3 × 2 = 7; the error is 7 − 4 = 3 and the loss is 9",
    "backward, the output: the slope of the loss at the output is 2 × 3 = 6; "
    "the gradient of W2[1,0] is 3 × 6 × 1 = 18",
    "go back one layer: the slope of the loss at hidden node 1 is 6 × 1 × 2 = 12",
    "update: every weight moves against its gradient, W2[1,0] = 2 − 0.01 × 18 = 1.82",
]


def test_the_seed_is_told_as_on_the_slides():
    session = TrainingSession(load_scenario("seed"))
    told = [narrate(session.state, Param(2, 1, 0))]
    for _ in range(5):
        session.step()
        told.append(narrate(session.state, Param(2, 1, 0)))
    assert [n.sentence for n in told] == SEED_STORY
    assert [n.equation for n in told] == ["", "0 × 2 + 1 × 3 = 3", "1 × 1 + 3 × 2 = 7", "3 × 6 × 1 = 18",
                                          "6 × 1 × 2 = 12", "2 − 0.01 × 18 = 1.82"]


def test_the_selected_weight_picks_the_node_followed():
    session = TrainingSession(load_scenario("seed"))
    session.run_phases(4)
    assert narrate(session.state, Param(2, 0, 0)).sentence == (
        "go back one layer: the slope of the loss at hidden node 0 is 6 × 1 × 1 = 6")
    assert narrate(session.state, Param(1, 1, 1)).equation == "6 × 1 × 2 = 12"  # W1[1,1] feeds hidden node 1
    session.step()
    assert narrate(session.state, Param(1, 1, 1)).sentence.endswith("W1[1,1] = 3 − 0.01 × 12 = 2.88")


def test_a_batch_names_the_sample_and_the_mean():
    net = scenario([1, 1], ["identity"], [[1.0], [2.0]], [[0.0], [0.0]], bias=False, weights=[[[0.5]]],
                   learning_rate=0.1)
    session = TrainingSession(net)
    session.run_phases(2)
    told = narrate(session.state, Param(1, 0, 0), sample=1)
    # sample #1: prediction 1, slope 2 × 1 = 2, product 2 × 2 × 1 = 4; mean of (0.5 × 1 × 1, 4) = 2.5
    assert told.sentence == ("backward, the output: the slope of the loss at the output is 2 × 1 = 2; the gradient "
                             "of W1[0,0] is 2 × 2 × 1 = 4, and over the batch's 2 samples the mean is 2.5 (sample #1)")


def test_numbers_are_read_out_short_and_with_true_minus_signs():
    assert [say(x) for x in (7.0, 0.94, -1 / 3, 12345678.0, float("nan"), -0.0)] == [
        "7", "0.94", "−0.3333", "1.235e+07", "NaN", "0"]
    assert np.isclose(float(say(2 / 3)), 0.6667)
