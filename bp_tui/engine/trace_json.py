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

Each top-level value is written by its own orjson call, and only the
values holding odd numbers are split and spliced; the keys are written
here, so only the arrays' commas need a space.  A small record goes the
standard way (there the checks would cost more).
tests/engine/test_trace_bytes.py compares with ``json.dumps``;
benchmarks/trace.py measures the lines per second.
"""

from __future__ import annotations

import json

import numpy as np

#: Where orjson's spelling of a finite float differs from ``repr``'s
#: (measured: exponents -9 to -5), with a margin on both sides.
_ODD_LOW, _ODD_HIGH = 1e-10, 1e-4
#: Records with fewer numbers go through ``json.dumps``: below this, NumPy's
#: checks cost more than formatting the numbers (measured on xor and sine).
SMALL = 256


def dumps(value) -> bytes:
    """``json.dumps(value)`` as ASCII bytes.

    A record of ints, floats and lists of float arrays (what the trace holds)
    is written by orjson; anything else by ``json.dumps``.  Arrays are
    written as their ``tolist()`` would be.
    """
    return _dumps(value, b"")


def dumps_line(value) -> bytes:
    """:func:`dumps` and a newline, without copying a line of megabytes once more to add it."""
    return _dumps(value, b"\n")


def _dumps(value, end: bytes) -> bytes:
    numbers = _numbers(value) if isinstance(value, dict) else None
    if numbers is None or sum(a.size for a in numbers) < SMALL:
        return json.dumps(_plain(value)).encode("ascii") + end
    odd = []
    for a in numbers:
        if not np.isfinite(a).all():  # the contract's NaN / Infinity: the standard way
            return json.dumps(_plain(value)).encode("ascii") + end
        size = np.abs(a)
        odd.append((size >= _ODD_LOW) & (size < _ODD_HIGH))
    import orjson  # here, not at the top: small traces and `bp-tui check` never load it

    out = [b"{"]
    masks = iter(odd)
    for key, v in value.items():
        out.append(b'"%s": ' % key.encode("ascii") if len(out) == 1 else b', "%s": ' % key.encode("ascii"))
        if isinstance(v, int | float):  # np.float64 too: json spells it as a float
            out.append(json.dumps(v).encode("ascii"))
            if isinstance(v, float):
                next(masks)
        else:
            _write_arrays(out, v, masks, orjson)
    out.append(b"}" + end)
    return b"".join(out)


def _write_arrays(out: list[bytes], arrays, masks, orjson) -> None:
    """Appends the JSON of a list of arrays (or []) to ``out``, odd numbers spelled by ``repr``.

    Odd numbers are written as NaN (orjson: null), then each null is
    replaced by the number's repr, in order.
    """
    given, odd = [], []
    for a in arrays:
        if not isinstance(a, np.ndarray):
            given.append(a)
            continue
        mask = next(masks)
        if mask.any():
            odd.append(a.ravel()[mask])
            given.append(np.where(mask.reshape(a.shape), np.nan, a))
        else:
            given.append(np.ascontiguousarray(a))  # orjson takes C-ordered arrays only
    text = orjson.dumps(given, option=orjson.OPT_SERIALIZE_NUMPY)
    if not odd:
        out.append(text.replace(b",", b", "))
        return
    spelled = json.dumps(np.concatenate(odd).tolist())[1:-1].encode("ascii").split(b", ")
    pieces = text.split(b"null")
    for piece, number in zip(pieces, spelled, strict=False):
        out.append(piece.replace(b",", b", "))
        out.append(number)
    out.append(pieces[-1].replace(b",", b", "))


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


def _plain(value):
    """The value with arrays as nested lists and NumPy scalars as Python ones (what json takes)."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
