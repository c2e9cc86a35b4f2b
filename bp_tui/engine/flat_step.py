"""A small network's update as one: every parameter's entries in one vector.

On a small network an optimizer's update is a dozen NumPy operations per
parameter on a handful of numbers each, and the time goes into calling them,
not into the arithmetic.  Every rule of contract section 5 is entry by entry
(the same operations on every entry, with the same hyperparameters), so it
can run once on all the network's entries laid end to end, W1, b1, W2, ...:
the same operations on the same numbers give the same bits, in a quarter of
the calls on a two-layer network.

The weights and state handed out are views into those vectors (the state
read-only), so the next update finds them laid out already; after a jump in
time they are gathered again.  Used for optimizers with state, no frozen
parameter, and at most ``FLAT_MAX`` entries: on a large network gathering
the gradients costs a pass over them that per-parameter updates do not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

import numpy as np

#: Networks with more entries update parameter by parameter (see the module doc).
FLAT_MAX = 16384


class FlatStep:
    """One optimizer's update on all of a small network's entries at once."""

    def __init__(self, params: Sequence, shapes: Sequence[tuple[int, ...]]):
        self.params = tuple(params)
        self.where = tuple((p.is_bias, p.layer) for p in self.params)  # each parameter in W / b
        ends = np.cumsum([prod(shape) for shape in shapes]).tolist()
        #: Each parameter's slice of the vector, and its shape when it is a matrix.
        self.parts = tuple((slice(start, end), shape if len(shape) > 1 else None)
                           for start, end, shape in zip([0] + ends[:-1], ends, shapes))
        self._weights: tuple = (None, ())  # the last new weights: the vector and its views handed out
        self._state: tuple = (None, ())  # the last state handed out and its vectors

    def step(self, optimizer, W: Sequence, b: Sequence, grad_W: Sequence, grad_b: Sequence, t: int):
        """``optimizer.update`` on the whole network: ``(new W, new b, the state's arrays per parameter)``."""
        before = [(b if bias else W)[layer] for bias, layer in self.where]
        vector, handed = self._weights
        if len(handed) != len(before) or any(x is not y for x, y in zip(before, handed)):
            vector = self.gather(before)
        gradient = self.gather([(grad_b if bias else grad_W)[layer] for bias, layer in self.where])
        state, slots = self._state
        if state is not optimizer.state:
            slots = tuple(self.gather(per_slot) for per_slot in zip(*optimizer.state.arrays))
        new, new_slots = optimizer.update(vector, gradient, slots, t)
        for array in new_slots:
            array.flags.writeable = False  # its views, the state handed out, are read-only too
        weights = self.split(new)
        self._weights = (new, weights)
        new_W: list = [None] * len(W)
        new_b: list = [None] * len(b)
        for (bias, layer), w in zip(self.where, weights):
            (new_b if bias else new_W)[layer] = w
        per_param = tuple(zip(*(self.split(array) for array in new_slots)))
        return new_W, new_b, per_param, new_slots

    def remember(self, state, slots) -> None:
        """The state just made from ``slots`` (its vectors), for the next update."""
        self._state = (state, slots)

    @staticmethod
    def gather(arrays: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays, axis=None)  # each flattened, end to end

    def split(self, vector: np.ndarray) -> tuple[np.ndarray, ...]:
        """Each parameter's view of ``vector``, in its shape."""
        return tuple(vector[part] if shape is None else vector[part].reshape(shape) for part, shape in self.parts)
