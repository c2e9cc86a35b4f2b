"""Reading typed fields out of a parsed TOML document, with errors that say where.

Every problem becomes a ``ScenarioError`` carrying the file, the field (as a
dotted path such as ``network.activations[1]``) and what is wrong, so the CLI
can print ``PATH: WHERE: WHAT`` on one line and the app can show the same.
"""

from __future__ import annotations

import datetime
import difflib
import math
from typing import Any, Literal, overload

import numpy as np

_MISSING = object()


class ScenarioError(Exception):
    """A scenario file the user must fix: which file, which field, what is wrong.

    Every part goes through ``printable``: a message is one line, free of
    terminal control codes, and of bounded length whatever the file held.
    """

    def __init__(self, path: str, where: str, what: str):
        path, where, what = (printable(part, limit=MAX_PART) for part in (path, where, what))
        super().__init__(f"{path}: {where}: {what}")
        self.path = path
        self.where = where
        self.what = what


#: The most characters of one part of an error message (a path, a field, the problem).
MAX_PART = 200  # a long path still shows its start; an error stays a few lines at most
#: The most characters of a user's value quoted in a message.
QUOTE = 60


def printable(text: Any, limit: int = QUOTE, quote: bool = False) -> str:
    """``text`` safe to echo: control characters escaped, at most ``limit`` characters + '…'.

    A title, a key name, a CSV header or a path may hold escape sequences that
    would drive the terminal (blink, change its title) or line breaks that
    would split an error; a value may be megabytes long.  ``quote`` gives a
    quoted form such as ``'relu…'``.
    """
    text = str(text)
    cut = len(text) > limit
    text = text[:limit]
    if quote:
        shown = repr(text)
        return shown[:-1] + "…" + shown[-1] if cut else shown
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return text + "…" if cut else text


#: Whole numbers typed or read as text have at most this many digits (far
#: below Python's 4,300-digit conversion limit, far above any real count).
MAX_DIGITS = 18


def whole_number(text: str, max_digits: int = MAX_DIGITS) -> int:
    """``text`` as an int (optional sign, ASCII digits), or ValueError with a one-line reason.

    Safe on any input: the length is checked before converting, so a
    5,000-digit number is "too long", never Python's own ValueError.
    """
    body = text.strip()
    digits = body.lstrip("+-")
    if not digits or len(body) - len(digits) > 1 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"expected a whole number, got {printable(text, quote=True)}")
    if len(digits) > max_digits:
        raise ValueError(f"too large: a whole number of {len(digits)} digits (at most {max_digits})")
    return int(body)


def describe(value: Any) -> str:
    """A value from a file for a message: a short quoted string, a short number, else its type.

    Never a Python repr such as ``datetime.time(7, 32)`` (that is "a time").
    """
    if isinstance(value, str):
        return printable(value, quote=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = len(str(value)) if value.bit_length() < 10_000 else None
        return printable(value) if digits is not None and digits <= 20 else "a number too large to show"
    if isinstance(value, float):
        return printable(repr(value))
    return _type_name(value)


def counted(n: int, word: str) -> str:
    """``1 number``, ``2 numbers``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "an array", dict: "a table", datetime.datetime: "a date-time",
        datetime.date: "a date", datetime.time: "a time",
    }.get(type(value), type(value).__name__)


class Table:
    """One TOML table being read: knows its file and its dotted name."""

    def __init__(self, path: str, name: str, data: dict):
        self.path, self.name, self.data = path, name, data

    def where(self, key: str) -> str:
        key = printable(key, 80)  # a key from the file: escaped, short
        return f"{self.name}.{key}" if self.name else key

    def fail(self, where: str, what: str) -> ScenarioError:
        return ScenarioError(self.path, where, what)

    def only_keys(self, allowed: tuple[str, ...]) -> None:
        """Refuse keys this table does not know (most likely typos)."""
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1) if len(key) < 100 else []
                hint = f"did you mean {describe(close[0])}? " if close else ""
                raise self.fail(
                    self.where(key),
                    f"unknown key ({hint}expected one of {', '.join(allowed)})",
                )

    def get(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.fail(self.where(key), "missing (required)")
        return default

    @overload
    def table(self, key: str, required: Literal[True] = True) -> Table: ...

    @overload
    def table(self, key: str, required: bool) -> Table | None: ...

    def table(self, key: str, required: bool = True) -> Table | None:
        value = self.get(key, _MISSING if required else None)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(self.where(key), f"expected a table, got {_type_name(value)}")
        return Table(self.path, self.where(key), value)

    def string(self, key: str, default: Any = _MISSING, choices: tuple[str, ...] = ()) -> str:
        value = self.get(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, str):
            raise self.fail(self.where(key), f"expected a string, got {_type_name(value)}")
        if choices and value not in choices:
            raise self.fail(
                self.where(key),
                f"unknown value {describe(value)} (expected one of {', '.join(choices)})",
            )
        return value

    def boolean(self, key: str, default: Any = _MISSING) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(self.where(key), f"expected true or false, got {_type_name(value)}")
        return value

    def integer(self, key: str, default: Any = _MISSING, minimum: int | None = None) -> int:
        value = self.get(key, default)
        if value is default and default is not _MISSING:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(self.where(key), f"expected an integer, got {_type_name(value)}")
        if minimum is not None and value < minimum:
            raise self.fail(self.where(key), f"must be at least {minimum}, got {describe(value)}")
        return value

    def number(self, key: str, default: Any = _MISSING, positive: bool = False) -> float:
        value = self.get(key, default)
        value = number_at(self.path, self.where(key), value)
        if positive and not value > 0:
            raise self.fail(self.where(key), f"must be greater than 0, got {value:g}")
        return value


def number_at(path: str, where: str, value: Any) -> float:
    """A finite number (integer or float; not a boolean), as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(path, where, f"expected a number, got {_type_name(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond float64
        raise ScenarioError(path, where, f"too large for a float64 number ({len(str(abs(value)))} digits)") from None
    if not math.isfinite(number):
        raise ScenarioError(path, where, f"must be a finite number, got {value}")
    return number


def matrix_at(path: str, where: str, value: Any, shape: tuple[int, int], what: str) -> np.ndarray:
    """A rows x columns array of finite numbers, checked row by row.

    ``what`` names the rows and columns for the error, e.g. "2 rows (nodes of
    layer 0) of 3 numbers (nodes of layer 1)".
    """
    rows, cols = shape
    if not isinstance(value, list):
        raise ScenarioError(path, where, f"expected an array of {what}, got {_type_name(value)}")
    if len(value) != rows:
        raise ScenarioError(path, where, f"expected {what}, got {counted(len(value), 'row')}")
    for r, row in enumerate(value):
        if not isinstance(row, list):
            raise ScenarioError(path, f"{where}[{r}]",
                                f"expected an array of {counted(cols, 'number')}, got {_type_name(row)}")
        if len(row) != cols:
            raise ScenarioError(path, f"{where}[{r}]", f"expected {counted(cols, 'number')}, got {len(row)}")
        for c, x in enumerate(row):
            number_at(path, f"{where}[{r}][{c}]", x)
    return np.array(value, dtype=np.float64).reshape(rows, cols)


def vector_at(path: str, where: str, value: Any, length: int, what: str) -> np.ndarray:
    """A list of ``length`` finite numbers."""
    if not isinstance(value, list):
        raise ScenarioError(path, where, f"expected an array of {what}, got {_type_name(value)}")
    if len(value) != length:
        raise ScenarioError(path, where, f"expected {what}, got {counted(len(value), 'number')}")
    for k, x in enumerate(value):
        number_at(path, f"{where}[{k}]", x)
    return np.array(value, dtype=np.float64).reshape(length)
