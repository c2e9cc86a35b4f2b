"""Names for a network's parameters and nodes, one spelling everywhere.

A parameter entry is named as the contract does: ``W2[1,0]`` is the weight
of matrix 2 (matrices count from 1: ``W1`` feeds layer 1 from the input)
from node 1 of layer 1 to node 0 of layer 2 (nodes count from 0), and
``b1[0]`` the bias of node 0 of layer 1.  A whole parameter is ``W1`` or
``b1`` (what ``freeze`` lists).  ``Param`` is that address; ``Node`` is a
node (``layer 1 node 0``).  Selection, watches, gradient checks, breakpoint
hits, the breakdown and exports all use these, so a weight is written one
way and read back by ``Param.parse``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import total_ordering

import numpy as np

WEIGHT, BIAS = "W", "b"
_NUMBER = r"(0|[1-9][0-9]*)"
_NAME = re.compile(rf"([Wb])([1-9][0-9]*)(?:\[{_NUMBER}(?:\s*,\s*{_NUMBER})?\])?")
_NODE = re.compile(rf"layer {_NUMBER} node {_NUMBER}")


class ParamNameError(ValueError):
    """A parameter or node name that cannot be read, or that the network lacks."""


@total_ordering
@dataclass(frozen=True)
class Param:
    """A weight ``W{layer}[i,j]``, a bias ``b{layer}[j]``, or a whole ``W{layer}`` / ``b{layer}``.

    ``layer`` (1..L) is the layer the parameter feeds; ``i`` the from-node in
    layer-1 (None for a bias), ``j`` the to-node; both None for a whole
    parameter.  ``Param(2, 1, 0)`` is ``W2[1,0]``, ``Param(1, None, 0)`` is
    ``b1[0]``.  Sorted in reading order: layer by layer, the weights row by
    row, then the biases; a whole parameter before its entries.
    """

    layer: int
    i: int | None = None
    j: int | None = None
    kind: str = ""  # WEIGHT or BIAS; left out for an entry: a bias when ``i`` is None

    def __post_init__(self) -> None:
        if not self.kind and self.j is not None:
            object.__setattr__(self, "kind", BIAS if self.i is None else WEIGHT)
        entry_ok = (self.i is None) == (self.j is None) if self.kind == WEIGHT else self.i is None
        if self.kind not in (WEIGHT, BIAS) or self.layer < 1 or not entry_ok:
            raise ValueError(f"not a parameter address: {self!r}")

    # ----------------------------------------------------------- making one
    @classmethod
    def weight(cls, layer: int, i: int, j: int) -> Param:
        return cls(layer, i, j, WEIGHT)

    @classmethod
    def bias(cls, layer: int, j: int) -> Param:
        return cls(layer, None, j, BIAS)

    @classmethod
    def whole(cls, kind: str, layer: int) -> Param:
        """``W{layer}`` or ``b{layer}``, the whole matrix or vector."""
        return cls(layer, kind=kind)

    @classmethod
    def parse(cls, name: str, layers: Sequence[int] | None = None, bias: bool = True) -> Param:
        """``W2[1,0]``, ``b1[0]``, ``W1`` or ``b1`` as a ``Param``; ``ParamNameError`` otherwise.

        With ``layers`` (node counts, input first) and ``bias``, also checks
        that the network has it.
        """
        match = _NAME.fullmatch(name.strip()) if isinstance(name, str) else None
        if match is None:
            raise ParamNameError(f"{_shown(name)} is not a parameter name "
                             "(expected e.g. W2[1,0], b1[0], W1 or b1: matrix from 1, nodes from 0)")
        kind, layer, first, second = match.groups()
        if first is None:
            param = cls.whole(kind, int(layer))
        elif kind == WEIGHT and second is None:
            raise ParamNameError(f"{_shown(name)}: a weight has two indices, "
                                 f"from-node and to-node (e.g. W{layer}[0,0])")
        elif kind == BIAS and second is not None:
            raise ParamNameError(f"{_shown(name)}: a bias has one index, its node (e.g. b{layer}[0])")
        elif kind == BIAS:
            param = cls.bias(int(layer), int(first))
        else:
            param = cls.weight(int(layer), int(first), int(second))
        if layers is not None:
            param.check(layers, bias)
        return param

    def check(self, layers: Sequence[int], bias: bool = True) -> None:
        """``ParamNameError`` unless the network (``layers``, ``bias``) has this parameter."""
        depth = len(layers) - 1
        if self.layer > depth:
            raise ParamNameError(f"{self.name}: the network has {depth} layer{'s' if depth > 1 else ''} of "
                             f"weights ({WEIGHT}1..{WEIGHT}{depth})")
        if self.is_bias and not bias:
            raise ParamNameError(f"{self.name}: the network has no biases (bias = false)")
        for index, layer in ((self.i, self.layer - 1), (self.j, self.layer)):
            if index is not None and index >= layers[layer]:
                n = layers[layer]
                raise ParamNameError(f"{self.name}: layer {layer} has {n} node{'s' if n > 1 else ''} (0..{n - 1})")

    # ----------------------------------------------------------- reading it
    @property
    def name(self) -> str:
        """``W2[1,0]``, ``b1[0]``, ``W1``, ``b1``."""
        if self.j is None:
            return f"{self.kind}{self.layer}"
        if self.is_bias:
            return f"{BIAS}{self.layer}[{self.j}]"
        return f"{WEIGHT}{self.layer}[{self.i},{self.j}]"

    def __str__(self) -> str:
        return self.name

    @property
    def is_bias(self) -> bool:
        return self.kind == BIAS

    @property
    def is_whole(self) -> bool:
        return self.j is None

    @property
    def parameter(self) -> Param:
        """The whole parameter this entry belongs to (``W2[1,0]`` -> ``W2``)."""
        return Param(self.layer, kind=self.kind)

    @property
    def index(self) -> tuple[int, ...]:
        """Where the entry sits in its parameter's array: ``(i, j)`` or ``(j,)``."""
        if self.j is None:
            raise ValueError(f"{self.name} is a whole parameter, not an entry")
        return (self.j,) if self.i is None else (self.i, self.j)

    @property
    def feeds(self) -> Node:
        """The node this weight or bias feeds into."""
        if self.j is None:
            raise ValueError(f"{self.name} is a whole parameter, not an entry")
        return Node(self.layer, self.j)

    def describe(self) -> str:
        """``W2[1,0]: layer 1 node 1 → layer 2 node 0`` or ``b1[0]: bias of layer 1 node 0``."""
        if self.j is None:
            return f"{self.name}: {'biases' if self.is_bias else 'weights'} into layer {self.layer}"
        if self.is_bias:
            return f"{self.name}: bias of layer {self.layer} node {self.j}"
        return f"{self.name}: layer {self.layer - 1} node {self.i} → layer {self.layer} node {self.j}"

    def value(self, W: Sequence, b: Sequence) -> float:
        """This entry's value in ``W``/``b`` (indexed by layer, like ``session.W``)."""
        return float((b if self.is_bias else W)[self.layer][self.index])

    def array(self, W: Sequence, b: Sequence) -> np.ndarray:
        """The whole parameter's array in ``W``/``b``."""
        return (b if self.is_bias else W)[self.layer]

    def _key(self) -> tuple:
        whole = self.j is None
        return (self.layer, self.is_bias, -1 if whole else (self.i or 0), -1 if whole else self.j)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Param):
            return NotImplemented
        return self._key() < other._key()


@total_ordering
@dataclass(frozen=True)
class Node:
    """Node ``j`` (from 0) of layer ``layer`` (0 is the input): ``layer 1 node 0``."""

    layer: int
    j: int

    @property
    def name(self) -> str:
        return f"layer {self.layer} node {self.j}"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parse(cls, name: str) -> Node:
        match = _NODE.fullmatch(name.strip()) if isinstance(name, str) else None
        if match is None:
            raise ParamNameError(f"{_shown(name)} is not a node name (expected e.g. layer 1 node 0, nodes from 0)")
        return cls(int(match.group(1)), int(match.group(2)))

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return (self.layer, self.j) < (other.layer, other.j)


def all_params(layers: Sequence[int], bias: bool) -> Iterator[Param]:
    """Every weight and bias entry, in reading order (layer by layer, weights row by row, then biases)."""
    for l in range(1, len(layers)):
        for i in range(layers[l - 1]):
            for j in range(layers[l]):
                yield Param(l, i, j, WEIGHT)
        if bias:
            for j in range(layers[l]):
                yield Param(l, None, j, BIAS)


def whole_params(layers: Sequence[int], bias: bool) -> Iterator[Param]:
    """Every whole parameter: ``W1``, ``b1``, ``W2``, ... (biases only with ``bias``)."""
    for l in range(1, len(layers)):
        yield Param(l, kind=WEIGHT)
        if bias:
            yield Param(l, kind=BIAS)


def _shown(name: object) -> str:
    """A name quoted for an error message: short, no control characters."""
    text = name if isinstance(name, str) else repr(name)
    text = "".join(c if c.isprintable() else "?" for c in text)
    return repr(text if len(text) <= 40 else text[:40] + "…")
