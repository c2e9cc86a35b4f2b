"""The bundled ``digits`` scenario: the data is the UCI set it claims to be, and its description's numbers hold.

The accuracies are computed here by a forward pass written in this file
(ReLU, then the largest output), not by the engine's metrics.
"""

from __future__ import annotations

import csv
import math
from collections import Counter

import numpy as np

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.scenario import bundled_dir

#: Images per digit in the UCI test set, as scikit-learn's description of its copy lists them.
PER_DIGIT = {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}


def rows() -> list[list[str]]:
    with open(bundled_dir() / "data" / "digits.csv", newline="") as f:
        return list(csv.reader(f))


def test_the_file_is_1797_images_of_64_pixels_from_0_to_16():
    header, *data = rows()
    assert header == [f"r{r}c{c}" for r in range(8) for c in range(8)] + ["digit"]
    assert len(data) == 1797
    pixels = np.array([[int(x) for x in row[:64]] for row in data])
    assert pixels.min() == 0 and pixels.max() == 16
    assert Counter(int(row[64].removeprefix("d")) for row in data) == PER_DIGIT
    assert data[0][:8] == ["0", "0", "5", "13", "9", "1", "0", "0"]  # the first image's top row: a 0


def test_the_scenario_holds_out_the_last_fifth():
    scenario = load_scenario("digits")
    assert scenario.layers == (64, 32, 10) and scenario.activations[-1] == "softmax"
    held_out = math.floor(1797 * 0.2)
    assert held_out == 359 and scenario.samples == 1797 - held_out
    assert scenario.batches_per_epoch == 45  # ceil(1438 / 32)


def accuracy(W, b, X, T) -> float:
    a = X
    for l in range(1, len(W)):
        z = a @ W[l] + b[l]
        a = np.maximum(z, 0) if l < len(W) - 1 else z  # softmax keeps the order of the outputs
    return float(np.mean(a.argmax(axis=1) == T.argmax(axis=1)))


def test_after_10_epochs_it_knows_the_training_digits_better_than_the_held_out_ones():
    scenario = load_scenario("digits")
    session = TrainingSession(scenario)
    session.run_updates(scenario.batches_per_epoch * 10)
    assert session.finished
    header, *data = rows()
    X = np.array([[float(x) for x in row[:64]] for row in data])
    T = np.eye(10)[[int(row[64][1:]) for row in data]]
    train, test = slice(0, 1438), slice(1438, None)
    assert accuracy(session.W, session.b, X[train], T[train]) > 0.97  # "about 99%"
    assert 0.85 < accuracy(session.W, session.b, X[test], T[test]) < 0.93  # "about 89%"
