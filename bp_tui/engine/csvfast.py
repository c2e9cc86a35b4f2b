"""A vectorised reader for the common case: a block of plain decimal numbers.

``plain_numbers(data, width)`` turns bytes such as ``b"5,0,255\\n-1.5,.25,3\\n"``
into a ``(rows, width)`` float64 array with NumPy operations over the whole
block (about 10x NumPy's own ``loadtxt`` here), or returns None as soon as
anything is not plain: a letter or exponent, a space, a quote, a carriage
return, an empty cell, a ragged row, a number of more than 15 digits.  The
caller then reads that block the careful way, which also says where a bad
cell is.

Exactness: a cell of at most 15 digits is an integer mantissa below 2**53,
built exactly in float64, and ``10**k`` (k <= 15) is exact too, so
``mantissa / 10**k`` is the correctly rounded value of the decimal, which is
what Python's ``float(text)`` gives: bit for bit the same numbers.
"""

from __future__ import annotations

import numpy as np

_INVALID, _DIGIT, _DOT, _SIGN, _SEPARATOR = 0, 1, 2, 3, 4
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[ord("0"):ord("9") + 1] = _DIGIT
_CLASS[ord(".")] = _DOT
_CLASS[[ord("+"), ord("-")]] = _SIGN
_CLASS[[ord(","), ord("\n")]] = _SEPARATOR
_POW10 = 10.0 ** np.arange(16)
#: Longer cells are left to the careful reader (leading zeros, long decimals).
MAX_CELL = 18
MAX_DIGITS = 15


def plain_numbers(data: bytes, width: int) -> np.ndarray | None:
    """The numbers of ``data`` (whole lines ending in ``\\n``) as (rows, width), or None."""
    b = np.frombuffer(data, dtype=np.uint8)
    if len(b) == 0 or b[-1] != ord("\n"):
        return None
    kind = _CLASS[b]
    if not kind.all():  # a byte that no plain number has
        return None
    ends = np.flatnonzero(kind == _SEPARATOR)
    if len(ends) % width:
        return None
    newline = b[ends] == ord("\n")
    if not np.array_equal(np.flatnonzero(newline), np.arange(width - 1, len(ends), width)):
        return None  # a ragged row or a blank line
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts
    if lengths.min() == 0 or lengths.max() > MAX_CELL:
        return None
    values = _cells(b, starts, lengths, int(lengths.max()))
    return None if values is None else values.reshape(-1, width)


def _cells(b: np.ndarray, starts: np.ndarray, lengths: np.ndarray, longest: int):
    """Each cell's value, reading all cells' j-th characters at once (Horner's rule).

    Pass j looks only at the cells longer than j (most cells of a data set
    are short: MNIST's are mostly "0").
    """
    first = b[starts]
    kind = _CLASS[first]
    digit = kind == _DIGIT
    mantissa = np.where(digit, first.astype(np.int64) - ord("0"), 0)
    digits = digit.astype(np.int8)
    dots = (kind == _DOT).astype(np.int8)
    decimals = np.zeros(len(starts), dtype=np.int8)
    for j in range(1, longest):
        cells = np.flatnonzero(lengths > j)
        char = b[starts[cells] + j]
        kind = _CLASS[char]
        if (kind == _SIGN).any():
            return None  # a sign inside a number
        digit = kind == _DIGIT
        m = mantissa[cells]
        mantissa[cells] = np.where(digit, m * 10 + (char.astype(np.int64) - ord("0")), m)
        digits[cells] += digit
        decimals[cells] += digit & (dots[cells] > 0)
        dots[cells] += kind == _DOT
    if digits.min() == 0 or digits.max() > MAX_DIGITS or dots.max() > 1:
        return None
    values = mantissa.astype(np.float64)
    if decimals.any():
        values /= _POW10[decimals]
    negative = first == ord("-")
    if negative.any():
        values[negative] = -values[negative]
    return values
