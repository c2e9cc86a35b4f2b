"""One entry's update, explained with its numbers (contract section 5's arithmetic).

``explain_update`` runs the optimizer's rule (``update_rules.apply``) on the
single entry's numbers, so the new value it shows is bit for bit the one
training applies, and lists each quantity the rule formed on the way: the
decayed gradient, the velocity, Adam's m and s with their bias corrections,
the step.  Numbers stay floats: the breakdown pane and ``bp-tui explain``
format them with their own digits (``Step.render``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .training_settings import OptimizerSettings
from .update_rules import SLOTS, apply


@dataclass(frozen=True)
class Step:
    """``symbol = formula = numbers = value``, e.g. ``v = momentum·v + g = 0.9 × 2 + 1.6 = 3.4``."""

    symbol: str
    formula: str
    template: str  # the formula with ``{}`` where each operand goes
    operands: tuple[float, ...]
    value: float

    def render(self, fmt: Callable[[float], str] = repr) -> str:
        numbers = self.template.format(*(fmt(x) for x in self.operands))
        return f"{self.symbol} = {self.formula} = {numbers} = {fmt(self.value)}"


@dataclass(frozen=True)
class UpdateExplanation:
    """How one weight or bias entry moved (or will move) in one update."""

    optimizer: str
    t: int  # the parameter's update count, from 1
    weight: float  # before the update
    gradient: float  # the batch gradient (before weight decay)
    new_weight: float
    frozen: bool
    steps: tuple[Step, ...]
    state_after: dict[str, float]  # e.g. {"m": ..., "s": ...}: what the watch panel can pin

    def lines(self, fmt: Callable[[float], str] = repr) -> list[str]:
        """One line per step; a frozen entry says so."""
        if self.frozen:
            return [f"frozen: w stays {fmt(self.weight)} (its gradient {fmt(self.gradient)} is not applied)"]
        return [step.render(fmt) for step in self.steps]


def explain_update(w: float, g: float, state: dict[str, float], t: int, lr: float,
                   o: OptimizerSettings, frozen: bool = False) -> UpdateExplanation:
    """Entry ``w`` with gradient ``g`` and optimizer state ``state`` (before this update, by slot)."""
    before = tuple(np.float64(state.get(slot, 0.0)) for slot in SLOTS[o.name])
    if frozen:
        return UpdateExplanation(o.name, t, float(w), float(g), float(w), True, (),
                                 {slot: float(x) for slot, x in zip(SLOTS[o.name], before)})
    new, after = apply(np.float64(w), np.float64(g), before, t, lr, o)
    after_by_slot = {slot: float(x) for slot, x in zip(SLOTS[o.name], after)}
    steps = _decay_steps(float(w), float(g), lr, o)
    grad = steps[-1].value if steps and o.name != "adamw" else float(g)
    steps += _RULE_STEPS[o.name](dict(zip(SLOTS[o.name], map(float, before))), after_by_slot, grad, t, lr, o)
    w_seen = steps[0].value if o.name == "adamw" and o.weight_decay else float(w)
    moved = steps[-1]
    steps.append(Step("new w", f"w − {moved.symbol}", "{} − {}", (w_seen, moved.value), float(new)))
    return UpdateExplanation(o.name, t, float(w), float(g), float(new), False, tuple(steps), after_by_slot)


def _decay_steps(w: float, g: float, lr: float, o: OptimizerSettings) -> list[Step]:
    if not o.weight_decay:
        return []
    if o.name == "adamw":
        value = w * (1 - lr * o.weight_decay)
        return [Step("w", "w · (1 − learning_rate · weight_decay)", "{} × (1 − {} × {})",
                     (w, lr, o.weight_decay), value)]
    return [Step("g", "gradient + weight_decay · w", "{} + {} × {}", (g, o.weight_decay, w),
                 float(np.float64(w) * o.weight_decay + np.float64(g)))]


def _sgd(before, after, g, t, lr, o):
    return [Step("step", "learning_rate · g", "{} × {}", (lr, g), lr * g)]


def _velocity(before, after, g, t, o):
    if t == 1:
        return Step("v", "g (first update)", "{}", (g,), after["v"])
    return Step("v", "momentum · v + g", "{} × {} + {}", (o.momentum, before["v"], g), after["v"])


def _momentum(before, after, g, t, lr, o):
    v = _velocity(before, after, g, t, o)
    return [v, Step("step", "learning_rate · v", "{} × {}", (lr, v.value), lr * v.value)]


def _nesterov(before, after, g, t, lr, o):
    v = _velocity(before, after, g, t, o)
    step = lr * (g + o.momentum * v.value)
    return [v, Step("step", "learning_rate · (g + momentum · v)", "{} × ({} + {} × {})",
                    (lr, g, o.momentum, v.value), step)]


def _rmsprop(before, after, g, t, lr, o):
    s = after["s"]
    return [Step("s", "alpha · s + (1 − alpha) · g²", "{} × {} + (1 − {}) × {}²",
                 (o.alpha, before["s"], o.alpha, g), s),
            Step("step", "learning_rate · g / (√s + eps)", "{} × {} / (√{} + {})",
                 (lr, g, s, o.eps), lr * g / (np.sqrt(s) + o.eps))]


def _adam(before, after, g, t, lr, o):
    m, s = after["m"], after["s"]
    m_hat, s_hat = m / (1 - o.beta1**t), s / (1 - o.beta2**t)
    return [
        Step("m", "beta1 · m + (1 − beta1) · g", "{} × {} + (1 − {}) × {}", (o.beta1, before["m"], o.beta1, g), m),
        Step("s", "beta2 · s + (1 − beta2) · g²", "{} × {} + (1 − {}) × {}²", (o.beta2, before["s"], o.beta2, g), s),
        Step("m̂", f"m / (1 − beta1^{t})", f"{{}} / (1 − {{}}^{t})", (m, o.beta1), m_hat),
        Step("ŝ", f"s / (1 − beta2^{t})", f"{{}} / (1 − {{}}^{t})", (s, o.beta2), s_hat),
        Step("step", "learning_rate · m̂ / (√ŝ + eps)", "{} × {} / (√{} + {})",
             (lr, m_hat, s_hat, o.eps), lr * m_hat / (float(np.sqrt(s_hat)) + o.eps)),
    ]


_RULE_STEPS = {"sgd": _sgd, "momentum": _momentum, "nesterov": _nesterov, "rmsprop": _rmsprop,
               "adam": _adam, "adamw": _adam}
