"""The gradient of one weight, taken apart into the slides' three factors.

"Gradients for weight is product of:
 1. node value feeding into that weight,
 2. slope of loss function w.r.t. node it feeds into,
 3. slope of activation function at the node it feeds into."

``weight_breakdown`` gives these per sample of the batch, their products,
the batch mean (= the gradient) and the update the optimizer makes of it
(SGD: ``w - learning_rate x gradient``), with its numbers.
``loss_slope_assembly`` shows how a hidden node's loss slope was built from
the next layer ("go back one layer at a time").

Both read a ``BatchView`` (the session's ``state.current`` or
``state.applied``) and return plain frozen records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .optimizers import Optimizer, UpdateStep
from .params import Param
from .state import BatchView


@dataclass(frozen=True)
class WeightBreakdown:
    """Weight or bias entry ``param`` (for a bias the node value is 1).

    Arrays have one entry per sample of the batch, in ``sample_indices`` order.
    """

    param: Param
    sample_indices: tuple[int, ...]
    node_value: np.ndarray
    loss_slope: np.ndarray
    activation_slope: np.ndarray
    product: np.ndarray
    mean: float  # mean of the products over the batch
    gradient: float  # the gradient the update applies (equal to ``mean``)
    weight: float  # before the update
    update: UpdateStep  # the optimizer's step for this entry, with its numbers
    at_zero: np.ndarray  # samples where a (leaky) ReLU node sat exactly at 0
    slopes_combined: bool  # softmax + cross_entropy: loss slope is p - t, activation slope 1

    @property
    def is_bias(self) -> bool:
        return self.param.is_bias

    @property
    def new_weight(self) -> float:
        """After the update: the value the optimizer gives (or gave) it."""
        return self.update.new_value


@dataclass(frozen=True)
class LossSlopeAssembly:
    """How the loss slope at hidden node ``node`` of ``layer`` was assembled.

    For each node k of the next layer and each sample: the loss slope at k,
    the activation slope at k and the weight from ``node`` to k, with their
    product; summed over k they give ``loss_slope`` (one per sample).
    """

    layer: int
    node: int
    next_loss_slope: np.ndarray  # (n_samples, nodes of next layer)
    next_activation_slope: np.ndarray  # same shape
    weight: np.ndarray  # (nodes of next layer,)
    product: np.ndarray  # (n_samples, nodes of next layer)
    loss_slope: np.ndarray  # (n_samples,) = product summed over the next layer


def weight_breakdown(batch: BatchView, param: Param, activation: str,
                     optimizer: Optimizer) -> WeightBreakdown | None:
    """The three factors for the weight or bias entry ``param``, and the
    ``optimizer``'s update of it (from the batch's weights and optimizer state).

    None until the backward phase of its layer is done for this batch.
    """
    layer, j = param.layer, param.j
    if batch.grad_weights[layer] is None:
        return None
    n = len(batch.sample_indices)
    node_value = np.ones(n) if param.is_bias else np.asarray(batch.node_values[layer - 1][:, param.i])
    gradient = param.value(batch.grad_weights, batch.grad_biases)
    weight = param.value(batch.weights, batch.biases)
    loss_slope = np.asarray(batch.loss_slopes[layer][:, j])
    activation_slope = np.asarray(batch.activation_slopes[layer][:, j])
    with np.errstate(all="ignore"):  # non-finite values (a diverging run) must not warn
        product = node_value * loss_slope * activation_slope
        mean = float(np.mean(product))
        update = optimizer.explain(param, weight, gradient, batch.optimizer_state)
    relu_like = activation in ("relu", "leaky_relu")
    at_zero = (batch.pre_activations[layer][:, j] == 0) if relu_like else np.zeros(n, dtype=bool)
    return WeightBreakdown(
        param=param, sample_indices=batch.sample_indices,
        node_value=node_value, loss_slope=loss_slope, activation_slope=activation_slope,
        product=product, mean=mean, gradient=gradient,
        weight=weight, update=update,
        at_zero=np.asarray(at_zero), slopes_combined=ACTIVATIONS[activation].combined_with_loss,
    )


def loss_slope_assembly(batch: BatchView, layer: int, node: int) -> LossSlopeAssembly | None:
    """The sum that gave the loss slope at hidden node ``node`` of ``layer``.

    None for the output layer (its loss slope comes from the loss itself) and
    until the backward phase of ``layer`` is done.
    """
    depth = len(batch.node_values) - 1
    if layer >= depth or batch.loss_slopes[layer] is None:
        return None
    next_loss_slope = np.asarray(batch.loss_slopes[layer + 1])
    next_activation_slope = np.asarray(batch.activation_slopes[layer + 1])
    weight = np.asarray(batch.weights[layer + 1][node, :])
    with np.errstate(all="ignore"):
        product = next_loss_slope * next_activation_slope * weight
    return LossSlopeAssembly(
        layer=layer, node=node, next_loss_slope=next_loss_slope,
        next_activation_slope=next_activation_slope, weight=weight, product=product,
        loss_slope=np.asarray(batch.loss_slopes[layer][:, node]),
    )
