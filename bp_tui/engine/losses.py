"""Loss functions, each a value and a slope w.r.t. the prediction.

For predictions ``P`` and targets ``T`` of shape ``(n_samples, n_outputs)``:

- ``value(P, T)``: each sample's loss, shape ``(n_samples,)``.  The batch loss
  is the mean of these over the batch.
- ``slope(P, T)``: the slope of *each sample's* loss w.r.t. each output node's
  value, shape ``(n_samples, n_outputs)``: the slides' "slope of the loss
  function w.r.t. the output node".  For one mse output it is ``2 * error``.

Cross-entropy only follows softmax, and the two slopes are taken together:
its ``slope`` is the slope w.r.t. the output *pre-activation*, ``p - t``,
and softmax's own slope is 1 (``activations.Softmax``).
"""

from __future__ import annotations

import numpy as np

#: bce clips p to [CLIP, 1 - CLIP]; no epsilon is added inside the log.
CLIP = 1e-15


class Loss:
    name = ""
    #: The output activation this loss requires, if any.
    needs_output: str | None = None

    def value(self, P: np.ndarray, T: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def slope(self, P: np.ndarray, T: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def target_problem(self, T: np.ndarray) -> tuple[int, str] | None:
        """The first target row this loss cannot take, and why (None: all fine)."""
        return None


class MeanSquaredError(Loss):
    """Mean over output nodes of (prediction - target)^2."""

    name = "mse"

    def value(self, P, T):
        error = P - T
        return (error * error).sum(axis=1) / P.shape[1]

    def slope(self, P, T):
        return 2.0 * (P - T) / P.shape[1]


def _clipped(P: np.ndarray) -> np.ndarray:
    """p kept within [CLIP, 1 - CLIP] (as np.clip, at a third of its call cost)."""
    return np.minimum(np.maximum(P, CLIP), 1.0 - CLIP)


class BinaryCrossEntropy(Loss):
    """Mean over output nodes of -(t log p + (1 - t) log(1 - p))."""

    name = "bce"
    needs_output = "sigmoid"

    def value(self, P, T):
        p = _clipped(P)
        return -(T * np.log(p) + (1.0 - T) * np.log(1.0 - p)).sum(axis=1) / P.shape[1]

    def slope(self, P, T):
        p = _clipped(P)
        return (p - T) / (p * (1.0 - p)) / P.shape[1]

    def target_problem(self, T):
        outside = (T < 0) | (T > 1)
        if not outside.any():
            return None
        row, col = (int(k) for k in np.argwhere(outside)[0])
        return row, f"{self.name} needs targets between 0 and 1, got {T[row, col]:g}"


class CrossEntropy(Loss):
    """-sum(t log p) over the output nodes of a softmax; t is one-hot."""

    name = "cross_entropy"
    needs_output = "softmax"

    def value(self, P, T):
        # Targets are one-hot (validated), so -sum(t log p) is -log of the
        # true class's p: the zero terms add exactly nothing.  A p that
        # underflowed to 0 gives an infinite loss, honestly.
        with np.errstate(divide="ignore"):
            return -np.log((P * T).sum(axis=1))

    def slope(self, P, T):
        # Loss slope and softmax slope taken together: w.r.t. the pre-activation.
        return P - T

    def target_problem(self, T):
        one_hot = ((T == 0) | (T == 1)).all(axis=1) & (T.sum(axis=1) == 1)
        if one_hot.all():
            return None
        return int(np.argmin(one_hot)), f"{self.name} needs one-hot target rows (one 1, the rest 0)"


LOSSES: dict[str, Loss] = {
    cls.name: cls() for cls in (MeanSquaredError, BinaryCrossEntropy, CrossEntropy)
}

