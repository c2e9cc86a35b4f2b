"""The training session: backpropagation one phase at a time.

One update is a cycle of phases, exactly as on the slides:

1. forward through layers 1..L, one phase per layer (the loss is known once
   the last layer is done);
2. backward through layers L..1, one phase per layer ("go back one layer at a
   time"), the first starting from the loss slope at the output;
3. the update: the optimizer moves every weight (plain SGD:
   ``-learning_rate * gradient``; see ``optimizers``).

Batches follow each other through an epoch, epochs through training.  The
session refuses phases out of order, so gradients are never accumulated twice.
It does no I/O and has no callbacks: a UI calls its step methods and reads
``state``.  Every phase makes new arrays and never writes into old ones, so a
state handed out earlier stays true, and a checkpoint is just references.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import activations as _activations
from . import losses as _losses
from .batch_pass import BatchPass, Checkpoint, phase_cycle, refusal
from .metrics import Scorer
from .network import forward_layer, hidden_loss_slope, weight_gradient
from .optimizers import optimizer_for
from .scenario import Scenario
from .schedule import Schedule
from .state import BACKWARD, FORWARD, UPDATE, Phase, SessionState, frozen, frozen_all

__all__ = ["Checkpoint", "PhaseOrderError", "TrainingSession", "phase_cycle"]


class PhaseOrderError(RuntimeError):
    """A phase was asked for out of turn; the message says what comes next."""


class TrainingSession:
    """Trains a scenario's network phase by phase; see the module docstring."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.depth = len(scenario.layers) - 1
        self.act: list[Any] = [None] + [_activations.ACTIVATIONS[n] for n in scenario.activations]  # [0]: input
        self.loss_fn = _losses.LOSSES[scenario.loss]
        self.learning_rate = scenario.learning_rate
        self.optimizer = optimizer_for(scenario)
        self.schedule = Schedule(scenario.samples, scenario.effective_batch_size,
                                 scenario.epochs, scenario.shuffle, scenario.seed)
        self.cycle = phase_cycle(self.depth)
        self._run: list[Callable[[Any], None]] = (
            [self._forward] * self.depth + [self._backward] * self.depth + [self._update])
        self.scorer = Scorer(scenario)  # held-out loss per update, accuracy
        self.reset()

    # ----------------------------------------------------------------- state
    def reset(self) -> None:
        """Back to the scenario's initial weights, before the first phase."""
        W, b = self.scenario.initial_parameters()
        if not hasattr(self, "_loss_history"):  # kept across resets: see restore
            self._loss_history, self._epoch_means = np.empty(1024), np.empty(16)
        self.optimizer.reset()
        self.restore(Checkpoint(0, tuple([None] + W), tuple([None] + b), self.optimizer.state))

    def checkpoint(self) -> Checkpoint:
        """Where the session stands, between updates (refused mid-update)."""
        if self.phases_done:
            raise PhaseOrderError("a checkpoint is taken between updates, not in the middle of one")
        return Checkpoint(self.updates_done, tuple(self.W), tuple(self.b), self.optimizer.state)

    def restore(self, checkpoint: Checkpoint) -> None:
        """Continue from ``checkpoint`` (of this session): what follows is what followed it before.

        The losses before it were computed by the same updates, so they are
        kept (losses depend only on the scenario: replaying an update writes
        the same number again); the running epoch sum is rebuilt in its
        original order.
        """
        self.W, self.b = list(checkpoint.W), list(checkpoint.b)
        self.optimizer.restore(checkpoint.optimizer)
        self.updates_done = done = checkpoint.updates_done
        self.scorer.record(done, self.W, self.b)
        self.phases_done = 0
        self.last_phase: Phase | None = None
        self.applied: BatchPass | None = None
        per_epoch = self.schedule.batches_per_epoch
        self._epoch_sum = 0.0
        for k in range(done - done % per_epoch, done):
            self._epoch_sum += self._loss_history[k] * self.schedule.size(k)
        if not self.finished:
            self._start_batch()

    def _start_batch(self) -> None:
        epoch, batch, indices, rows = self.schedule.at(self.updates_done)
        s = self.scenario
        self.current = BatchPass(epoch, batch, indices, s.inputs[rows], s.targets[rows],
                                 self.W, self.b, self.optimizer.state)

    @property
    def finished(self) -> bool:
        return self.updates_done == self.schedule.total_updates

    @property
    def next_phase(self) -> Phase | None:
        return None if self.finished else self.cycle[self.phases_done]

    @property
    def checkpoint_bytes(self) -> int:
        """Bytes one checkpoint keeps alive: weights, biases, optimizer state."""
        return sum(a.nbytes for a in self.W[1:] + self.b[1:] if a is not None) + self.optimizer.state.nbytes

    @property
    def history_bytes(self) -> int:
        """Bytes of the loss histories kept across time travel."""
        return self._loss_history.nbytes + self._epoch_means.nbytes

    @property
    def loss_history(self) -> np.ndarray:
        """The batch loss of every update done, in order."""
        return self._loss_history[: self.updates_done]

    @property
    def epoch_loss(self) -> np.ndarray:
        """The mean loss over each finished epoch's samples."""
        return self._epoch_means[: self.updates_done // self.schedule.batches_per_epoch]

    @property
    def state(self) -> SessionState:
        """An immutable snapshot of everything a UI shows."""
        s, cur = self.scenario, self.current
        seen = 0 if self.finished else self.schedule.samples_before(cur.batch)
        return SessionState(
            title=s.title, layers=s.layers, activations=("",) + s.activations, loss=s.loss,
            learning_rate=self.learning_rate, optimizer=self.optimizer, bias=s.bias,
            weights=frozen_all(self.W), biases=frozen_all(self.b),
            epoch=cur.epoch, epochs=s.epochs, batch=cur.batch,
            batches_per_epoch=self.schedule.batches_per_epoch, samples=s.samples,
            updates_done=self.updates_done, total_updates=self.schedule.total_updates,
            last_phase=self.last_phase, next_phase=self.next_phase,
            current=cur.view(), applied=None if self.applied is None else self.applied.view(),
            loss_history=frozen(self.loss_history), epoch_loss=frozen(self.epoch_loss),
            epoch_running_loss=self._epoch_sum / seen if seen else None,
            test_loss_history=frozen(self.scorer.test_loss_history(self.updates_done)),
            test_accuracy_history=frozen(self.scorer.test_accuracy_history(self.updates_done)),
            accuracy=self.scorer.accuracy(self.W, self.b),
            confusion=self.scorer.confusion(self.W, self.b),
            test_confusion=self.scorer.confusion(self.W, self.b, heldout=True),
        )

    # ----------------------------------------------------------------- phases
    def _expect(self, kind: str, layer: int | None) -> None:
        nxt = self.next_phase
        if nxt is None:
            raise PhaseOrderError(f"training is finished: all {self.scenario.epochs} epochs are done")
        if nxt.kind != kind or (layer is not None and layer != nxt.layer):
            raise PhaseOrderError(refusal(kind, layer, nxt, self.current, self.depth))

    def forward(self, layer: int | None = None) -> Phase:
        """Compute the next layer's pre-activations and node values."""
        self._expect(FORWARD, layer)
        return self.step()

    def backward(self, layer: int | None = None) -> Phase:
        """Loss slopes, activation slopes and gradients of the next layer back."""
        self._expect(BACKWARD, layer)
        return self.step()

    def update(self) -> Phase:
        """The optimizer moves every weight and bias (SGD: by -learning_rate x gradient); next batch."""
        self._expect(UPDATE, None)
        return self.step()

    def step(self) -> Phase:
        """The next phase, whatever it is."""
        if self.finished:
            raise PhaseOrderError(f"training is finished: all {self.scenario.epochs} epochs are done")
        with np.errstate(all="ignore"):
            return self._step()

    def _step(self) -> Phase:
        """One phase, unchecked; non-finite numbers flow on without warnings (errstate set)."""
        k = self.phases_done
        phase = self.cycle[k]
        self._run[k](phase.layer)
        self.last_phase = phase
        self.phases_done = 0 if k == len(self.cycle) - 1 else k + 1
        return phase

    def _forward(self, l: int) -> None:
        cur = self.current
        A, Z = cur.node_values, cur.pre_activations
        Z[l], A[l] = forward_layer(A[l - 1], cur.weights[l], cur.biases[l], self.act[l])
        if l == self.depth:
            cur.sample_loss = sample_loss = self.loss_fn.value(A[l], cur.targets)
            cur.batch_loss = float(sample_loss.sum()) / len(sample_loss)

    def _backward(self, l: int) -> None:
        cur = self.current
        A, Z = cur.node_values, cur.pre_activations
        loss_slopes, activation_slopes = cur.loss_slopes, cur.activation_slopes
        if l == self.depth:
            loss_slope = self.loss_fn.slope(A[l], cur.targets)
        else:
            loss_slope = hidden_loss_slope(loss_slopes[l + 1], activation_slopes[l + 1], cur.weights[l + 1])
        loss_slopes[l] = loss_slope
        activation_slopes[l] = self.act[l].slope(Z[l], A[l])
        cur.grad_weights[l], cur.grad_biases[l] = weight_gradient(
            A[l - 1], loss_slope, activation_slopes[l], with_bias=cur.biases[l] is not None)

    def _update(self, _layer: None) -> None:
        cur = self.current
        # The previous pass is replaced below anyway; letting it go first frees its arrays (weights,
        # optimizer state) for the optimizer to write into when nobody else holds them (``buffers``):
        # two sets of weight-sized arrays take turns instead of three, which the cache notices.
        self.applied = None
        self.W, self.b = self.optimizer.step(cur.weights, cur.biases, cur.grad_weights, cur.grad_biases)
        cur.weights_after, cur.biases_after = self.W, self.b
        self._record_loss(cur)
        self.applied = cur
        self.updates_done += 1
        self.scorer.record(self.updates_done, self.W, self.b)
        if not self.finished:
            self._start_batch()

    def _record_loss(self, cur: BatchPass) -> None:
        if self.updates_done == len(self._loss_history):
            self._loss_history = _doubled(self._loss_history)
        loss = cur.batch_loss
        assert loss is not None  # the forward pass computed it
        self._loss_history[self.updates_done] = loss
        self._epoch_sum += loss * self.schedule.size(self.updates_done)
        if cur.batch == self.schedule.batches_per_epoch:
            epoch = cur.epoch - 1
            if epoch == len(self._epoch_means):
                self._epoch_means = _doubled(self._epoch_means)
            self._epoch_means[epoch] = self._epoch_sum / self.scenario.samples
            self._epoch_sum = 0.0

    # ----------------------------------------------------------- conveniences
    def _run_until(self, done) -> None:
        with np.errstate(all="ignore"):
            while not self.finished and not done():
                self._step()

    def finish_update(self) -> None:
        """Run phases until the current batch's update is applied."""
        target = self.updates_done + 1
        self._run_until(lambda: self.updates_done >= target)

    def run_updates(self, count: int) -> None:
        """Run ``count`` whole updates (fewer if training ends first)."""
        target = self.updates_done + count  # a started update counts as the first
        self._run_until(lambda: self.updates_done >= target)

    def run_phases(self, count: int) -> None:
        """Run ``count`` phases (fewer if training ends first)."""
        with np.errstate(all="ignore"):
            for _ in range(count):
                if self.finished:
                    break
                self._step()


def _doubled(array: np.ndarray) -> np.ndarray:
    """The same values with room for as many again (histories grow this way)."""
    return np.concatenate([array, np.empty(len(array))])

