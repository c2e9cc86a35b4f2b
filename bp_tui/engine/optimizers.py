"""Optimizers: how the weights move once the batch's gradient is known.

The slides stop at stochastic gradient descent, ``w - learning_rate x
gradient``; other optimizers keep some state per parameter (momentum's
velocity, Adam's m and s) and use it in the step.  An ``Optimizer`` owns that
state and

- applies an update (``step``): new arrays for the weights and for its state,
  never writing into an array it was handed or has handed out, so the
  session's views and the timeline's checkpoints stay true (the new arrays
  are recycled ones nobody holds any more, and temporaries are scratch
  arrays: ``buffers``);
- hands its state out for checkpoints (``state``: an immutable
  ``OptimizerState``) and takes it back (``restore``), bit for bit;
- counts the bytes its state holds (``OptimizerState.nbytes``), for the
  timeline's memory budget;
- explains the update of one entry with its numbers (``explain``), for the
  breakdown: a few ``Equation`` lines, e.g. ``w − learning_rate × gradient =
  new w`` and ``1 − 0.01 × 6 = 0.94``.

A new optimizer is one subclass: its ``name``, its ``slots`` (the names of
its per-parameter state arrays), ``update`` (one parameter's step, on whole
arrays, writing where its ``buf`` says) and ``explain`` (one entry's step in words and numbers; computing
the new value through ``update`` keeps it the exact number applied).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .buffers import FRESH, Fresh, Recycler
from .flat_step import FLAT_MAX, FlatStep
from .params import Param, whole_params
from .training_settings import OptimizerSettings


@dataclass(frozen=True, eq=False)
class OptimizerState:
    """An optimizer's per-parameter state between two updates.

    ``updates`` is how many updates made it (``t`` of the last; 0 before the
    first).  ``arrays[k]`` holds parameter ``params[k]``'s state arrays, one
    per name in ``slots`` (read-only; empty for plain SGD).
    """

    updates: int
    params: tuple[Param, ...]
    slots: tuple[str, ...] = ()
    arrays: tuple[tuple[np.ndarray, ...], ...] = ()

    def value(self, slot: str, param: Param) -> float:
        """One entry's state, e.g. ``value("v", Param(2, 1, 0))``."""
        return float(self.array(slot, param.parameter)[param.index])

    def array(self, slot: str, param: Param) -> np.ndarray:
        """A whole parameter's state array (``param`` is e.g. ``W2``)."""
        return self.arrays[self.params.index(param)][self.slots.index(slot)]

    def all_arrays(self) -> Iterator[np.ndarray]:
        for per_param in self.arrays:
            yield from per_param

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.all_arrays())

    def __eq__(self, other: object) -> bool:
        """Bit for bit (NaN equals NaN): a restored state equals the one saved."""
        if not isinstance(other, OptimizerState):
            return NotImplemented
        mine, theirs = list(self.all_arrays()), list(other.all_arrays())
        return ((self.updates, self.params, self.slots) == (other.updates, other.params, other.slots)
                and len(mine) == len(theirs)
                and all(a.shape == b.shape and a.tobytes() == b.tobytes() for a, b in zip(mine, theirs)))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Term:
    """A named number in an update's arithmetic: ``learning_rate`` 0.01."""

    name: str
    value: float


@dataclass(frozen=True)
class Equation:
    """One line of an update: ``pieces`` (terms and operator text) ``= result``.

    ``formula`` reads ``w − learning_rate × gradient = new w``; a UI prints
    the same pieces with each term's number for the second line.
    """

    pieces: tuple[Term | str, ...]
    result: Term

    @property
    def formula(self) -> str:
        return "".join(p.name if isinstance(p, Term) else p for p in self.pieces) + f" = {self.result.name}"

    def numbers(self, show=repr) -> str:
        """The same line with numbers, each shown by ``show`` (a float formatter)."""
        shown = "".join(show(p.value) if isinstance(p, Term) else p for p in self.pieces)
        return f"{shown} = {show(self.result.value)}"


@dataclass(frozen=True)
class UpdateStep:
    """How one weight or bias entry moved (or will move) in one update."""

    param: Param
    optimizer: str  # its name, e.g. "sgd"
    equations: tuple[Equation, ...]  # in the order computed; the last gives the new value

    @property
    def new_value(self) -> float:
        return self.equations[-1].result.value


class Optimizer:
    """The base of every optimizer: the loop over parameters and the state's bookkeeping."""

    name: ClassVar[str] = ""
    slots: ClassVar[tuple[str, ...]] = ()  # names of the per-parameter state arrays
    decoupled: ClassVar[bool] = False  # AdamW: weight decay shrinks w, not added to g

    @classmethod
    def from_scenario(cls, scenario) -> Optimizer:
        """This optimizer with the scenario's settings (contract section 5)."""
        return cls(scenario.learning_rate, scenario.layers, scenario.bias, scenario.optimizer)

    def __init__(self, learning_rate: float, layers: Sequence[int], bias: bool,
                 settings: OptimizerSettings | None = None):
        self.learning_rate = learning_rate
        self.settings = settings if settings is not None else OptimizerSettings(name=self.name)
        self.frozen = frozenset(Param.parse(name) for name in self.settings.freeze)  # never move
        self.params = tuple(whole_params(layers, bias))  # W1, b1, W2, b2, ...
        self._shapes = tuple((layers[p.layer - 1], layers[p.layer]) if not p.is_bias else (layers[p.layer],)
                             for p in self.params)
        small = sum(int(np.prod(shape)) for shape in self._shapes) <= FLAT_MAX
        self._flat = FlatStep(self.params, self._shapes) if self.slots and small and not self.frozen else None
        self.reset()

    @property
    def hyperparameters(self) -> dict[str, float]:
        """Its settings by name, e.g. ``{"learning_rate": 0.01, "weight_decay": 0.0}``."""
        return {"learning_rate": self.learning_rate} | self.settings.hyperparameters()

    def __eq__(self, other: object) -> bool:
        """The same rule: same optimizer, same settings, same network (whatever its state)."""
        return (isinstance(other, Optimizer) and type(other) is type(self)
                and other.hyperparameters == self.hyperparameters and other.params == self.params
                and other.frozen == self.frozen)

    __hash__ = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- state
    def reset(self) -> None:
        """Every state array zero, no update made yet."""
        self._buffers = Recycler()  # the arrays it writes into (``buffers``)
        arrays = tuple(tuple(_read_only(np.zeros(shape)) for _ in self.slots) for shape in self._shapes)
        self.state = OptimizerState(0, self.params, self.slots, arrays if self.slots else ())

    def restore(self, state: OptimizerState) -> None:
        """Continue from ``state`` (taken from this optimizer's ``state`` earlier)."""
        self.state = state

    # ---------------------------------------------------------------- update
    def step(self, W: Sequence, b: Sequence, grad_W: Sequence, grad_b: Sequence) -> tuple[list, list]:
        """The weights and biases after one update (new arrays), indexed by layer like ``W``/``b``."""
        t = self.state.updates + 1
        if self._flat is not None:  # a small network: all its entries in one update (``flat_step``)
            flat_W, flat_b, per_param, vectors = self._flat.step(self, W, b, grad_W, grad_b, t)
            self.state = OptimizerState(t, self.params, self.slots, per_param)
            self._flat.remember(self.state, vectors)
            return flat_W, flat_b
        new_W: list = [None] * len(W)
        new_b: list = [None] * len(b)
        arrays = []
        for k, p in enumerate(self.params):
            before, gradient, out = (b, grad_b, new_b) if p.is_bias else (W, grad_W, new_W)
            slots = self.state.arrays[k] if self.slots else ()
            if p in self.frozen:  # its gradient was computed and shown; it does not move
                out[p.layer], new_slots = before[p.layer], slots
            else:
                out[p.layer], new_slots = self.update(before[p.layer], gradient[p.layer], slots, t, self._buffers)
            arrays.append(tuple(_read_only(a) for a in new_slots))
        self.state = OptimizerState(t, self.params, self.slots, tuple(arrays) if self.slots else ())
        return new_W, new_b

    def update(self, w: np.ndarray, g: np.ndarray, slots: tuple[np.ndarray, ...],
               t: int, buf: Fresh = FRESH) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """One parameter's step: ``(new w, new state arrays)``, never written into its inputs.

        ``w`` the parameter before, ``g`` its batch gradient, ``slots`` its
        state arrays (in ``self.slots`` order), ``t`` this update's number
        (from 1).  The arrays it returns come from ``buf.out``, its
        temporaries from ``buf.scratch`` (``buffers``; an optimizer may also
        ignore ``buf`` and return new arrays).  Works on whole arrays, and on
        one entry (0-d arrays) for ``explain``.
        """
        raise NotImplementedError

    def explain(self, param: Param, w: float, g: float, state: OptimizerState) -> UpdateStep:
        """The step of entry ``param``: weight ``w`` and gradient ``g`` before the update,
        ``state`` the optimizer's state before it."""
        raise NotImplementedError

    # ------------------------------------------------ weight decay, freezing
    def decayed(self, w, g, buf: Fresh = FRESH):
        """The gradient the rule uses: ``g + weight_decay·w`` (the trace's g is before it; a
        scratch array); with no decay, or decoupled decay (AdamW), ``g`` itself (never written)."""
        decay = self.settings.weight_decay
        if not decay or self.decoupled:
            return g
        d = np.multiply(w, decay, out=buf.scratch(w, 1))
        d += g
        return d

    def decay_lines(self, symbol: str, w: float, g: float) -> tuple[list[Equation], Term, Term]:
        """The weight decay's equation, if any, and the w and g terms the rule goes on with."""
        w_term, g_term, decay = Term(symbol, w), Term("gradient", g), self.settings.weight_decay
        if not decay:
            return [], w_term, g_term
        if self.decoupled:
            line = Equation((w_term, " × (1 − ", Term("learning_rate", self.learning_rate), " × ",
                             Term("weight_decay", decay), ")"), Term(symbol, w * (1 - self.learning_rate * decay)))
            return [line], line.result, g_term
        line = Equation((g_term, " + ", Term("weight_decay", decay), " × ", w_term),
                        Term("g", float(self.decayed(np.float64(w), np.float64(g)))))
        return [line], w_term, line.result

    def explain_frozen(self, param: Param, w: float) -> UpdateStep:
        symbol = "b" if param.is_bias else "w"
        return UpdateStep(param, self.name, (Equation((Term(symbol, w), " (frozen: its gradient is not applied)"),
                                                      Term(f"new {symbol}", w)),))

    def formula(self, param: Param) -> str:
        """The update of entry ``param`` in words, without numbers (the lines of ``explain``):
        ``w − learning_rate × gradient = new w`` for SGD."""
        with np.errstate(all="ignore"):
            step = self.explain(param, 0.0, 0.0, self.state)
        return "; ".join(line.formula for line in step.equations)

    def _new_value(self, param: Param, w: float, g: float, state: OptimizerState) -> float:
        """``update`` on the one entry: the same operations, so the same bits, as the whole step."""
        slots = tuple(np.array(state.value(name, param)) for name in self.slots)
        new, _ = self.update(np.array(w), np.array(g), slots, state.updates + 1)
        return float(new)


class SGD(Optimizer):
    """Stochastic gradient descent, as on the slides: ``w ← w − learning_rate × gradient``."""

    name = "sgd"

    def update(self, w, g, slots, t, buf=FRESH):
        moved = np.multiply(self.decayed(w, g, buf), -self.learning_rate, out=buf.out(w))  # (g x -lr) + w:
        moved += w  # the same bits as w - lr x g, with no temporary array
        return moved, ()

    def explain(self, param: Param, w: float, g: float, state: OptimizerState) -> UpdateStep:
        if param.parameter in self.frozen:
            return self.explain_frozen(param, w)
        symbol = "b" if param.is_bias else "w"
        new = self._new_value(param, w, g, state)
        lines, w_term, g_term = self.decay_lines(symbol, w, g)
        lines.append(Equation((w_term, " − ", Term("learning_rate", self.learning_rate), " × ", g_term),
                              Term(f"new {symbol}", new)))
        return UpdateStep(param, self.name, tuple(lines))


def _read_only(array: np.ndarray) -> np.ndarray:
    """A state array as handed out: a view nobody can write through."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


#: Optimizers by the name a scenario's ``[training] optimizer`` gives.
OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD}


def optimizer_for(scenario) -> Optimizer:
    """The optimizer a scenario trains with (plain SGD unless it says otherwise)."""
    return OPTIMIZERS[scenario.optimizer.name].from_scenario(scenario)


# The other optimizers of contract section 5 register themselves in OPTIMIZERS (last: they import this module).
from . import optimizer_kinds  # noqa: E402, F401
