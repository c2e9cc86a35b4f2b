"""A loss brings its own rules: which output it needs and which targets it takes.

The scenario checks pairings and targets by asking the loss and activation
classes (``needs_output``, ``combined_with_loss``, ``target_problem``), not by
comparing names, so a new loss is one class. Shown here with a loss defined
in the test.
"""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine import ScenarioError, losses, scenario_from_dict


class Hinge(losses.Loss):
    """Targets must be -1 or +1 (a test loss; its numbers are not used)."""

    name = "hinge"

    def value(self, P, T):
        return np.maximum(0.0, 1.0 - P * T).mean(axis=1)

    def slope(self, P, T):
        return np.where(P * T < 1, -T, 0.0) / P.shape[1]

    def target_problem(self, T):
        bad = ~np.isin(T, (-1.0, 1.0))
        return None if not bad.any() else (int(np.argwhere(bad)[0][0]), "hinge needs targets -1 or +1")


class NegativeLogLikelihood(losses.CrossEntropy):
    name = "nll"


def document(loss: str, activations: list[str], targets) -> dict:
    return {"title": "t", "network": {"layers": [2, 2], "activations": activations, "seed": 0},
            "data": {"inputs": [[0, 1], [1, 0]], "targets": targets},
            "training": {"loss": loss, "learning_rate": 0.1}}


def test_a_new_loss_checks_its_own_targets(monkeypatch):
    monkeypatch.setitem(losses.LOSSES, "hinge", Hinge())
    scenario_from_dict(document("hinge", ["tanh"], [[1, -1], [-1, 1]]))
    with pytest.raises(ScenarioError, match=r"data.targets\[1\]: hinge needs targets -1 or \+1"):
        scenario_from_dict(document("hinge", ["tanh"], [[1, -1], [0, 1]]))


def test_softmax_pairs_with_whichever_loss_takes_it(monkeypatch):
    monkeypatch.setitem(losses.LOSSES, "nll", NegativeLogLikelihood())
    scenario_from_dict(document("nll", ["softmax"], [[1, 0], [0, 1]]))  # no name compared to "cross_entropy"
    with pytest.raises(ScenarioError, match="one-hot"):
        scenario_from_dict(document("nll", ["softmax"], [[1, 1], [0, 1]]))
    with pytest.raises(ScenarioError, match='training.loss: a softmax output needs loss = "cross_entropy"'):
        scenario_from_dict(document("mse", ["softmax"], [[1, 0], [0, 1]]))
