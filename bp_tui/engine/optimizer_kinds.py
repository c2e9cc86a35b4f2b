"""The optimizers beyond plain SGD (contract section 5), one class each on the seam.

Each class is an ``optimizers.Optimizer``: its ``update`` is PyTorch's
``torch.optim`` rule for one parameter, and its ``explain`` lists the
quantities that rule forms for one entry, with their numbers (the velocity
and how it was formed; Adam's m, s, their corrections and the step).  The
new value an explanation ends with is ``update`` run on the entry alone, so
it is bit for bit the value training applies.

Operations follow torch's order where that costs nothing; Adam's step is
the same quantity in Kingma and Ba's cheaper order (a pass fewer over the
weights; it agrees with torch to round-off).  Every ``update`` writes its results into
``buf.out`` arrays and its temporaries into ``buf.scratch`` ones (see
``buffers``), never into its inputs: checkpoints and the screen may still
hold them.
Weight decay, hyperparameters and frozen parameters are the base class's
(``Optimizer.settings``, ``decayed``, ``step``).
"""

from __future__ import annotations

import math

import numpy as np

from .buffers import FRESH
from .optimizers import OPTIMIZERS, Equation, Optimizer, OptimizerState, Term, UpdateStep
from .params import Param


class _Stateful(Optimizer):
    """What the optimizers below share: the entry's numbers before and after, and the last lines."""

    def explain(self, param: Param, w: float, g: float, state: OptimizerState) -> UpdateStep:
        if param.parameter in self.frozen:
            return self.explain_frozen(param, w)
        before = {slot: state.value(slot, param) for slot in self.slots}
        t = state.updates + 1
        new, after = self.update(np.array(w), np.array(g), tuple(np.array(x) for x in before.values()), t)
        symbol = "b" if param.is_bias else "w"
        lines, w_term, g_term = self.decay_lines(symbol, w, g)
        step = self.steps(lines, g_term, before, dict(zip(self.slots, map(float, after))), t)
        lines.append(Equation((w_term, " − ", step), Term(f"new {symbol}", float(new))))
        return UpdateStep(param, self.name, tuple(lines))

    def steps(self, lines: list, g: Term, before: dict, after: dict, t: int) -> Term:
        """Append this rule's equations for one entry; return the step taken from w."""
        raise NotImplementedError

    def _lr(self) -> Term:
        return Term("learning_rate", self.learning_rate)


class Momentum(_Stateful):
    """Heavy-ball momentum: ``v ← momentum·v + g`` (``v ← g`` at t = 1), ``w ← w − lr·v``."""

    name = "momentum"
    slots = ("v",)

    def velocity(self, g, v, t, buf=FRESH):
        """PyTorch's momentum buffer (dampening 0); at t = 1 a copy of the gradient."""
        if t == 1:
            v = buf.out(g)
            v[...] = g  # g may be a scratch array (weight decay): the state must own its numbers
            return v
        v = np.multiply(v, self.settings.momentum, out=buf.out(g))
        v += g
        return v

    def update(self, w, g, slots, t, buf=FRESH):
        v = self.velocity(self.decayed(w, g, buf), slots[0], t, buf)
        new = np.multiply(v, -self.learning_rate, out=buf.out(w))
        new += w
        return new, (v,)

    def velocity_line(self, lines: list, g: Term, before: dict, after: dict, t: int) -> Term:
        v = Term("v", after["v"])
        if t == 1:
            lines.append(Equation((g, " (first update)"), v))
        else:
            lines.append(Equation((Term("momentum", self.settings.momentum), " × ", Term("v", before["v"]),
                                   " + ", g), v))
        return v

    def steps(self, lines, g, before, after, t):
        v = self.velocity_line(lines, g, before, after, t)
        lines.append(Equation((self._lr(), " × ", v), Term("step", self.learning_rate * v.value)))
        return lines[-1].result


class Nesterov(Momentum):
    """Nesterov momentum as PyTorch: v as for momentum, then ``w ← w − lr·(g + momentum·v)``."""

    name = "nesterov"

    def update(self, w, g, slots, t, buf=FRESH):
        g = self.decayed(w, g, buf)
        v = self.velocity(g, slots[0], t, buf)
        new = np.multiply(v, self.settings.momentum, out=buf.out(w))
        new += g
        new *= -self.learning_rate
        new += w
        return new, (v,)

    def steps(self, lines, g, before, after, t):
        v = self.velocity_line(lines, g, before, after, t)
        mu = self.settings.momentum
        lines.append(Equation((self._lr(), " × (", g, " + ", Term("momentum", mu), " × ", v, ")"),
                              Term("step", self.learning_rate * (g.value + mu * v.value))))
        return lines[-1].result


class RMSprop(_Stateful):
    """``s ← alpha·s + (1 − alpha)·g²``, ``w ← w − lr·g / (√s + eps)`` (not centred)."""

    name = "rmsprop"
    slots = ("s",)

    def update(self, w, g, slots, t, buf=FRESH):
        o, g = self.settings, self.decayed(w, g, buf)
        s = np.multiply(slots[0], o.alpha, out=buf.out(w))
        work = np.multiply(g, g, out=buf.scratch(w))
        work *= 1 - o.alpha
        s += work
        denom = np.sqrt(s, out=work)
        denom += o.eps
        step = np.divide(g, denom, out=work)
        step *= -self.learning_rate
        return np.add(step, w, out=buf.out(w)), (s,)

    def steps(self, lines, g, before, after, t):
        o = self.settings
        alpha, s = Term("alpha", o.alpha), Term("s", after["s"])
        lines.append(Equation((alpha, " × ", Term("s", before["s"]), " + (1 − ", alpha, ") × ", g, "²"), s))
        lines.append(Equation((self._lr(), " × ", g, " / (√", s, " + ", Term("eps", o.eps), ")"),
                              Term("step", self.learning_rate * g.value / (math.sqrt(s.value) + o.eps))))
        return lines[-1].result


class Adam(_Stateful):
    """m and s, running means of g and g², corrected for starting at zero; step ``lr·m̂ / (√ŝ + eps)``."""

    name = "adam"
    slots = ("m", "s")

    def update(self, w, g, slots, t, buf=FRESH):
        o, g = self.settings, self.decayed(w, g, buf)
        w = self.shrunk(w, buf)
        work = np.multiply(g, 1 - o.beta1, out=buf.scratch(w))
        m = np.multiply(slots[0], o.beta1, out=buf.out(w))
        m += work
        s = np.multiply(slots[1], o.beta2, out=buf.out(w))
        np.multiply(g, g, out=work)
        work *= 1 - o.beta2
        s += work
        # lr·m̂ / (√ŝ + eps) as Kingma and Ba's "more efficient order": lr·(√c2 / c1)·m / (√s + eps·√c2)
        # with c1, c2 = 1 − beta1^t, 1 − beta2^t; equal in exact arithmetic, one pass fewer.
        root_c2 = math.sqrt(1 - o.beta2**t)
        denom = np.sqrt(s, out=work)
        denom += o.eps * root_c2
        step = np.divide(m, denom, out=work)
        step *= -(self.learning_rate * root_c2 / (1 - o.beta1**t))
        return np.add(step, w, out=buf.out(w)), (m, s)

    def shrunk(self, w, buf):
        """Adam leaves w as it is before its step (AdamW decays it here)."""
        return w

    def steps(self, lines, g, before, after, t):
        o = self.settings
        beta1, beta2 = Term("beta1", o.beta1), Term("beta2", o.beta2)
        m, s = Term("m", after["m"]), Term("s", after["s"])
        m_hat, s_hat = Term("m̂", m.value / (1 - o.beta1**t)), Term("ŝ", s.value / (1 - o.beta2**t))
        lines += [
            Equation((beta1, " × ", Term("m", before["m"]), " + (1 − ", beta1, ") × ", g), m),
            Equation((beta2, " × ", Term("s", before["s"]), " + (1 − ", beta2, ") × ", g, "²"), s),
            Equation((m, " / (1 − ", beta1, f"^{t})"), m_hat),
            Equation((s, " / (1 − ", beta2, f"^{t})"), s_hat),
            Equation((self._lr(), " × ", m_hat, " / (√", s_hat, " + ", Term("eps", o.eps), ")"),
                     Term("step", self.learning_rate * m_hat.value / (math.sqrt(s_hat.value) + o.eps))),
        ]
        return lines[-1].result


class AdamW(Adam):
    """Adam with decoupled weight decay: ``w ← w·(1 − lr·weight_decay)`` first, then Adam's step."""

    name = "adamw"
    decoupled = True  # ``decayed`` leaves g alone; ``shrunk`` decays w

    def shrunk(self, w, buf):
        decay = self.settings.weight_decay
        return np.multiply(w, 1 - self.learning_rate * decay, out=buf.scratch(w, 2)) if decay else w


for _kind in (Momentum, Nesterov, RMSprop, Adam, AdamW):
    OPTIMIZERS[_kind.name] = _kind
