"""JSON text byte-identical to ``json.dumps`` of the record as nested lists, faster.

``json.dumps`` formats each float with ``repr`` (David Gay's shortest
round-trip digits), about 0.5 µs a number: a 784-128-10 trace line holds
203,540 of them.  orjson writes the same shortest digits ~20x faster, but
differs in three ways, each handled here:

- it spells |x| in [1e-9, 1e-4) differently (``0.00001``, ``2.5e-7`` where
  ``repr`` writes ``1e-05``, ``2.5e-07``): those few numbers are written by
  ``repr`` and put in place;
- it writes NaN and infinities as ``null``: a record holding one goes the
  standard way, so the contract's ``NaN``/``Infinity`` stay;
- it writes no spaces after ``,`` and ``:``: they are added (the records hold
  only numbers and fixed key names, so no string can contain them).

A record is checked and written in one go (one orjson call per line); a
small one goes the standard way (there the checks would cost more).
tests/engine/test_trace_bytes.py compares with ``json.dumps``.
"""

from __future__ import annotations

import json
from itertools import chain

import numpy as np
import orjson

#: Where orjson's spelling of a finite float differs from ``repr``'s
#: (measured: exponents -9 to -5), with a margin on both sides.
_ODD_LOW, _ODD_HIGH = 1e-10, 1e-4
_NUMPY = orjson.OPT_SERIALIZE_NUMPY
#: Records with fewer numbers go through ``json.dumps``: below this, NumPy's
#: checks cost more than formatting the numbers (measured on xor and sine).
SMALL = 256


def dumps(value) -> bytes:
    """``json.dumps(value)`` as ASCII bytes.

    A record of ints, floats and lists of float arrays (what the trace holds)
    is written by orjson; anything else by ``json.dumps``.  Arrays are
    written as their ``tolist()`` would be.
    """
    numbers = _numbers(value) if isinstance(value, dict) else None
    if numbers is None:
        return json.dumps(_plain(value)).encode("ascii")
    if sum(a.size for a in numbers) < SMALL:
        return json.dumps(_plain(value)).encode("ascii")
    flat = np.concatenate(numbers) if numbers else np.zeros(0)
    if not np.isfinite(flat).all():  # the contract's NaN / Infinity: the standard way
        return json.dumps(_plain(value)).encode("ascii")
    size = np.abs(flat)
    odd = (size >= _ODD_LOW) & (size < _ODD_HIGH)
    if not odd.any():
        text = orjson.dumps(_contiguous(value), option=_NUMPY)
    else:
        # Odd numbers are written as NaN (orjson: null), then each null is
        # replaced by the number's repr, in order.
        pieces = orjson.dumps(_marked(value, odd), option=_NUMPY).split(b"null")
        spelled = ",".join(map(repr, flat[odd].tolist())).encode("ascii").split(b",")
        text = b"".join(chain.from_iterable(zip(pieces, spelled, strict=False))) + pieces[-1]
    return text.replace(b",", b", ").replace(b":", b": ")


def _numbers(record: dict) -> list[np.ndarray] | None:
    """The record's floats, in the order they are written, as flat arrays; None if it holds
    anything but plain keys, ints, floats and lists of float64 arrays (or [])."""
    numbers = []
    for key, v in record.items():
        if not (isinstance(key, str) and key.isascii() and key.isidentifier()):
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            continue
        if isinstance(v, float):  # np.float64 too
            numbers.append(np.array([v]))
        elif isinstance(v, list | tuple) and all(isinstance(a, np.ndarray) or a == [] for a in v):
            if any(a.dtype != np.float64 for a in v if isinstance(a, np.ndarray)):
                return None
            numbers += [a.ravel() for a in v if isinstance(a, np.ndarray)]
        else:
            return None
    return numbers


def _contiguous(record: dict) -> dict:
    """orjson takes C-ordered arrays only."""
    return {k: [a if isinstance(a, list) else np.ascontiguousarray(a) for a in v] if isinstance(v, list | tuple)
            else v for k, v in record.items()}


def _marked(record: dict, odd: np.ndarray) -> dict:
    """The record with the numbers where ``odd`` (in :func:`_numbers`' order) made NaN."""
    marked: dict = {}
    at = 0
    for key, v in record.items():
        if isinstance(v, float):
            marked[key] = float("nan") if odd[at] else v
            at += 1
        elif isinstance(v, list | tuple):
            arrays: list = []
            for a in v:
                if isinstance(a, np.ndarray):
                    here = odd[at:at + a.size].reshape(a.shape)
                    arrays.append(np.where(here, np.nan, a) if here.any() else np.ascontiguousarray(a))
                    at += a.size
                else:
                    arrays.append(a)
            marked[key] = arrays
        else:
            marked[key] = v
    return marked


def _plain(value):
    """The value with arrays as nested lists and NumPy scalars as Python ones (what json takes)."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
