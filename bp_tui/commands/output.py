"""Writing to the terminal for the CLI: a failed write is a one-line user error.

A user error (bad file, bad option) prints ``PATH: WHERE: WHAT`` or
``bp-tui: WHAT`` on stderr, one line, and exits 2, with nothing on stdout and
no traceback.  Output that cannot be written (``> /dev/full``, a closed
stdout) is reported the same way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

PROG = "bp-tui"


class UsageError(Exception):
    """A bad option or an unusable output: printed as one line, exit 2."""


def emit(texts: Iterable[str | bytes]) -> None:
    """Write ``texts`` to stdout; a closed or full output is a one-line UsageError.

    A BrokenPipeError (the reader left, as ``| head`` does) passes through:
    ``main`` ends quietly then.
    """
    out = sys.stdout
    if out is None:
        raise UsageError(f"{PROG}: standard output is closed")
    raw = getattr(out, "buffer", None)
    try:
        for text in texts:
            if isinstance(text, bytes):  # the trace's lines: megabytes, written as they are
                if raw is None:
                    out.write(text.decode("ascii"))
                else:
                    raw.write(text)
            else:
                out.write(text)
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # ValueError: write to a closed file
        drop_stdout()
        raise UsageError(f"{PROG}: cannot write the output: {getattr(error, 'strerror', None) or error}") from None


def drop_stdout() -> None:
    """After a failed write, point stdout at /dev/null so exit does not flush again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def say(message: str) -> None:
    """One line on stderr, if there is a stderr that still takes writes."""
    if sys.stderr is not None:
        try:
            print(message, file=sys.stderr)
        except OSError:
            pass
