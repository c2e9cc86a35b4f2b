"""The step at the output, in the slides' words: prediction, target, error, loss, loss slope.

The slides go from "Prediction = 7, Actual Target Value = 4, Error = 3" to
"slope of the loss function w.r.t. the output node = 2 x error = 6".  This
module gives a UI (and any other reader) those numbers for one sample of a
batch, each loss and loss slope as a ``Worked`` formula: the formula in
words, the same formula with slots for its numbers, the numbers, and the
result.  The caller formats the numbers (short or full precision) and fills
the slots, so the screen never does the arithmetic itself.

Per loss (``k`` output nodes, ``p`` prediction, ``t`` target, error = p - t):

- ``mse``: loss = mean over outputs of error^2; slope = 2/k x error
  (``2 x error`` for one output, the seed's 2 x 3 = 6);
- ``bce``: loss = mean over outputs of -(t log p + (1 - t) log(1 - p));
  slope = (p - t) / (p (1 - p)) / k, w.r.t. the sigmoid's value;
- ``cross_entropy`` after softmax: loss = -log p of the target's class;
  slope = p - t, w.r.t. the output pre-activation (loss and softmax slopes
  taken together, contract section 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .losses import CLIP
from .state import BatchView


@dataclass(frozen=True)
class Worked:
    """A formula in words, the same with ``{0}``, ``{1}``... slots, their numbers, the result."""

    formula: str
    numbers: str
    values: tuple[float, ...]
    result: float

    def with_numbers(self, fmt) -> str:
        """The formula with its numbers, each formatted by ``fmt`` (e.g. 4 significant digits)."""
        return self.numbers.format(*(fmt(v) for v in self.values))


@dataclass(frozen=True)
class OutputStep:
    """One sample's output layer: arrays have one entry per output node."""

    loss_name: str
    sample: int  # position in the batch
    sample_index: int  # the sample's index in the data (from 0, as in the file)
    prediction: np.ndarray
    target: np.ndarray
    error: np.ndarray  # prediction - target
    loss: Worked  # this sample's loss
    loss_slopes: tuple[Worked, ...]  # per output node
    slope_wrt: str  # what the loss slope is taken with respect to

    @property
    def outputs(self) -> int:
        return len(self.prediction)


def output_step(batch: BatchView, loss: str, sample: int = 0) -> OutputStep | None:
    """The output step of sample ``sample`` (position in the batch); None before the forward pass ends."""
    P = batch.node_values[-1]
    if P is None:
        return None
    s = min(max(sample, 0), P.shape[0] - 1)
    p = np.array(P[s], dtype=float)
    t = np.array(batch.targets[s], dtype=float)
    with np.errstate(all="ignore"):
        error = p - t
        worked_loss, slopes, wrt = _FORMULAS[loss](p, t, error)
    return OutputStep(loss_name=loss, sample=s, sample_index=int(batch.sample_indices[s]),
                      prediction=p, target=t, error=error, loss=worked_loss,
                      loss_slopes=tuple(slopes), slope_wrt=wrt)


def _mean_over(k: int, terms: list[str], formula: str) -> tuple[str, str]:
    """``formula`` and its number slots, averaged over ``k`` outputs when k > 1."""
    if k == 1:
        return formula, terms[0]
    return f"mean over the {k} outputs of {formula}", "(" + " + ".join(terms) + f") / {k}"


def _mse(p, t, error):
    k = len(p)
    formula, numbers = _mean_over(k, [f"{{{n}}}²" for n in range(k)], "error²")
    loss = Worked(formula, numbers, tuple(float(e) for e in error), float((error * error).sum() / k))
    factor = "2" if k == 1 else f"2/{k}"
    slopes = [Worked(f"{factor} × error", f"{factor} × {{0}}", (float(e),), float(2.0 * e / k))
              for e in error]
    return loss, slopes, "the output node's value"


def _bce(p, t, error):
    k = len(p)
    c = np.minimum(np.maximum(p, CLIP), 1.0 - CLIP)
    terms: list[str] = []
    values: list[float] = []
    for n in range(k):
        if t[n] == 1.0:
            terms.append(f"−log({{{len(values)}}})")
            values.append(float(c[n]))
        elif t[n] == 0.0:
            terms.append(f"−log(1 − {{{len(values)}}})")
            values.append(float(c[n]))
        else:
            a, b = len(values), len(values) + 1
            terms.append(f"−({{{a}}} × log({{{b}}}) + (1 − {{{a}}}) × log(1 − {{{b}}}))")
            values += [float(t[n]), float(c[n])]
    formula, numbers = _mean_over(k, terms, "−(t log p + (1 − t) log(1 − p))")
    value = float(-(t * np.log(c) + (1.0 - t) * np.log(1.0 - c)).sum() / k)
    loss = Worked(formula, numbers, tuple(values), value)
    per_k = "" if k == 1 else f" / {k}"
    slopes = [Worked(f"(p − t) / (p × (1 − p)){per_k}", f"({{0}} − {{1}}) / ({{0}} × (1 − {{0}})){per_k}",
                     (float(c[n]), float(t[n])), float((c[n] - t[n]) / (c[n] * (1.0 - c[n])) / k))
              for n in range(k)]
    return loss, slopes, "the output node's value"


def _cross_entropy(p, t, error):
    target = int(np.argmax(t))  # one-hot (validated)
    loss = Worked("−log p of the target's class", "−log({0})", (float(p[target]),),
                  float(-np.log(p[target])))
    slopes = [Worked("p − t", "{0} − {1}", (float(p[n]), float(t[n])), float(error[n]))
              for n in range(len(p))]
    return loss, slopes, "the output's pre-activation (softmax and cross-entropy taken together)"


_FORMULAS = {"mse": _mse, "bce": _bce, "cross_entropy": _cross_entropy}
