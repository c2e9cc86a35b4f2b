"""One update of training as a Markdown worked example (``bp-tui explain``).

In the manner of Matt Mazur's step-by-step backpropagation post: the batch,
the forward pass layer by layer, the prediction, error and loss, the backward
pass layer by layer ("go back one layer at a time"), every weight's gradient
as the slides' product (node value × loss slope × activation slope, per
sample, then the mean), and every weight's update, all with their numbers.

Nothing is recomputed here: every number is read from the engine's records
of the update (``BatchView`` and the ``breakdown`` queries), so the document
shows exactly what training did.  Pure text, no I/O: the CLI prints it, the
app saves or copies it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .breakdown import loss_slope_assembly
from .explain_math import (
    EXPAND_TERMS,
    LOSS_FORMULAS,
    OUTPUT_SLOPE_FORMULAS,
    activation_slope,
    activation_value,
    factor,
    num,
    output_slope,
    product,
    sample_loss,
    total,
)
from .explain_update import gradient_lines, update_lines
from .fields import ScenarioError
from .optimizers import Optimizer, optimizer_for
from .params import Param, ParamNameError, all_params
from .scenario import Scenario
from .session import TrainingSession
from .state import BatchView

ROW_LIMIT = 2000  # rows per table before "... n more" (a 784-input network has 100k weights)



def parse_parameters(name: str, scenario: Scenario, option: str = "--weight") -> list[Param]:
    """``W2[1,0]`` or ``b2[0]`` (one entry), ``W2`` or ``b2`` (all its entries); else a user error of ``option``."""
    try:
        param = Param.parse(name, scenario.layers, scenario.bias)
    except ParamNameError as error:
        raise ScenarioError(scenario.path, option, str(error)) from None
    if not param.is_whole:
        return [param]
    return [p for p in all_params(scenario.layers, scenario.bias) if p.parameter == param]


def explain_update(scenario: Scenario, update: int = 1, weight: str | None = None) -> str:
    """The worked example of update number ``update`` (from 1), trained from the start."""
    params = None if weight is None else parse_parameters(weight, scenario)
    session = TrainingSession(scenario)
    last = session.schedule.total_updates
    if not 1 <= update <= last:
        raise ScenarioError(scenario.path, "--update",
                            f"update {update} does not exist: this scenario has updates 1..{last}")
    session.run_updates(update)
    assert session.applied is not None
    return explain_batch(scenario, session.applied.view(), update, params, session.optimizer)


def explain_batch(scenario: Scenario, batch: BatchView, step: int, params: list[Param] | None = None,
                  optimizer: Optimizer | None = None) -> str:
    """The document for a finished update (``batch.weights_after`` set); ``params`` limits its last parts.

    ``optimizer`` explains the update (its state before it is the batch's
    ``optimizer_state``): the session's, or the scenario's own by default.
    """
    optimizer = optimizer or optimizer_for(scenario)
    return "\n".join(_document(scenario, batch, step, params, optimizer)) + "\n"


def _naming_example(layers, bias: bool) -> str:
    """How parameters are named, on one this network has (a 1-1 net has no W2, a net without biases no b)."""
    last, i = len(layers) - 1, min(1, layers[-2] - 1)
    text = f"`W{last}[{i},0]` is the weight from node {i} of layer {last - 1} to node 0 of layer {last}"
    return text + (f", `b{last}[0]` the bias of node 0 of layer {last}" if bias else "")


def _document(s: Scenario, batch: BatchView, step: int, params: list[Param] | None,
              optimizer: Optimizer) -> Iterator[str]:
    depth = len(s.layers) - 1
    yield f"# Backpropagation, one update worked through: {s.title}"
    yield ""
    yield (f"Update {step} (epoch {batch.epoch}, batch {batch.batch}) of the scenario `{s.path}`: "
           f"a network with layers {' → '.join(map(str, s.layers))} (input first), activations "
           f"{', '.join(s.activations)}, loss `{s.loss}`, learning rate ${num(s.learning_rate)}$"
           f"{'' if s.bias else ', no biases'}. Layer 0 is the input; {_naming_example(s.layers, s.bias)}.")
    yield from _batch(batch)
    yield from _weights_before(s, batch)
    yield from _forward(s, batch, depth)
    yield from _loss(s, batch, depth)
    yield from _backward(s, batch, depth)
    if params is None:  # the output layer's first: the order backpropagation finds them
        params = sorted(all_params(s.layers, s.bias), key=lambda p: -p.layer)
    yield from gradient_lines(s, batch, params, optimizer, _limited)
    yield from update_lines(s, batch, sorted(params), optimizer, _limited)


def _limited(rows: Iterator[str], count: int) -> Iterator[str]:
    """At most ``ROW_LIMIT`` table rows, then a line saying how many were left out."""
    for k, row in enumerate(rows):
        if k == ROW_LIMIT:
            yield ""
            yield (f"… {count - ROW_LIMIT} more rows left out (use `--weight NAME` for one parameter's "
                   "numbers).")
            return
        yield row


def _vector(values) -> str:
    return "(" + ", ".join(num(v) for v in values) + ")"


def _batch(batch: BatchView) -> Iterator[str]:
    n = len(batch.sample_indices)
    yield ""
    yield "## The batch"
    yield ""
    yield (f"{n} sample{'s' if n != 1 else ''} (numbered by their row in the data, from 0). "
           "Inputs $x$ are the node values of layer 0; targets $t$ are what the output should be.")
    yield ""
    yield "| sample | inputs $x$ | targets $t$ |"
    yield "|---|---|---|"
    rows = (f"| #{index} | ${_vector(batch.node_values[0][s])}$ | ${_vector(batch.targets[s])}$ |"
            for s, index in enumerate(batch.sample_indices))
    yield from _limited(rows, n)


def _weights_before(s: Scenario, batch: BatchView) -> Iterator[str]:
    yield ""
    yield "## The weights before the update"
    yield ""
    yield "Row $i$, column $j$ of `Wl` is the weight from node $i$ of layer $l-1$ to node $j$ of layer $l$."
    for layer in range(1, len(s.layers)):
        W = batch.weights[layer]
        yield ""
        yield f"`W{layer}`: " + ", ".join(f"row {i}: ${_vector(W[i])}$" for i in range(min(len(W), ROW_LIMIT)))
        if batch.biases[layer] is not None:
            yield ""
            yield f"`b{layer}`: ${_vector(batch.biases[layer])}$"


def _pre_activation(batch: BatchView, layer: int, s: int, j: int) -> str:
    prev = batch.node_values[layer - 1][s]
    W, b = batch.weights[layer], batch.biases[layer]
    z = batch.pre_activations[layer][s, j]
    if len(prev) > EXPAND_TERMS:
        return f"z = {num(z)}"
    terms = [product(prev[i], W[i, j]) for i in range(len(prev))]
    if b is not None:
        terms.append(factor(b[j]))
    return f"z = {total(terms)} = {num(z)}"


def _forward(s: Scenario, batch: BatchView, depth: int) -> Iterator[str]:
    yield ""
    yield "## Forward pass"
    for layer in range(1, depth + 1):
        act = s.activations[layer - 1]
        yield ""
        yield f"### Layer {layer} ({act}{', the output' if layer == depth else ''})"
        yield ""
        yield (f"Each node of layer {layer} adds up the node values of layer {layer - 1} times the weights "
               f"into it{' plus its bias' if s.bias else ''} (its pre-activation $z$), then its activation "
               f"({act}) gives its node value $a$.")
        yield ""
        yield "| sample | node | pre-activation $z$ | node value $a$ |"
        yield "|---|---|---|---|"
        n, nodes = len(batch.sample_indices), s.layers[layer]
        rows = (f"| #{batch.sample_indices[k]} | {j} | ${_pre_activation(batch, layer, k, j)}$ | "
                f"$a = {activation_value(act, batch.pre_activations[layer][k, j], batch.node_values[layer][k, j])}$ |"
                for k in range(n) for j in range(nodes))
        yield from _limited(rows, n * nodes)


def _loss(s: Scenario, batch: BatchView, depth: int) -> Iterator[str]:
    P, T = batch.node_values[depth], batch.targets
    losses, batch_loss = batch.sample_loss, batch.batch_loss
    assert losses is not None and batch_loss is not None  # the forward pass is done
    n = len(batch.sample_indices)
    yield ""
    yield "## Prediction, error and loss"
    yield ""
    yield ("The prediction $p$ is the output layer's node values; the error is prediction − target. "
           f"Each sample's loss (`{s.loss}`) is ${LOSS_FORMULAS[s.loss]}$ over its $m = {P.shape[1]}$ "
           "output node(s); the batch loss is the mean over the batch's samples.")
    yield ""
    yield "| sample | node | prediction $p$ | target $t$ | error $p - t$ |"
    yield "|---|---|---|---|---|"
    rows = (f"| #{batch.sample_indices[k]} | {j} | ${num(P[k, j])}$ | ${num(T[k, j])}$ | "
            f"${num(P[k, j])} - {factor(T[k, j])} = {num(P[k, j] - T[k, j])}$ |"
            for k in range(n) for j in range(P.shape[1]))
    yield from _limited(rows, n * P.shape[1])
    yield ""
    yield "| sample | loss $L$ |"
    yield "|---|---|"
    rows = (f"| #{batch.sample_indices[k]} | ${sample_loss(s.loss, list(P[k]), list(T[k]), losses[k])}$ |"
            for k in range(n))
    yield from _limited(rows, n)
    yield ""
    terms = " + ".join(factor(v) for v in losses) if n <= EXPAND_TERMS else f"\\text{{{n} losses}}"
    mean = num(batch_loss)
    yield (f"Batch loss: ${mean}$." if n == 1 else
           f"Batch loss: $\\frac{{1}}{{{n}}}({terms}) = {mean}$.")


def _backward(s: Scenario, batch: BatchView, depth: int) -> Iterator[str]:
    yield ""
    yield "## Backward pass"
    yield ""
    yield ("Go back one layer at a time. At each node, per sample: the **loss slope** (the slope of the "
           "sample's loss w.r.t. the node's value) and the **activation slope** (the slope of the "
           "node's activation at its pre-activation).")
    n = len(batch.sample_indices)
    for layer in range(depth, 0, -1):
        act, nodes = s.activations[layer - 1], s.layers[layer]
        yield ""
        if layer == depth:
            yield f"### Layer {layer}: the output"
            yield ""
            if act == "softmax":
                yield ("Softmax with cross-entropy: the loss slope and the activation slope are taken "
                       f"together, ${OUTPUT_SLOPE_FORMULAS['cross_entropy']}$ (the loss slope column holds "
                       "$p - t$ and the activation slope is 1).")
            else:
                yield f"The loss slope comes straight from the loss: ${OUTPUT_SLOPE_FORMULAS[s.loss]}$."
            rows = (_output_row(s, batch, layer, k, j) for k in range(n) for j in range(nodes))
        else:
            yield f"### Layer {layer}: go back one layer"
            yield ""
            yield (f"The loss slope at node $i$ of layer {layer} is the sum over the nodes $k$ of layer "
                   f"{layer + 1} of loss slope at $k$ × activation slope at $k$ × weight from $i$ to $k$.")
            rows = (_hidden_row(s, batch, layer, k, j) for k in range(n) for j in range(nodes))
        yield ""
        yield "| sample | node | loss slope | activation slope |"
        yield "|---|---|---|---|"
        yield from _limited(rows, n * nodes)


def _output_row(s: Scenario, batch: BatchView, layer: int, k: int, j: int) -> str:
    P, T = batch.node_values[layer], batch.targets
    slope = batch.loss_slopes[layer][k, j]
    act = s.activations[layer - 1]
    z, a = batch.pre_activations[layer][k, j], P[k, j]
    return (f"| #{batch.sample_indices[k]} | {j} | ${output_slope(s.loss, P[k, j], T[k, j], P.shape[1], slope)}$ | "
            f"${activation_slope(act, z, a, batch.activation_slopes[layer][k, j])}$ |")


def _hidden_row(s: Scenario, batch: BatchView, layer: int, k: int, j: int) -> str:
    asm = loss_slope_assembly(batch, layer, j)
    assert asm is not None  # the backward pass of this batch is complete
    width = asm.weight.shape[0]
    if width > EXPAND_TERMS:
        slope = num(asm.loss_slope[k])
    else:
        slope = total([product(asm.next_loss_slope[k, m], asm.next_activation_slope[k, m], asm.weight[m])
                       for m in range(width)]) + f" = {num(asm.loss_slope[k])}"
    act = s.activations[layer - 1]
    z, a = batch.pre_activations[layer][k, j], batch.node_values[layer][k, j]
    return (f"| #{batch.sample_indices[k]} | {j} | ${slope}$ | "
            f"${activation_slope(act, z, a, batch.activation_slopes[layer][k, j])}$ |")
