"""How numbers are shown: short in the panes, full precision on request."""

from __future__ import annotations

import math

from ..engine.gradcheck import error_text


def short(x: float, digits: int = 4) -> str:
    """A compact number: ``0.94``, ``6``, ``-1.235e+05``, ``nan``."""
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text


def full(x: float) -> str:
    """Every digit float64 holds (the shortest string that round-trips)."""
    return repr(float(x))


def number(x: float, digits: int | None) -> str:
    """``digits`` significant digits, or every digit when None."""
    return full(x) if digits is None else short(x, digits)


#: ``3.2e-07``, or ``< 1e-10`` for round-off: the engine's rule (digits of
#: round-off differ between CPUs, so it is stated as a bound).
relative_error = error_text


def term(x: float, digits: int | None) -> str:
    """A number after an operator (``×``, ``−``): a negative one in brackets, ``0.5 × (-3)``."""
    text = number(x, digits)
    return f"({text})" if text.startswith("-") else text


def weight_style(w: float, scale: float) -> str:
    """Colour by sign, weight by magnitude relative to ``scale`` (the largest |w|)."""
    if not math.isfinite(w):
        return "bold white on red"
    colour = "#5fafff" if w > 0 else "#ff6f6f" if w < 0 else "grey50"
    ratio = abs(w) / scale if scale > 0 else 0.0
    if ratio > 0.66:
        return f"bold {colour}"
    if ratio < 0.2:
        return f"dim {colour}"
    return colour


def fit(x: float, width: int) -> str:
    """The most digits of ``x`` that fit in ``width`` characters."""
    for digits in (4, 3, 2, 1):
        text = short(x, digits)
        if len(text) <= width:
            return text
    return f"{x:.0e}" if len(f"{x:.0e}") <= width else "#" * width
