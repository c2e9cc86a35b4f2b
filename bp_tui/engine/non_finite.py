"""Where a NaN or inf first appeared in an update, in the order the update computed it.

The ``non_finite`` breakpoint (``breakpoints.py``) asks this after every
update: a quick screen first (``all_finite``, one sum per array), then, only
when something is not finite, a search through the update's arrays in phase
order (forward 1..L and the loss, backward L..1, the update) for the first
NaN or inf, named by its place: a parameter entry, or a node and its sample.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .params import Node, Param
from .state import BACKWARD, FORWARD, UPDATE, BatchRecord, Phase


@dataclass(frozen=True)
class NonFinite:
    """The first NaN or inf of an update: its phase, what it was, where, and its value."""

    phase: Phase
    what: str  # "pre-activation", "node value", "loss of sample", "gradient of weight", "weight", ...
    place: Param | Node | None  # None: the loss
    sample: int | None  # the sample (its index in the data) of a per-sample value, else None
    value: float

    @property
    def named(self) -> str:
        """``pre-activation of layer 1 node 0, sample #3``, ``weight W1[0,1]``, ``loss of sample #3``."""
        return _describe(self.what, self.place, self.sample)

    @property
    def step(self) -> str:
        """``the forward pass``, ``the backward pass`` or ``the update step``."""
        return "the update step" if self.phase.kind == UPDATE else f"the {self.phase.kind} pass"

    @property
    def weight(self) -> Param | None:
        """The parameter entry there, or the first weight into the node there (for the UI to select)."""
        if isinstance(self.place, Node):
            return Param.weight(self.place.layer, 0, self.place.j)
        return self.place


def first_non_finite(applied: BatchRecord, depth: int) -> NonFinite | None:
    """The first non-finite value of update ``applied`` in phase order, or None when all are finite."""
    if all_finite(applied):
        return None
    for phase, what, layer, value in places(applied, depth):
        array = np.asarray(0.0 if value is None else value, dtype=float)
        if np.isfinite(array).all():
            continue
        at = tuple(int(k) for k in np.argwhere(~np.isfinite(array))[0])
        place, sample = _place(what, layer, at)
        if sample is not None:
            sample = applied.sample_indices[sample]
        return NonFinite(phase, what, place, sample, float(array[at]))
    return None


def _describe(what: str, place: Param | Node | None, sample: int | None) -> str:
    """``pre-activation of layer 1 node 0, sample #3``, ``weight W1[0,1]``, ``loss of sample #3``."""
    if what == "loss of sample":
        return f"loss of sample #{sample}"
    if place is None:
        return what
    joint = " at " if what in ("loss slope", "activation slope") else (" of " if isinstance(place, Node) else " ")
    return f"{what}{joint}{place.name}" + ("" if sample is None else f", sample #{sample}")


def _place(what: str, layer: int, at: tuple[int, ...]) -> tuple[Param | Node | None, int | None]:
    """Where index ``at`` of a ``places`` array is: a parameter entry, or a node
    and the batch row (sample) it belongs to; the loss has no place."""
    if what in ("weight", "gradient of weight"):
        return Param.weight(layer, at[0], at[1]), None
    if what in ("bias", "gradient of bias"):
        return Param.bias(layer, at[0]), None
    if what == "loss of sample":
        return None, at[0]
    if what == "batch loss":
        return None, None
    return Node(layer, at[1]), at[0]


def all_finite(a: BatchRecord) -> bool:
    """A quick screen: True means nothing in the update is NaN or inf.

    Enough to look at the pre-activations (an activation of finite numbers
    is finite), the batch loss (a mean of losses >= 0) and the weights after
    the update (a non-finite loss slope or gradient always reaches them
    through W - learning_rate x gradient).  A sum is finite only if every
    term is; an overflowing sum only sends us to the full search.
    """
    total = a.batch_loss if a.batch_loss is not None else 0.0
    with np.errstate(all="ignore"):
        for arrays in (a.pre_activations, a.weights_after or ()):
            for x in arrays:
                if x is not None:
                    total += float(x.sum())
    return math.isfinite(total)


def places(a: BatchRecord, L: int) -> Iterator[tuple[Phase, str, int, Any]]:
    """``(phase, what, layer, array)`` in the order the update computed them:
    forward 1..L and the loss, backward L..1, the update.  Per-node arrays
    have one row per sample of the batch."""
    for l in range(1, L + 1):
        yield Phase(FORWARD, l), "pre-activation", l, a.pre_activations[l]
        yield Phase(FORWARD, l), "node value", l, a.node_values[l]
    yield Phase(FORWARD, L), "loss of sample", L, a.sample_loss
    yield Phase(FORWARD, L), "batch loss", L, a.batch_loss
    for l in range(L, 0, -1):
        yield Phase(BACKWARD, l), "loss slope", l, a.loss_slopes[l]
        yield Phase(BACKWARD, l), "activation slope", l, a.activation_slopes[l]
        yield Phase(BACKWARD, l), "gradient of weight", l, a.grad_weights[l]
        yield Phase(BACKWARD, l), "gradient of bias", l, a.grad_biases[l]
    for l in range(1, L + 1):
        yield Phase(UPDATE), "weight", l, a.weights_after and a.weights_after[l]
        yield Phase(UPDATE), "bias", l, a.biases_after and a.biases_after[l]
