"""One entry's update, explained with its numbers (contract section 5's arithmetic).

``explain_update`` lists, as ``Equation`` lines, each quantity the optimizer
forms on the way to the new value: the decayed gradient (or AdamW's decayed
weight), the velocity, Adam's m and s with their bias corrections, the step.
The new value itself comes from ``update_rules.apply`` run on the one entry,
so it is bit for bit the value training applies; the quantities before it
are the same formulas on the same numbers.  Numbers stay floats: the
breakdown pane and ``bp-tui explain`` format them with their own digits.
"""

from __future__ import annotations

import math

import numpy as np

from .optimizers import Equation, Term
from .training_settings import OptimizerSettings
from .update_rules import SLOTS, apply

_G = "gradient"  # the batch gradient's name, as in the breakdown above the update


def explain_update(w: float, g: float, before: dict[str, float], t: int, lr: float,
                   o: OptimizerSettings, symbol: str = "w", frozen: bool = False) -> tuple[Equation, ...]:
    """The equations of entry ``w``'s update, its gradient ``g`` and optimizer state
    ``before`` (by slot name); ``t`` this update's number (from 1); ``symbol`` w or b."""
    new_symbol = f"new {symbol}"
    if frozen:
        return (Equation((Term(symbol, w), " (frozen: its gradient is not applied)"), Term(new_symbol, w)),)
    state = tuple(np.array(before.get(slot, 0.0)) for slot in SLOTS[o.name])
    new, after = apply(np.array(w), np.array(g), state, t, lr, o)
    after_by_slot = {slot: float(x) for slot, x in zip(SLOTS[o.name], after)}
    lines: list[Equation] = []
    w_term, g_term = Term(symbol, w), Term(_G, g)
    if o.weight_decay and o.name == "adamw":
        shrunk = w * (1 - lr * o.weight_decay)
        lines.append(Equation((w_term, " × (1 − ", Term("learning_rate", lr), " × ",
                               Term("weight_decay", o.weight_decay), ")"), Term(symbol, shrunk)))
        w_term = Term(symbol, shrunk)
    elif o.weight_decay:
        decayed = float(np.float64(w) * o.weight_decay + np.float64(g))
        lines.append(Equation((g_term, " + ", Term("weight_decay", o.weight_decay), " × ", w_term),
                              Term("g", decayed)))
        g_term = Term("g", decayed)
    if o.name == "sgd":  # one line, as on the slides
        lines.append(Equation((w_term, " − ", Term("learning_rate", lr), " × ", g_term), Term(new_symbol, float(new))))
        return tuple(lines)
    step = _RULES[o.name](lines, g_term, before, after_by_slot, t, lr, o)
    lines.append(Equation((w_term, " − ", step), Term(new_symbol, float(new))))
    return tuple(lines)


def _velocity(lines, g, before, after, t, o) -> Term:
    v = Term("v", after["v"])
    if t == 1:
        lines.append(Equation((g, " (the first update)"), v))
    else:
        lines.append(Equation((Term("momentum", o.momentum), " × ", Term("v", before.get("v", 0.0)), " + ", g), v))
    return v


def _momentum(lines, g, before, after, t, lr, o) -> Term:
    v = _velocity(lines, g, before, after, t, o)
    lines.append(Equation((Term("learning_rate", lr), " × ", v), Term("step", lr * v.value)))
    return lines[-1].result


def _nesterov(lines, g, before, after, t, lr, o) -> Term:
    v = _velocity(lines, g, before, after, t, o)
    lines.append(Equation((Term("learning_rate", lr), " × (", g, " + ", Term("momentum", o.momentum), " × ", v, ")"),
                          Term("step", lr * (g.value + o.momentum * v.value))))
    return lines[-1].result


def _rmsprop(lines, g, before, after, t, lr, o) -> Term:
    alpha = Term("alpha", o.alpha)
    s = Term("s", after["s"])
    lines.append(Equation((alpha, " × ", Term("s", before.get("s", 0.0)), " + (1 − ", alpha, ") × ", g, "²"), s))
    lines.append(Equation((Term("learning_rate", lr), " × ", g, " / (√", s, " + ", Term("eps", o.eps), ")"),
                          Term("step", lr * g.value / (math.sqrt(s.value) + o.eps))))
    return lines[-1].result


def _adam(lines, g, before, after, t, lr, o) -> Term:
    beta1, beta2 = Term("beta1", o.beta1), Term("beta2", o.beta2)
    m, s = Term("m", after["m"]), Term("s", after["s"])
    m_hat = Term("m̂", m.value / (1 - o.beta1**t))
    s_hat = Term("ŝ", s.value / (1 - o.beta2**t))
    lines += [
        Equation((beta1, " × ", Term("m", before.get("m", 0.0)), " + (1 − ", beta1, ") × ", g), m),
        Equation((beta2, " × ", Term("s", before.get("s", 0.0)), " + (1 − ", beta2, ") × ", g, "²"), s),
        Equation((m, " / (1 − ", beta1, f"^{t})"), m_hat),
        Equation((s, " / (1 − ", beta2, f"^{t})"), s_hat),
        Equation((Term("learning_rate", lr), " × ", m_hat, " / (√", s_hat, " + ", Term("eps", o.eps), ")"),
                 Term("step", lr * m_hat.value / (math.sqrt(s_hat.value) + o.eps))),
    ]
    return lines[-1].result


_RULES = {"momentum": _momentum, "nesterov": _nesterov, "rmsprop": _rmsprop,
          "adam": _adam, "adamw": _adam}
