"""Numbers and formulas of the worked example, as Markdown maths (``$...$``).

A number is shown exactly when a few digits hold it exactly (``0.94``, ``7``),
otherwise with 10 significant digits (never fewer than 8): a student can redo
every product on a calculator and land on the printed result.  Large and tiny
numbers use ``× 10^{k}`` so a renderer shows proper scientific notation.
"""

from __future__ import annotations

import math

EXACT_DIGITS = 10  # a shortest round-trip form up to this long is printed as it is
SHOWN_DIGITS = 10  # otherwise this many significant digits
MIN_DIGITS = 8  # and never fewer (trailing zeros kept when rounding shortens it)
EXPAND_TERMS = 8  # sums of up to this many terms are written out term by term


def _significant(text: str) -> int:
    mantissa = text.lower().split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    return len(mantissa)


def plain(x: float) -> str:
    """The number in plain text: ``7``, ``0.94``, ``-1.234567891e-05``, ``NaN``."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    text = repr(x)
    if _significant(text) > EXACT_DIGITS:
        text = f"{x:.{SHOWN_DIGITS}g}"
        if _significant(text) < MIN_DIGITS:  # 0.30000000000000004 -> 0.30000000, not 0.3
            text = f"{x:#.{MIN_DIGITS}g}"
    if "e" not in text and text.endswith(".0"):
        text = text[:-2]
    return text


def num(x: float) -> str:
    """The number as maths: ``7``, ``0.94``, ``1.5 \\times 10^{-5}``, ``\\text{NaN}``."""
    text = plain(x)
    if text == "NaN":
        return r"\text{NaN}"
    if text.endswith("Infinity"):
        return "-\\infty" if text.startswith("-") else "\\infty"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def factor(x: float) -> str:
    """A number inside a product or sum: negatives in brackets, ``(-3)``."""
    text = num(x)
    return f"({text})" if text.startswith("-") else text


def product(*factors: float) -> str:
    """``1 \\times 6 \\times 1``."""
    return r" \times ".join(factor(f) for f in factors)


def total(terms: list[str]) -> str:
    """``a + b + c`` from already formatted terms."""
    return " + ".join(terms) if terms else "0"


def activation_value(name: str, z: float, a: float) -> str:
    """The node value from its pre-activation, e.g. ``\\operatorname{relu}(3) = 3``."""
    if name == "identity":
        return f"{num(a)}"
    if name == "softmax":
        return rf"\operatorname{{softmax}}(z)_j = {num(a)}"
    escaped = name.replace("_", "\\_")
    return rf"\operatorname{{{escaped}}}({num(z)}) = {num(a)}"


def activation_slope(name: str, z: float, a: float, slope: float) -> str:
    """The activation's slope at the node, with the numbers it is computed from."""
    if name == "identity":
        return "1"
    if name == "relu":
        side = "z > 0" if z > 0 else r"z \le 0"
        return rf"{num(slope)} \quad ({side})"
    if name == "leaky_relu":
        side = "z > 0" if z > 0 else r"z \le 0"
        return rf"{num(slope)} \quad ({side})"
    if name == "sigmoid":
        return rf"a(1 - a) = {factor(a)} \times (1 - {factor(a)}) = {num(slope)}"
    if name == "tanh":
        return rf"1 - a^2 = 1 - {factor(a)}^2 = {num(slope)}"
    return num(slope)  # softmax: taken together with the loss (p - t)


LOSS_FORMULAS = {
    "mse": r"L = \frac{1}{m}\sum_k (p_k - t_k)^2",
    "bce": r"L = -\frac{1}{m}\sum_k \left(t_k \log p_k + (1 - t_k)\log(1 - p_k)\right)",
    "cross_entropy": r"L = -\sum_k t_k \log p_k",
}

OUTPUT_SLOPE_FORMULAS = {
    "mse": r"\frac{\partial L}{\partial p_k} = \frac{2}{m}(p_k - t_k)",
    "bce": r"\frac{\partial L}{\partial p_k} = \frac{1}{m} \cdot \frac{p_k - t_k}{p_k(1 - p_k)}",
    "cross_entropy": r"\frac{\partial L}{\partial z_k} = p_k - t_k",
}


def sample_loss(loss: str, p: list[float], t: list[float], value: float) -> str:
    """One sample's loss with its numbers (``3^2 = 9`` for the seed)."""
    m = len(p)
    if loss == "mse":
        terms = total([f"{factor(pk - tk)}^2" for pk, tk in zip(p, t)])
        return f"{terms} = {num(value)}" if m == 1 else rf"\frac{{1}}{{{m}}}({terms}) = {num(value)}"
    if loss == "bce":
        terms = total([rf"{factor(tk)} \log {factor(pk)} + (1 - {factor(tk)}) \log(1 - {factor(pk)})"
                       for pk, tk in zip(p, t)])
        scale = "" if m == 1 else rf"\frac{{1}}{{{m}}}"
        return rf"-{scale}\left({terms}\right) = {num(value)}"
    k = max(range(m), key=lambda i: t[i])  # one-hot: the target's class
    return rf"-\log p_{{{k}}} = -\log {factor(p[k])} = {num(value)}"


def output_slope(loss: str, p: float, t: float, m: int, slope: float) -> str:
    """The loss slope at one output node with its numbers (``2 \\times 3 = 6``)."""
    if loss == "mse":
        scale = "2" if m == 1 else rf"\frac{{2}}{{{m}}}"
        return rf"{scale} \times {factor(p - t)} = {num(slope)}"
    if loss == "bce":
        scale = "" if m == 1 else rf"\frac{{1}}{{{m}}} \cdot "
        return (rf"{scale}\frac{{{num(p)} - {factor(t)}}}{{{factor(p)} \times (1 - {factor(p)})}}"
                rf" = {num(slope)}")
    return rf"{num(p)} - {factor(t)} = {num(slope)}"
