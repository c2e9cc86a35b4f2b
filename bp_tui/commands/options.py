"""Option types and shared options for the subcommands.

A type raises ``argparse.ArgumentTypeError`` with one sentence; the parser turns
it into the one-line ``bp-tui ...: WHAT (see bp-tui --help)`` error.
"""

from __future__ import annotations

import argparse


def signed_whole(text: str) -> int:
    """A whole number of any sign (``explain --update N``, ``--port``): the range
    is the caller's to say in one message ("this scenario has updates 1..5")."""
    from ..engine.fields import whole_number

    try:
        return whole_number(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def count(text: str) -> int:
    """A whole number >= 0 (``--updates N``)."""
    value = signed_whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _megabytes(text: str, zero_allowed: bool) -> float:
    """A memory size in MiB, 1 to 1,000,000, or also 0 (none) where ``zero_allowed``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of megabytes, got {text[:20]!r}") from None
    if not ((zero_allowed and value == 0) or 1 <= value <= 1_000_000):
        range_ = "0 (none) or from 1" if zero_allowed else "from 1"
        raise argparse.ArgumentTypeError(f"must be {range_} to 1000000 megabytes, got {text[:20]}")
    return value


def megabytes(text: str) -> float:
    """A memory size in MiB, 1 to 1,000,000 (``--history-mb``)."""
    return _megabytes(text, zero_allowed=False)


def megabytes_or_none(text: str) -> float:
    """A size in MiB, 0 (none) or 1 to 1,000,000 (``--history-disk-mb``)."""
    return _megabytes(text, zero_allowed=True)


#: ``--size`` bounds: big enough for any screen, small enough to render in seconds.
MIN_SIZE, MAX_SIZE = (20, 10), (1000, 500)


def size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` in terminal cells, within MIN_SIZE..MAX_SIZE."""
    from ..engine.fields import printable, whole_number

    width, _, height = text.lower().partition("x")
    try:
        w, h = whole_number(width, 6), whole_number(height, 6)
    except ValueError:
        shown = printable(text, quote=True)
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 120x40, got {shown}") from None
    (w0, h0), (w1, h1) = MIN_SIZE, MAX_SIZE
    if not (w0 <= w <= w1 and h0 <= h <= h1):
        raise argparse.ArgumentTypeError(f"{w}x{h} is out of range: width {w0} to {w1}, height {h0} to {h1}")
    return w, h


def port(text: str) -> int:
    """A TCP port, 1..65535."""
    value = signed_whole(text)  # any whole number; the range is said in one message
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, got {value}")
    return value


def scenario_argument(parser: argparse.ArgumentParser, optional: bool = False) -> None:
    """The SCENARIO positional: required, or ``seed`` when left out."""
    help_text = "a scenario file or a bundled scenario's name (seed, xor, ...)"
    if optional:
        parser.add_argument("scenario", nargs="?", default="seed", metavar="SCENARIO",
                            help=help_text + "; default: seed")
    else:
        parser.add_argument("scenario", metavar="SCENARIO", help=help_text)


def start_options(parser: argparse.ArgumentParser) -> None:
    """Deep links, for the app and for ``serve``: where the app opens."""
    parser.add_argument("--goto", default=None, metavar="N", help="open after update N (0: the start)")
    parser.add_argument("--select", default=None, metavar="NAME",
                        help="open with this weight selected, e.g. W1[0,1] or b2[0]")
    parser.add_argument("--present", action="store_true",
                        help="open in presenter mode: the equation large, one sentence per phase, high contrast")
