"""The update rules of contract section 5 (PyTorch's ``torch.optim``), one parameter at a time.

Each rule takes a parameter ``w``, its batch gradient ``g`` (before weight
decay), its optimizer state (a tuple of arrays shaped like ``w``: ``()`` for
sgd, ``(v,)`` for momentum and nesterov, ``(s,)`` for rmsprop, ``(m, s)``
for adam and adamw; all zero before the first update) and ``t``, the
parameter's update count from 1.  It returns the new parameter and the new
state as NEW arrays, never writing into its inputs: a checkpoint or a screen
may still hold them, which is what makes time travel exact.

The same code runs on whole arrays (training) and on NumPy scalars (the numbers
of one entry shown in the breakdown), so an entry's explained update is
bit for bit the update training applied.  Operations follow torch's order
where it costs nothing (e.g. Adam's ``√s / √(1 − β₂ᵗ) + eps``).
"""

from __future__ import annotations

import math

import numpy as np

from .training_settings import OptimizerSettings

#: A whole parameter, or one entry of it as a NumPy scalar (the breakdown's numbers).
Values = np.ndarray | np.floating

#: The state each optimizer keeps per parameter, by slot name.
SLOTS = {"sgd": (), "momentum": ("v",), "nesterov": ("v",), "rmsprop": ("s",), "adam": ("m", "s"), "adamw": ("m", "s")}


def decayed_gradient(w: Values, g: Values, o: OptimizerSettings) -> Values:
    """``g + weight_decay · w`` (all but adamw), else ``g`` itself (not copied: never written)."""
    if o.weight_decay == 0 or o.name == "adamw":
        return g
    d = w * o.weight_decay
    d += g
    return d


def apply(w: Values, g: Values, state: tuple, t: int, lr: float, o: OptimizerSettings) -> tuple:
    """``(new w, new state)`` for one parameter; see the module docstring."""
    return _RULES[o.name](w, decayed_gradient(w, g, o), state, t, lr, o)


def _sgd(w, g, state, t, lr, o):
    new = g * -lr
    new += w
    return new, ()


def _velocity(g, state, t, o):
    """``v ← g`` at t = 1, else ``momentum · v + g`` (torch's buffer, dampening 0)."""
    if t == 1:
        return g
    v = state[0] * o.momentum
    v += g
    return v


def _momentum(w, g, state, t, lr, o):
    v = _velocity(g, state, t, o)
    new = v * -lr
    new += w
    return new, (v,)


def _nesterov(w, g, state, t, lr, o):
    v = _velocity(g, state, t, o)
    step = v * o.momentum
    step += g
    step *= -lr
    step += w
    return step, (v,)


def _rmsprop(w, g, state, t, lr, o):
    s = state[0] * o.alpha
    gg = g * g
    gg *= 1 - o.alpha
    s += gg
    denom = np.sqrt(s)
    denom += o.eps
    new = g / denom
    new *= -lr
    new += w
    return new, (s,)


def _adam(w, g, state, t, lr, o):
    if o.name == "adamw" and o.weight_decay:
        w = w * (1 - lr * o.weight_decay)
    m = state[0] * o.beta1
    m += (1 - o.beta1) * g
    s = state[1] * o.beta2
    gg = g * g
    gg *= 1 - o.beta2
    s += gg
    denom = np.sqrt(s)
    denom /= math.sqrt(1 - o.beta2**t)
    denom += o.eps
    new = m / denom
    new *= -(lr / (1 - o.beta1**t))
    new += w
    return new, (m, s)


_RULES = {"sgd": _sgd, "momentum": _momentum, "nesterov": _nesterov, "rmsprop": _rmsprop,
          "adam": _adam, "adamw": _adam}


def initial_state(w: np.ndarray, o: OptimizerSettings) -> tuple:
    """All zero before the first update (one shared read-only zero array per parameter)."""
    if not SLOTS[o.name]:
        return ()
    zero = np.zeros_like(w)
    zero.flags.writeable = False
    return (zero,) * len(SLOTS[o.name])
