"""What a training session keeps while it works: one batch's passes, and checkpoints.

``BatchPass`` holds exactly the fields of a ``BatchView`` (same names), as
the session fills them in phase by phase; ``view()`` hands them out frozen.
Engine code that looks after every update (breakpoints) reads a pass
directly through the ``BatchRecord`` fields both share, since freezing
every array of every update would cost more than the looking.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .optimizers import OptimizerState
from .state import BACKWARD, FORWARD, UPDATE, BatchView, Phase, frozen, frozen_all


@dataclass(frozen=True)
class Checkpoint:
    """The session between two updates: enough to resume it bit for bit."""

    updates_done: int
    W: tuple
    b: tuple
    optimizer: OptimizerState

    def arrays(self) -> Iterator[np.ndarray]:
        """Every array it keeps alive: weights, biases, the optimizer's state."""
        yield from (a for a in self.W[1:] + self.b[1:] if a is not None)
        yield from self.optimizer.all_arrays()

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays())


class BatchPass:
    """One batch's forward and backward passes and its update, filled in phase by phase.

    Lists are indexed by layer (index 0: the input, or unused), holding None
    until their phase has run.  The session never writes into an array once
    it is stored here, only replaces list entries, so views stay true.
    """

    __slots__ = ("epoch", "batch", "sample_indices", "targets", "weights", "biases", "optimizer_state",
                 "pre_activations", "node_values", "sample_loss", "batch_loss", "loss_slopes",
                 "activation_slopes", "grad_weights", "grad_biases", "weights_after", "biases_after")

    def __init__(self, epoch: int, batch: int, sample_indices: np.ndarray, inputs: np.ndarray,
                 targets: np.ndarray, weights: list, biases: list, optimizer_state: OptimizerState):
        depth = len(weights) - 1
        self.epoch, self.batch, self.sample_indices = epoch, batch, sample_indices
        self.targets, self.weights, self.biases = targets, weights, biases
        self.optimizer_state = optimizer_state  # before this batch's update
        empty: list = [None] * (depth + 1)
        self.pre_activations, self.node_values = empty.copy(), [inputs] + empty[1:]
        self.loss_slopes, self.activation_slopes = empty.copy(), empty.copy()
        self.grad_weights, self.grad_biases = empty.copy(), empty.copy()
        self.sample_loss: np.ndarray | None = None
        self.batch_loss: float | None = None
        self.weights_after: list | None = None
        self.biases_after: list | None = None

    def view(self) -> BatchView:
        """The pass so far, as an immutable view (read-only arrays)."""
        return BatchView(
            epoch=self.epoch, batch=self.batch, sample_indices=tuple(self.sample_indices.tolist()),
            targets=frozen(self.targets), weights=frozen_all(self.weights), biases=frozen_all(self.biases),
            optimizer_state=self.optimizer_state,
            pre_activations=frozen_all(self.pre_activations), node_values=frozen_all(self.node_values),
            sample_loss=frozen(self.sample_loss), batch_loss=self.batch_loss,
            loss_slopes=frozen_all(self.loss_slopes), activation_slopes=frozen_all(self.activation_slopes),
            grad_weights=frozen_all(self.grad_weights), grad_biases=frozen_all(self.grad_biases),
            weights_after=None if self.weights_after is None else frozen_all(self.weights_after),
            biases_after=None if self.biases_after is None else frozen_all(self.biases_after),
        )


def phase_cycle(depth: int) -> tuple[Phase, ...]:
    """The phases of one update, in order: forward 1..L, backward L..1, update."""
    return (tuple(Phase(FORWARD, l) for l in range(1, depth + 1))
            + tuple(Phase(BACKWARD, l) for l in range(depth, 0, -1)) + (Phase(UPDATE),))


def refusal(kind: str, layer: int | None, nxt: Phase, current: BatchPass, depth: int) -> str:
    """Why a phase ``kind`` (of ``layer``) cannot run now, when ``nxt`` is next: one line."""
    then = f"next: {nxt.describe(depth)}"
    if kind == FORWARD:
        if layer is not None and current.node_values[layer] is not None:
            return f"the forward pass of layer {layer} is already done for this batch; {then}"
        if nxt.kind == FORWARD:
            return f"the forward pass goes layer by layer; {then}"
        return f"the forward pass is already done for this batch; {then}"
    if kind == BACKWARD:
        if nxt.kind == FORWARD:
            return f"the forward pass is not done yet; {then}"
        if layer is not None and current.grad_weights[layer] is not None:
            return (f"the backward pass of layer {layer} is already done for this batch "
                    f"(gradients are never accumulated twice); {then}")
        if nxt.kind == UPDATE:
            return f"the backward pass is already done for this batch; {then}"
        return f"the backward pass goes from the last layer to the first; {then}"
    return f"the {'forward' if nxt.kind == FORWARD else 'backward'} pass is not done yet; {then}"
