"""Optimizers: how the weights move once the batch's gradient is known.

The slides stop at stochastic gradient descent, ``w - learning_rate x
gradient``; other optimizers keep some state per parameter (momentum's
velocity, Adam's m and s) and use it in the step.  An ``Optimizer`` owns that
state and

- applies an update (``step``): new arrays for the weights and for its state,
  never writing into an array it was handed or has handed out, so the
  session's views and the timeline's checkpoints stay true;
- hands its state out for checkpoints (``state``: an immutable
  ``OptimizerState``) and takes it back (``restore``), bit for bit;
- counts the bytes its state holds (``OptimizerState.nbytes``), for the
  timeline's memory budget;
- explains the update of one entry with its numbers (``explain``), for the
  breakdown: a few ``Equation`` lines, e.g. ``w − learning_rate × gradient =
  new w`` and ``1 − 0.01 × 6 = 0.94``.

A new optimizer is one subclass: its ``name``, its ``slots`` (the names of
its per-parameter state arrays), ``update`` (one parameter's step, on whole
arrays) and ``explain`` (one entry's step in words and numbers; computing
the new value through ``update`` keeps it the exact number applied).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .params import Param, whole_params


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

    @classmethod
    def from_scenario(cls, scenario) -> Optimizer:
        """This optimizer with the scenario's settings (a subclass with
        hyperparameters reads them here)."""
        return cls(scenario.learning_rate, scenario.layers, scenario.bias)

    def __init__(self, learning_rate: float, layers: Sequence[int], bias: bool):
        self.learning_rate = learning_rate
        self.params = tuple(whole_params(layers, bias))  # W1, b1, W2, b2, ...
        self._shapes = tuple((layers[p.layer - 1], layers[p.layer]) if not p.is_bias else (layers[p.layer],)
                             for p in self.params)
        self.reset()

    @property
    def hyperparameters(self) -> dict[str, float]:
        """Its settings by name (a subclass adds its own), e.g. ``{"learning_rate": 0.01}``."""
        return {"learning_rate": self.learning_rate}

    def __eq__(self, other: object) -> bool:
        """The same rule: same optimizer, same settings, same network (whatever its state)."""
        return (isinstance(other, Optimizer) and type(other) is type(self)
                and other.hyperparameters == self.hyperparameters and other.params == self.params)

    __hash__ = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- state
    def reset(self) -> None:
        """Every state array zero, no update made yet."""
        arrays = tuple(tuple(_read_only(np.zeros(shape)) for _ in self.slots) for shape in self._shapes)
        self.state = OptimizerState(0, self.params, self.slots, arrays if self.slots else ())

    def restore(self, state: OptimizerState) -> None:
        """Continue from ``state`` (taken from this optimizer's ``state`` earlier)."""
        self.state = state

    # ---------------------------------------------------------------- update
    def step(self, W: Sequence, b: Sequence, grad_W: Sequence, grad_b: Sequence) -> tuple[list, list]:
        """The weights and biases after one update (new arrays), indexed by layer like ``W``/``b``."""
        t = self.state.updates + 1
        new_W: list = [None] * len(W)
        new_b: list = [None] * len(b)
        arrays = []
        for k, p in enumerate(self.params):
            before, gradient, out = (b, grad_b, new_b) if p.is_bias else (W, grad_W, new_W)
            slots = self.state.arrays[k] if self.slots else ()
            out[p.layer], new_slots = self.update(before[p.layer], gradient[p.layer], slots, t)
            arrays.append(tuple(_read_only(a) for a in new_slots))
        self.state = OptimizerState(t, self.params, self.slots, tuple(arrays) if self.slots else ())
        return new_W, new_b

    def update(self, w: np.ndarray, g: np.ndarray, slots: tuple[np.ndarray, ...],
               t: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """One parameter's step: ``(new w, new state arrays)``, all new arrays.

        ``w`` the parameter before, ``g`` its batch gradient, ``slots`` its
        state arrays (in ``self.slots`` order), ``t`` this update's number
        (from 1).  Works on whole arrays, and on one entry (0-d arrays) for
        ``explain``.
        """
        raise NotImplementedError

    def explain(self, param: Param, w: float, g: float, state: OptimizerState) -> UpdateStep:
        """The step of entry ``param``: weight ``w`` and gradient ``g`` before the update,
        ``state`` the optimizer's state before it."""
        raise NotImplementedError

    def _new_value(self, param: Param, w: float, g: float, state: OptimizerState) -> float:
        """``update`` on the one entry: the same operations, so the same bits, as the whole step."""
        slots = tuple(np.array(state.value(name, param)) for name in self.slots)
        new, _ = self.update(np.array(w), np.array(g), slots, state.updates + 1)
        return float(new)


class SGD(Optimizer):
    """Stochastic gradient descent, as on the slides: ``w ← w − learning_rate × gradient``."""

    name = "sgd"

    def update(self, w, g, slots, t):
        moved = g * -self.learning_rate  # (gradient x -lr) + w: the same bits as w - lr x gradient,
        moved += w  # with one temporary array instead of two
        return moved, ()

    def explain(self, param: Param, w: float, g: float, state: OptimizerState) -> UpdateStep:
        symbol = "b" if param.is_bias else "w"
        new = self._new_value(param, w, g, state)
        line = Equation((Term(symbol, w), " − ", Term("learning_rate", self.learning_rate), " × ",
                         Term("gradient", g)), Term(f"new {symbol}", new))
        return UpdateStep(param, self.name, (line,))


def _read_only(array: np.ndarray) -> np.ndarray:
    """A state array as handed out: a view nobody can write through."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


#: Optimizers by the name a scenario's ``[training] optimizer`` gives.
OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD}


def optimizer_for(scenario) -> Optimizer:
    """The optimizer a scenario trains with (plain SGD unless it says otherwise)."""
    return OPTIMIZERS[getattr(scenario, "optimizer", "sgd")].from_scenario(scenario)
