"""One sentence per phase, in the slides' words, for a teacher to read out.

``narrate`` looks at the phase just done and says what it computed at one
node, with the numbers: "go back one layer: the slope of the loss at hidden
node 1 is 6 × 1 × 2 = 12".  The node followed is the one the selected
weight touches in that layer (so a presenter steers the story by selecting
a weight), else node 0.  The ``equation`` is the sentence's arithmetic alone,
for a large display.  Numbers are rounded to 4 significant digits: this is
spoken, not checked (``bp-tui explain`` has every digit).
"""

from __future__ import annotations

from dataclasses import dataclass

from .breakdown import loss_slope_assembly, weight_breakdown
from .params import Param
from .state import BACKWARD, FORWARD, BatchView, SessionState

MAX_TERMS = 4  # longer sums are said as their result only


@dataclass(frozen=True)
class Narration:
    sentence: str
    equation: str  # the arithmetic of the sentence ("" when there is none)


def say(x: float) -> str:
    """A number as read out: ``7``, ``0.94``, ``−0.3333``."""
    text = f"{float(x):.4g}"
    if text in ("-0", "nan", "inf", "-inf"):
        text = {"-0": "0", "nan": "NaN", "inf": "infinity", "-inf": "−infinity"}[text]
    return text.replace("-", "−")


def _factor(x: float) -> str:
    text = say(x)
    return f"({text})" if text.startswith("−") else text


def _times(*xs: float) -> str:
    return " × ".join(_factor(x) for x in xs)


def _focus(layer: int, sel: Param, nodes: int) -> int:
    """The node of ``layer`` the selected weight touches, else 0."""
    if sel.layer == layer and sel.j is not None:
        return min(sel.j, nodes - 1)
    if sel.layer == layer + 1 and sel.i is not None:
        return min(sel.i, nodes - 1)
    return 0


def narrate(state: SessionState, selection: Param, sample: int = 0) -> Narration:
    """The sentence for ``state.last_phase``, following the selected weight or bias ``selection``."""
    phase = state.last_phase
    if phase is None:
        return Narration("Ready: press f and the forward pass starts at the input layer.", "")
    if phase.kind == FORWARD and phase.layer is not None:
        return _forward(state, state.current, phase.layer, selection, sample)
    if phase.kind == BACKWARD and phase.layer is not None:
        return _backward(state, state.current, phase.layer, selection, sample)
    return _update(state, state.applied, selection)


def _sample_note(batch: BatchView, s: int) -> str:
    return "" if len(batch.sample_indices) == 1 else f" (sample #{batch.sample_indices[s]})"


def _sum(batch: BatchView, layer: int, s: int, j: int) -> str:
    prev, W, b = batch.node_values[layer - 1][s], batch.weights[layer], batch.biases[layer]
    z = batch.pre_activations[layer][s, j]
    terms = [_times(prev[i], W[i, j]) for i in range(len(prev))] + ([] if b is None else [_factor(b[j])])
    if len(terms) > MAX_TERMS:
        return say(z)
    return f"{' + '.join(terms)} = {say(z)}"


def _forward(state: SessionState, batch: BatchView, layer: int, sel: Param, sample: int) -> Narration:
    s = min(sample, len(batch.sample_indices) - 1)
    j = _focus(layer, sel, state.layers[layer])
    total = _sum(batch, layer, s, j)
    note = _sample_note(batch, s)
    if layer < state.depth:
        act, a = state.activations[layer], batch.node_values[layer][s, j]
        joined = ", " if "=" in total else " to "
        return Narration(f"forward, layer {layer}: hidden node {j} adds up the node values times the weights"
                         f"{joined}{total}, and {act} makes it {say(a)}{note}", total)
    p, t = batch.node_values[layer][s, j], batch.targets[s, j]
    act = state.activations[layer]
    where = "" if state.layers[layer] == 1 else f" at output node {j}"
    made = (f"the prediction{where} is {total}" if act == "identity" else
            f"output node {j} adds up to {total} and {act} makes the prediction {say(p)}")
    return Narration(f"forward, the output: {made}; the error is {say(p)} − {_factor(t)} = "
                     f"{say(p - t)} and the loss is {say(batch.batch_loss or 0.0)}{note}", total)


def _backward(state: SessionState, batch: BatchView, layer: int, sel: Param, sample: int) -> Narration:
    s = min(sample, len(batch.sample_indices) - 1)
    j = _focus(layer, sel, state.layers[layer])
    note = _sample_note(batch, s)
    slope = batch.loss_slopes[layer][s, j]
    if layer == state.depth:
        p, t = batch.node_values[layer][s, j], batch.targets[s, j]
        if state.loss == "mse" and state.layers[layer] == 1:
            how = f"2 × {_factor(p - t)} = {say(slope)}"
        elif state.loss == "cross_entropy":
            how = f"p − t = {say(p)} − {_factor(t)} = {say(slope)}"
        else:
            how = say(slope)
        where = "the output" if state.layers[layer] == 1 else f"output node {j}"
        grad = _gradient(state, batch, layer, sel, j, s)
        return Narration(f"backward, the output: the slope of the loss at {where} is {how}{grad[0]}{note}",
                         grad[1] or how)
    asm = loss_slope_assembly(batch, layer, j)
    assert asm is not None  # this layer's backward phase is done
    width = asm.weight.shape[0]
    if width > MAX_TERMS:
        how = say(slope)
    else:
        how = " + ".join(_times(asm.next_loss_slope[s, k], asm.next_activation_slope[s, k], asm.weight[k])
                         for k in range(width)) + f" = {say(slope)}"
    return Narration(f"go back one layer: the slope of the loss at hidden node {j} is {how}{note}", how)


def _gradient(state: SessionState, batch: BatchView, layer: int, sel: Param, j: int, s: int) -> tuple[str, str]:
    """'; the gradient of W2[1,0] is 3 × 6 × 1 = 18' for the selected weight, if it is in ``layer``."""
    if sel.layer != layer or sel.is_whole:
        return "", ""
    bd = weight_breakdown(batch, sel, state.activations[layer], state.optimizer)
    assert bd is not None
    product = f"{_times(bd.node_value[s], bd.loss_slope[s], bd.activation_slope[s])} = {say(bd.product[s])}"
    n = len(bd.sample_indices)
    mean = "" if n == 1 else f", and over the batch's {n} samples the mean is {say(bd.gradient)}"
    return f"; the gradient of {sel.name} is {product}{mean}", product


def _update(state: SessionState, batch: BatchView | None, sel: Param) -> Narration:
    """The selected entry's step, as the optimizer accounts for it (its last line: the new value)."""
    bd = None
    if batch is not None and not sel.is_whole:
        bd = weight_breakdown(batch, sel, state.activations[sel.layer], state.optimizer)
    if bd is None:
        return Narration("update: every weight moves by the learning rate times its gradient.", "")
    how = bd.update.equations[-1].numbers(show=say)
    if bd.update.optimizer == "sgd":
        return Narration(f"update: every weight moves against its gradient, {sel.name} = {how}", how)
    return Narration(f"update ({bd.update.optimizer}): {sel.name} moves, {how}", how)
