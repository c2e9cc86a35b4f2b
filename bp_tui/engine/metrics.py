"""How well the network does: accuracy, a confusion matrix, and the held-out loss.

The trace (contract section 6), the counters and the loss chart read these.
Everything is computed with the weights of one moment (after some update)
over whole sample sets at once, by the same forward pass the session uses.

- ``accuracy``: with ``cross_entropy`` the fraction of samples whose largest
  output is the target's class (ties: the lowest index); with ``bce`` the
  fraction of output values on the target's side of 0.5 (an output of 0.5
  or more predicts 1, a target of 0.5 or more counts as 1).
- ``Scorer``: a session's held-out loss and accuracy after every update,
  and its training accuracy now.
"""

from __future__ import annotations

import numpy as np

from . import network
from .losses import LOSSES

CLASSIFICATION = ("cross_entropy", "bce")


def forward(activations, W, b, X: np.ndarray) -> list[np.ndarray]:
    """The node values of every layer for the samples ``X``: ``[X, A1, ..., AL]``.

    The engine's one forward pass (``network.forward``), without warnings:
    ``activations``, ``W`` and ``b`` are indexed by layer from 1, as in the
    session.
    """
    with np.errstate(all="ignore"):
        return network.forward(W, b, activations, np.asarray(X, dtype=np.float64))[1]


def predicted_classes(P: np.ndarray) -> np.ndarray:
    """Each sample's predicted class: its largest output (the lowest index on a tie)."""
    return np.argmax(P, axis=1)


def accuracy(loss: str, P: np.ndarray, T: np.ndarray) -> float | None:
    """The share of right answers for predictions ``P`` and targets ``T``; None for mse."""
    if loss == "cross_entropy":
        return float(np.count_nonzero(predicted_classes(P) == np.argmax(T, axis=1))) / len(P)
    if loss == "bce":
        return float(np.count_nonzero((P >= 0.5) == (T >= 0.5))) / P.size
    return None


def confusion_matrix(loss: str, P: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Counts: row = the target's class, column = the predicted class.

    ``cross_entropy``: one row and column per output node.  ``bce``: 2 x 2
    (class 0, class 1), over every output value of every sample.
    """
    if loss == "cross_entropy":
        k = P.shape[1]
        actual, predicted = np.argmax(T, axis=1), predicted_classes(P)
    elif loss == "bce":
        k = 2
        actual, predicted = (T >= 0.5).ravel().astype(int), (P >= 0.5).ravel().astype(int)
    else:
        raise ValueError(f"no classes with loss {loss!r}")
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (actual, predicted), 1)
    return counts


def mean_loss(loss: str, P: np.ndarray, T: np.ndarray) -> float:
    """The loss over all these samples at once: the mean of the per-sample losses."""
    with np.errstate(all="ignore"):
        values = LOSSES[loss].value(P, T)
    return float(values.sum()) / len(values)


class Scorer:
    """A session's scores: held-out loss and accuracy per update; accuracy and confusion now.

    ``record(k, W, b)`` is called with the weights after ``k`` updates (0:
    the initial ones); those numbers depend on the weights alone, so going
    back in time and replaying writes the same numbers again.
    """

    def __init__(self, scenario):
        self.loss = scenario.loss
        self.activations = ("",) + tuple(scenario.activations)
        self.inputs, self.targets = scenario.inputs, scenario.targets
        self.test_inputs, self.test_targets = scenario.test_inputs, scenario.test_targets
        self.heldout = scenario.test_inputs is not None
        self.classification = scenario.loss in CLASSIFICATION
        self._test_loss = np.full(1024 if self.heldout else 0, np.nan)
        self._test_accuracy = np.full(len(self._test_loss), np.nan)
        self._outputs: dict[bool, tuple[tuple, np.ndarray]] = {}

    def record(self, done: int, W, b) -> None:
        """The held-out scores for the weights after ``done`` updates (nothing without held-out samples)."""
        if not self.heldout:
            return
        if done >= len(self._test_loss):  # room for as many again
            size = max(done + 1, 2 * len(self._test_loss))
            self._test_loss, self._test_accuracy = (_grown(a, size) for a in (self._test_loss, self._test_accuracy))
        with np.errstate(all="ignore"):  # a diverged network scores NaN, without warnings
            P = network.forward(W, b, self.activations, self.test_inputs)[1][-1]
            values = LOSSES[self.loss].value(P, self.test_targets)
        self._test_loss[done] = float(values.sum()) / len(values)
        score = accuracy(self.loss, P, self.test_targets)
        self._test_accuracy[done] = np.nan if score is None else score

    def test_loss_history(self, done: int) -> np.ndarray | None:
        """Held-out loss after 0, 1, ..., ``done`` updates; None without held-out samples."""
        return self._test_loss[: done + 1] if self.heldout else None

    def test_accuracy_history(self, done: int) -> np.ndarray | None:
        """Held-out accuracy after 0..``done`` updates; None without held-out samples or classes."""
        return self._test_accuracy[: done + 1] if self.heldout and self.classification else None

    def outputs(self, W, b, heldout: bool = False) -> np.ndarray | None:
        """The outputs for all training (or held-out) samples with these weights.

        The last ones are remembered: the counters and the confusion matrix
        ask again at every redraw, and the weights only change at an update.
        """
        X = self.test_inputs if heldout else self.inputs
        if X is None:
            return None
        key = tuple(W) + tuple(b)  # the arrays themselves: a session never writes into them
        last = self._outputs.get(heldout)
        if last is None or len(last[0]) != len(key) or any(x is not y for x, y in zip(last[0], key)):
            last = self._outputs[heldout] = (key, forward(self.activations, W, b, X)[-1])
        return last[1]

    def accuracy(self, W, b) -> float | None:
        """Accuracy over all training samples with these weights (None for mse)."""
        P = self.outputs(W, b) if self.classification else None
        return None if P is None else accuracy(self.loss, P, self.targets)

    def confusion(self, W, b, heldout: bool = False) -> np.ndarray | None:
        """The confusion matrix (row: target class, column: predicted) of the training or held-out samples."""
        P = self.outputs(W, b, heldout) if self.classification else None
        if P is None:
            return None
        return confusion_matrix(self.loss, P, self.test_targets if heldout else self.targets)

    def trace_keys(self, done: int, W, b) -> dict:
        """The trace's section-6 keys for the weights after ``done`` updates (recorded)."""
        if not self.heldout:
            return {}
        keys: dict = {"test_loss": float(self._test_loss[done])}
        if self.classification:
            keys["accuracy"] = self.accuracy(W, b)
            keys["test_accuracy"] = float(self._test_accuracy[done])
        return keys


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    """``array`` followed by NaNs up to ``size`` (not computed yet)."""
    return np.concatenate([array, np.full(size - len(array), np.nan)])
