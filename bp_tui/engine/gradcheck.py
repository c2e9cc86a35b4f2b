"""Gradient checking: does backpropagation agree with nudging the weight?

The chain rule gives every gradient in one backward pass.  A learner can
check one with their own eyes: move the weight a little up and a little
down, recompute the batch loss each time, and divide the change in loss by
the change in weight (a central difference).  Where the two agree, the
slopes multiplied along the way were right.

What is checked is a batch's own gradient, the one the breakdown shows:
the number the session's backward pass computed (read from a ``BatchView``),
against the slope of that batch's loss (its inputs and targets) with the
weights it was computed with, before its update.  So a wrong backward pass
shows as a disagreement; nothing here recomputes the gradient its own way.
The verdict (agrees, disagrees, at a kink) and the threshold are here too:
a UI prints them.

Step.  A central difference with step h is off by about h^2 x (third
slope) / 6, and by float64 rounding of the loss divided by h.  Here it is
taken at steps h and h/2 and combined (Richardson extrapolation,
``(4 D(h/2) - D(h)) / 3``), which cancels the h^2 term, so the step can be
large enough to keep rounding small: ``h = STEP x max(1, |w|)``.

Relative error: ``|bp - fd| / max(|bp| + |fd|, floor)``.  The loss is only
known to within its rounding ``noise``: float64's eps x (|loss| + the sum,
over the pre-activations the weight feeds into, of |loss slope x activation
slope| x |what the pre-activation adds up|).  The finite difference cannot
see slopes below about 3 x noise / h, so a gradient that small (a dead
node's, a vanishing one's) is compared in absolute terms:
``floor = FLOOR_FACTOR x noise / h``, where a difference at the noise level
reads as a relative error of about 3e-8.

Kinks.  ReLU and leaky ReLU bend at 0.  If a nudge moves any pre-activation
of a ReLU-like layer the weight feeds (its own layer or later) across 0, the
loss is not smooth along the nudge and the difference means nothing there:
such checks are flagged ``kink`` rather than reported as errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import activations as _activations
from . import losses as _losses
from .network import forward, pre_activation
from .params import Param
from .state import BatchView

STEP = 1e-3
FLOOR_FACTOR = 1e8
#: Nudges of a weight, in units of h: +h, -h, +h/2, -h/2.
NUDGES = np.array([1.0, -1.0, 0.5, -0.5])
#: How many of the largest gradients a sampled network check always includes.
LARGEST = 20
#: Backprop agrees with the finite difference below this relative error.
AGREES_BELOW = 1e-6
#: Below this a relative error is round-off: its digits differ between CPUs
#: (OpenBLAS picks per-CPU kernels), so it is stated as a bound.
ROUND_OFF = 1e-10
AGREES, DISAGREES, AT_KINK, NOT_FINITE = "agrees", "disagrees", "at a kink", "not finite"
_RELU_LIKE = ("relu", "leaky_relu")
_CHUNK = 1 << 22  # numbers the vectorised check holds at once (about 32 MB)


@dataclass(frozen=True)
class GradCheck:
    """One weight or bias, checked both ways."""

    param: Param
    backprop: float  # the gradient the session's backward pass computed for the batch
    finite_difference: float
    relative_error: float  # nan when either is not finite
    step: float  # h, the larger nudge
    kink: bool = False  # a ReLU-like pre-activation crossed 0 within the nudges

    @property
    def name(self) -> str:
        """``W2[0,1]`` or ``b2[1]``."""
        return self.param.name

    @property
    def verdict(self) -> str:
        """``agrees``, ``disagrees``, ``at a kink`` (the slope is not defined
        there, so the numbers need not agree) or ``not finite``."""
        if self.kink:
            return AT_KINK
        if not np.isfinite(self.relative_error):
            return NOT_FINITE
        return AGREES if self.relative_error < AGREES_BELOW else DISAGREES

    @property
    def error_text(self) -> str:
        """The relative error as it may be shown (see ``error_text``)."""
        return error_text(self.relative_error)


def error_text(relative_error: float) -> str:
    """``3.2e-07``, or ``< 1e-10`` for round-off: the same text on every machine."""
    return f"< {ROUND_OFF:.0e}" if relative_error < ROUND_OFF else f"{relative_error:.2g}"


@dataclass(frozen=True)
class NetworkCheck:
    worst: GradCheck  # the largest relative error among the checks without a kink
    checked: int
    total: int  # every weight and bias of the network
    sampled: bool  # a seeded sample (plus the largest gradients) was checked, not all
    kinks: int = 0  # checks left out of ``worst`` because a nudge crossed a kink


def relative_error(backprop, finite_difference, floor) -> np.ndarray | float:
    """``|bp - fd| / max(|bp| + |fd|, floor)``; nan where either is not finite."""
    bp, fd = np.asarray(backprop, dtype=float), np.asarray(finite_difference, dtype=float)
    with np.errstate(all="ignore"):
        error = np.abs(bp - fd) / np.maximum(np.abs(bp) + np.abs(fd), np.maximum(floor, np.finfo(float).tiny))
    error = np.where(np.isfinite(bp) & np.isfinite(fd), error, np.nan)
    return float(error) if error.ndim == 0 else error


def _net(activations, depth: int):
    """The activations of layers 1..L (index 0 None), looked up at call time."""
    return [None] + [_activations.ACTIVATIONS[n] for n in tuple(activations)[-depth:]]


def batch_loss(activations, loss: str, W: list, b: list, X, T) -> float:
    """The batch loss with weights ``W``/``b`` (index 0 None, like ``session.W``)."""
    with np.errstate(all="ignore"):
        _, A = forward(W, b, _net(activations, len(W) - 1), np.asarray(X, dtype=float))
        return float(np.mean(_losses.LOSSES[loss].value(A[-1], np.asarray(T, dtype=float))))


def _noise(batch: BatchView) -> np.ndarray:
    """``noise[l]``: the batch loss's rounding noise from the pre-activations
    of layers l..L (module doc), for the layers whose backward pass is done."""
    W, b, A, T = batch.weights, batch.biases, batch.node_values, np.asarray(batch.targets)
    depth = len(W) - 1
    noise = np.zeros(depth + 2)
    with np.errstate(all="ignore"):
        for l in range(depth, 0, -1):
            if batch.loss_slopes[l] is None:
                break
            size = np.abs(A[l - 1]) @ np.abs(W[l]) + (0.0 if b[l] is None else np.abs(b[l]))
            size = size + np.abs(T) if l == depth else size  # (p - t) rounds too
            slopes = np.abs(batch.loss_slopes[l] * batch.activation_slopes[l])
            noise[l] = noise[l + 1] + np.mean(np.sum(slopes * size, axis=1))
        loss = batch.batch_loss
        assert loss is not None  # a batch whose backward pass began has its loss
        return np.finfo(float).eps * (abs(loss) + noise)


def _combine(losses: np.ndarray, h) -> np.ndarray:
    """Richardson: losses at the ``NUDGES`` (last axis) -> the slope."""
    wide = (losses[..., 0] - losses[..., 1]) / (2 * h)
    narrow = (losses[..., 2] - losses[..., 3]) / h
    return (4 * narrow - wide) / 3


def _needs_gradient(batch: BatchView, layer: int) -> None:
    if batch.grad_weights[layer] is None:
        raise ValueError(f"the backward pass has not reached layer {layer} in this batch: no gradient to check")


def check_weight(batch: BatchView, param: Param, activations, loss: str) -> GradCheck:
    """The gradient of entry ``param`` that ``batch``'s backward pass computed,
    against the slope of that batch's loss (its inputs and targets, the
    weights it was computed with, before its update), by central differences.

    ``batch`` is a ``BatchView`` whose backward pass reached ``param``'s
    layer (see ``SessionState.gradient_batch``); ``activations`` the
    scenario's names, ``loss`` its loss.  Nudges go to copies: nothing in
    the batch (or the session) changes.
    """
    _needs_gradient(batch, param.layer)
    layer, depth = param.layer, len(batch.weights) - 1
    acts, loss_fn = _net(activations, depth), _losses.LOSSES[loss]
    W, b = list(batch.weights), list(batch.biases)
    X, T = np.asarray(batch.node_values[0]), np.asarray(batch.targets)
    backprop = param.value(batch.grad_weights, batch.grad_biases)
    base = batch.pre_activations
    with np.errstate(all="ignore"):
        w = param.value(W, b)
        h = STEP * max(1.0, abs(w))
        losses, kink = np.empty(len(NUDGES)), False
        for k, nudge in enumerate(NUDGES):
            nudged_W, nudged_b = list(W), list(b)
            nudged = nudged_b if param.is_bias else nudged_W
            nudged[layer] = nudged[layer].copy()
            nudged[layer][param.index] = w + nudge * h
            Z, A = forward(nudged_W, nudged_b, acts, X)
            losses[k] = float(np.mean(loss_fn.value(A[-1], T)))
            kink |= any(np.any((Z[m] > 0) != (base[m] > 0))
                        for m in range(layer, depth + 1) if acts[m].name in _RELU_LIKE)
        fd = float(_combine(losses, h))
    error = relative_error(backprop, fd, FLOOR_FACTOR * _noise(batch)[layer] / h)
    return GradCheck(param, backprop, fd, float(error), h, bool(kink))


def _nudged_losses(acts, loss_fn, W, b, Z, A, T, layer, rows, cols, deltas):
    """Batch losses with ``W[layer][rows[k], cols[k]]`` (the bias of node
    ``cols[k]`` where ``rows[k]`` is -1) nudged by ``deltas[k]``, one at a time.

    Only column ``cols[k]`` of the layer's pre-activations changes, by delta x
    the node value feeding in, so the layer's product is not redone; the
    layers after it are.  Returns ``(losses, kink)``, both of shape (k,).
    """
    depth, n, k = len(W) - 1, A[0].shape[0], len(cols)
    feed = np.where(rows[:, None] >= 0, A[layer - 1].T[np.maximum(rows, 0)], 1.0)
    z = Z[layer].T[cols] + deltas[:, None] * feed  # (k, n)
    relu = [m for m in range(layer, depth + 1) if acts[m].name in _RELU_LIKE]
    kink = np.any((z > 0) != (Z[layer].T[cols] > 0), axis=1) if layer in relu else np.zeros(k, bool)
    if layer == depth:
        P = np.repeat(Z[layer][None], k, axis=0)
        P[np.arange(k), :, cols] = z
        P = acts[layer].value(P.reshape(k * n, -1))
    else:
        change = acts[layer].value(z) - A[layer].T[cols]  # (k, n)
        Zm = Z[layer + 1][None] + change[:, :, None] * W[layer + 1][cols][:, None, :]
        for m in range(layer + 1, depth + 1):
            if m in relu:
                kink |= np.any((Zm > 0) != (Z[m][None] > 0), axis=(1, 2))
            P = acts[m].value(Zm.reshape(k * n, -1))
            if m < depth:
                Zm = pre_activation(P, W[m + 1], b[m + 1]).reshape(k, n, -1)
    return loss_fn.value(P, np.tile(T, (k, 1))).reshape(k, n).mean(axis=1), kink


def _choose(grads: np.ndarray, starts: np.ndarray, max_weights: int, seed: int) -> np.ndarray:
    """Flat indices to check: all, or a seeded sample plus the largest gradients
    (the ``LARGEST`` largest overall and each layer's largest)."""
    total = len(grads)
    if total <= max_weights:
        return np.arange(total)
    size = np.nan_to_num(np.abs(grads), nan=np.inf)
    largest = [starts[l] + np.argmax(size[starts[l]:starts[l + 1]]) for l in range(len(starts) - 1)]
    sample = np.random.default_rng(seed).choice(total, size=max_weights, replace=False)
    return np.unique(np.concatenate([sample, np.argsort(-size, kind="stable")[:LARGEST], largest]))


def check_network(batch: BatchView, activations, loss: str, max_weights: int = 2000,
                  seed: int = 0, progress: Callable[[int, int], None] = lambda done, total: None) -> NetworkCheck:
    """Check every weight and bias of ``batch`` (its backward pass complete;
    past ``max_weights``, a seeded sample of that many plus the largest
    gradients) and report the worst relative error among the checks without
    a kink (nan counts as worst; when every check has a kink, the worst of
    those).  The worst is re-checked by ``check_weight``, so it reads
    exactly as a single check of it would.

    ``progress(checked, total)`` is called before the first parameter and
    after each vectorised chunk, so a UI can show how far the check is (and
    stop it: whatever ``progress`` raises ends the check)."""
    _needs_gradient(batch, 1)
    W, b = list(batch.weights), list(batch.biases)
    depth = len(W) - 1
    acts, loss_fn = _net(activations, depth), _losses.LOSSES[loss]
    Z, A, T = batch.pre_activations, batch.node_values, np.asarray(batch.targets)
    grad_W, grad_b, noise = batch.grad_weights, batch.grad_biases, _noise(batch)
    # Every parameter in one flat list: layer by layer, its weights row by row, then its biases.
    grads = [np.concatenate([grad_W[l].ravel(), [] if b[l] is None else grad_b[l]]) for l in range(1, depth + 1)]
    starts = np.cumsum([0] + [len(g) for g in grads])
    chosen = _choose(np.concatenate(grads), starts, max_weights, seed)
    checked, total = 0, len(chosen)
    progress(checked, total)
    found = []  # per layer: (relative errors, kinks, rows, columns)
    with np.errstate(all="ignore"):
        for l in range(1, depth + 1):
            local = chosen[(chosen >= starts[l - 1]) & (chosen < starts[l])] - starts[l - 1]
            is_weight = local < W[l].size
            rows = np.where(is_weight, local // W[l].shape[1], -1)
            cols = np.where(is_weight, local % W[l].shape[1], local - W[l].size)
            values = np.where(is_weight, W[l][np.maximum(rows, 0), cols], 0.0 if b[l] is None else b[l][cols])
            h = STEP * np.maximum(1.0, np.abs(values))
            fd, kink = np.empty(len(local)), np.empty(len(local), bool)
            widest = max(W[m].shape[1] for m in range(l, depth + 1))
            per = max(1, _CHUNK // (len(NUDGES) * A[0].shape[0] * widest))
            for start in range(0, len(local), per):
                part, many = slice(start, start + per), len(NUDGES)
                losses, kinks = _nudged_losses(acts, loss_fn, W, b, Z, A, T, l, np.repeat(rows[part], many),
                                               np.repeat(cols[part], many), (h[part][:, None] * NUDGES).ravel())
                fd[part] = _combine(losses.reshape(-1, many), h[part])
                kink[part] = kinks.reshape(-1, many).any(axis=1)
                checked += len(fd[part])
                progress(checked, total)
            error = relative_error(grads[l - 1][local], fd, FLOOR_FACTOR * noise[l] / h)
            found.append((np.atleast_1d(error), kink, rows, cols, np.full(len(local), l)))
    error, kink, rows, cols, layers = (np.concatenate(parts) for parts in zip(*found))
    pool = ~kink if (~kink).any() else np.ones(len(kink), bool)
    rank = np.where(pool, np.nan_to_num(error, nan=np.inf), -1.0)
    k = int(np.argmax(rank))
    worst = check_weight(batch, Param(int(layers[k]), None if rows[k] < 0 else int(rows[k]), int(cols[k])),
                         activations, loss)
    return NetworkCheck(worst, len(error), int(starts[-1]), bool(len(chosen) < starts[-1]), int(kink.sum()))
