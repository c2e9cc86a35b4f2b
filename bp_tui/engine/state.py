"""Read-only views of a training session, for the UI, the trace and tests.

Layers are numbered as on screen: 0 is the input, 1..L are computed.  Tuples
indexed by layer hold ``None`` for what is not computed yet for this batch,
so a UI can show "pending" instead of stale numbers from the last batch.
Arrays in a view are never written to again by the engine (every phase makes
new arrays), and are marked read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, overload

import numpy as np

if TYPE_CHECKING:  # optimizers imports this module
    from .optimizers import Optimizer, OptimizerState


@dataclass(frozen=True)
class Phase:
    """One step of the cycle: ``forward``/``backward`` of a layer, or ``update``."""

    kind: str
    layer: int | None = None

    def describe(self, layers: int) -> str:
        """E.g. ``backward, layer 1 of 2`` or ``update``."""
        if self.layer is None:
            return self.kind
        return f"{self.kind}, layer {self.layer} of {layers}"


FORWARD, BACKWARD, UPDATE = "forward", "backward", "update"


@overload
def frozen(array: np.ndarray) -> np.ndarray: ...
@overload
def frozen(array: None) -> None: ...
@overload
def frozen(array: np.ndarray | None) -> np.ndarray | None: ...
def frozen(array: np.ndarray | None) -> np.ndarray | None:
    """A read-only view of ``array`` (None stays None)."""
    if array is None:
        return None
    view = array.view()
    view.flags.writeable = False
    return view


def frozen_all(arrays) -> tuple:
    return tuple(frozen(a) for a in arrays)


class BatchRecord(Protocol):
    """What a batch's passes computed, by name: shared by ``BatchView`` (frozen,
    for UIs) and the session's own ``BatchPass`` (read by breakpoints as it is).
    Read-only properties, so a list or a tuple of arrays both fit."""

    @property
    def epoch(self) -> int: ...

    @property
    def batch(self) -> int: ...

    @property
    def sample_indices(self) -> Sequence[int] | np.ndarray: ...

    @property
    def pre_activations(self) -> Sequence: ...

    @property
    def node_values(self) -> Sequence: ...

    @property
    def sample_loss(self) -> np.ndarray | None: ...

    @property
    def batch_loss(self) -> float | None: ...

    @property
    def loss_slopes(self) -> Sequence: ...

    @property
    def activation_slopes(self) -> Sequence: ...

    @property
    def grad_weights(self) -> Sequence: ...

    @property
    def grad_biases(self) -> Sequence: ...

    @property
    def weights_after(self) -> Sequence | None: ...

    @property
    def biases_after(self) -> Sequence | None: ...


@dataclass(frozen=True)
class BatchView:
    """What one batch's forward and backward passes have computed so far.

    ``node_values[0]`` is the batch's inputs; ``node_values[l]`` and
    ``pre_activations[l]`` are ``(n_samples, nodes of layer l)``.
    ``loss_slopes[l]``, ``activation_slopes[l]`` are per sample and node;
    ``grad_weights[l]`` is shaped like the weights into layer l.  Index 0 of
    the per-layer tuples other than ``node_values`` is always None.
    """

    epoch: int
    batch: int
    sample_indices: tuple[int, ...]
    targets: np.ndarray
    weights: tuple  # the weights this batch's passes use (before its update)
    biases: tuple
    optimizer_state: OptimizerState  # the optimizer's state before this batch's update
    pre_activations: tuple
    node_values: tuple
    sample_loss: np.ndarray | None
    batch_loss: float | None
    loss_slopes: tuple
    activation_slopes: tuple
    grad_weights: tuple
    grad_biases: tuple
    weights_after: tuple | None = None  # set once the update is applied
    biases_after: tuple | None = None

    @property
    def forward_done(self) -> int:
        """How many layers the forward pass has computed."""
        return sum(a is not None for a in self.node_values) - 1

    def backward_done(self, layer: int) -> bool:
        return self.grad_weights[layer] is not None


@dataclass(frozen=True)
class SessionState:
    """Everything a UI shows, after the phase just done."""

    title: str
    layers: tuple[int, ...]
    activations: tuple[str, ...]  # index 0 is "" (the input layer)
    loss: str
    learning_rate: float
    optimizer: Optimizer  # explains updates (``explain``); the UI never calls ``step``
    bias: bool
    weights: tuple  # current weights, index 0 None; weights[l] feeds layer l
    biases: tuple
    epoch: int
    epochs: int
    batch: int
    batches_per_epoch: int
    samples: int
    updates_done: int
    total_updates: int
    last_phase: Phase | None
    next_phase: Phase | None  # None once training is finished
    current: BatchView
    applied: BatchView | None  # the last update applied, for "w was ... now ..."
    loss_history: np.ndarray  # batch loss of every update so far
    epoch_loss: np.ndarray  # mean loss over each finished epoch's samples
    epoch_running_loss: float | None  # the same, so far, for the current epoch
    # Held-out samples (contract section 6): index k = after k updates, 0 the
    # initial weights; None without held-out samples (accuracy: without classes).
    test_loss_history: np.ndarray | None = None
    test_accuracy_history: np.ndarray | None = None
    accuracy: float | None = None  # over all training samples, with the current weights
    # Counts [target class, predicted class] with the current weights (bce: 2 x 2 over
    # every output value); None for mse, test_confusion None without held-out samples.
    confusion: np.ndarray | None = None
    test_confusion: np.ndarray | None = None

    @property
    def test_loss(self) -> float | None:
        """The held-out loss with the current weights, or None."""
        return None if self.test_loss_history is None else float(self.test_loss_history[-1])

    @property
    def test_accuracy(self) -> float | None:
        """The held-out accuracy with the current weights, or None."""
        h = self.test_accuracy_history
        return None if h is None else float(h[-1])

    @property
    def finished(self) -> bool:
        return self.next_phase is None

    def gradient_batch(self, layer: int) -> BatchView | None:
        """The batch whose gradients of ``layer`` are on screen (the breakdown
        explains it, ``v`` checks it): see ``gradient_batch``."""
        return gradient_batch(self.current, self.applied, layer)

    @property
    def depth(self) -> int:
        """L, the number of computed layers."""
        return len(self.layers) - 1


def gradient_batch(current: BatchView, applied: BatchView | None, layer: int) -> BatchView | None:
    """The current batch once its backward pass has reached ``layer``, else
    the last update applied (None before the first): the gradient to show
    and to check is one that was computed, with the weights it was computed
    with."""
    if current.grad_weights[layer] is not None:
        return current
    return applied
