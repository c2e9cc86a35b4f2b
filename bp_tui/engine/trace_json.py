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

A record is checked in one go; a large one (784-128-10) is written one
value at a time, so only the values holding odd numbers are split and
spliced and the keys need no pass over the megabytes; a medium one in one
orjson call.  A small record goes the standard way (there the checks
would cost more).
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
#: Records with more numbers are written one value at a time (fewer passes over megabytes);
#: smaller ones in one orjson call (fewer calls).
PER_VALUE = 20_000


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


def plain_line(record: dict) -> bytes:
    """``json.dumps`` of a record of a small network, and a newline: the checks of the orjson path
    would cost more than they save there (:func:`dumps_line` picks this too, after checking)."""
    plain = {}
    for key, v in record.items():
        if isinstance(v, list):
            plain[key] = [a.tolist() if isinstance(a, np.ndarray) else _plain(a) for a in v]
        else:
            plain[key] = _plain(v)
    return json.dumps(plain).encode("ascii") + b"\n"


def _dumps(value, end: bytes) -> bytes:
    numbers = _numbers(value) if isinstance(value, dict) else None
    total = 0 if numbers is None else sum(a.size for a in numbers)
    if numbers is None or total < SMALL:
        return json.dumps(_plain(value)).encode("ascii") + end
    flat = np.concatenate(numbers)
    if not np.isfinite(flat).all():  # the contract's NaN / Infinity: the standard way
        return json.dumps(_plain(value)).encode("ascii") + end
    size = np.abs(flat)
    odd = (size >= _ODD_LOW) & (size < _ODD_HIGH)
    import orjson  # here, not at the top: small traces and `bp-tui check` never load it

    if total >= PER_VALUE:
        return _per_value(value, odd, end, orjson)
    text = orjson.dumps(_given(value, odd), option=orjson.OPT_SERIALIZE_NUMPY)
    if not odd.any():
        return text.replace(b",", b", ").replace(b":", b": ") + end
    out: list[bytes] = []
    _splice(out, text, flat[odd], colons=True)
    out.append(end)
    return b"".join(out)


def _given(record: dict, odd: np.ndarray) -> dict:
    """The record as orjson takes it (arrays C-ordered), the numbers where ``odd`` (in
    :func:`_numbers`' order) made NaN, which orjson writes as null."""
    given: dict = {}
    at = 0
    for key, v in record.items():
        if isinstance(v, float):
            given[key] = float("nan") if odd[at] else v
            at += 1
        elif isinstance(v, list | tuple):
            given[key] = _marked(v, odd, at)
            at += sum(a.size for a in v if isinstance(a, np.ndarray))
        else:
            given[key] = v
    return given


def _marked(arrays, odd: np.ndarray, at: int) -> list:
    """A list of arrays (or []) with the numbers where ``odd[at:]`` made NaN."""
    marked: list = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            here = odd[at:at + a.size]
            marked.append(np.where(here.reshape(a.shape), np.nan, a) if here.any() else np.ascontiguousarray(a))
            at += a.size
        else:
            marked.append(a)
    return marked


def _splice(out: list[bytes], text: bytes, odd_values: np.ndarray, colons: bool) -> None:
    """Appends ``text`` to ``out`` with each null replaced by the next odd number's repr, in order,
    and a space after each comma (and colon)."""
    spelled = json.dumps(odd_values.tolist())[1:-1].encode("ascii").split(b", ")
    pieces = text.split(b"null")
    for piece, number in zip(pieces, spelled, strict=False):
        piece = piece.replace(b",", b", ")
        out.append(piece.replace(b":", b": ") if colons else piece)
        out.append(number)
    piece = pieces[-1].replace(b",", b", ")
    out.append(piece.replace(b":", b": ") if colons else piece)


def _per_value(record: dict, odd: np.ndarray, end: bytes, orjson) -> bytes:
    """A large record, one orjson call per value: only the values holding odd numbers are split
    and spliced, and the keys are written here (no pass over megabytes for the colons)."""
    out = [b"{"]
    at = 0
    for key, v in record.items():
        out.append(b'"%s": ' % key.encode("ascii") if len(out) == 1 else b', "%s": ' % key.encode("ascii"))
        if isinstance(v, int | float):  # np.float64 too: json spells it as a float
            out.append(json.dumps(v).encode("ascii"))
            at += isinstance(v, float)
            continue
        count = sum(a.size for a in v if isinstance(a, np.ndarray))
        text = orjson.dumps(_marked(v, odd, at), option=orjson.OPT_SERIALIZE_NUMPY)
        mine = odd[at:at + count]
        at += count
        if mine.any():
            values = np.concatenate([a.ravel() for a in v if isinstance(a, np.ndarray)])
            _splice(out, text, values[mine], colons=False)
        else:
            out.append(text.replace(b",", b", "))
    out.append(b"}" + end)
    return b"".join(out)


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
