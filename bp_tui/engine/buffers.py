"""Where an optimizer's update writes: arrays recycled once nobody holds them any more.

An update hands out new arrays (the new weights, the optimizer's new state)
and never writes into an array it handed out before: the batch passes, the
timeline's checkpoints and the screen hold them, and must stay true.  Fresh
arrays for every update are what made Adam and momentum slow on a large
network: each update allocated about six arrays the size of the weights,
and whenever malloc gave the freed memory back to the system, the next
update paid a page fault per 4 KiB to get it again (hundreds per update on
784-128-10) and found none of it in the cache.

``Recycler`` reuses instead:

- ``out(like)``: an array to hand out.  It is one the recycler handed out
  earlier once every other reference to it, and every view of it, is gone
  (CPython's reference count says so exactly: a checkpoint, a batch pass or
  a read-only view on screen all hold a reference to the array itself, or to
  it as their ``base``), else a new one;
- ``scratch(like, k)``: a temporary that is never handed out, the same array
  every update (``k`` tells the temporaries of one update apart).

``FRESH`` has the same two methods with a new array every time: for
``explain``, which may run on a UI thread while a worker trains, and for
optimizers written without buffers.  Either way the arithmetic is the same
ufuncs on the same numbers, so the same bits.
"""

from __future__ import annotations

import sys
from collections import deque

import numpy as np

#: Smaller arrays are simply allocated: malloc serves them from its free lists at once,
#: and looking for a free one to recycle would cost more than it saves.
RECYCLE_FROM = 4096  # entries (32 KiB)
#: Arrays of one shape remembered, the most recently handed out: enough for the
#: timeline's recent checkpoints (8 updates of Adam's w, m and s) and the batch passes.
REMEMBER = 48
#: Free arrays of one shape kept for the next update (Adam takes 3: w, m and s); more are let go.
SPARE = 3


class Fresh:
    """A new array for everything (see the module doc)."""

    def out(self, like: np.ndarray) -> np.ndarray:
        return np.empty(like.shape)

    def scratch(self, like: np.ndarray, k: int = 0) -> np.ndarray:
        return np.empty(like.shape)


FRESH = Fresh()


def _references(arrays: deque, i: int) -> int:
    return sys.getrefcount(arrays[i])


def _unheld_count() -> int:
    """What ``_references`` says of an array nothing but the deque holds (interpreters differ)."""
    return _references(deque([np.empty(1)]), 0)


UNHELD = _unheld_count()


class Recycler(Fresh):
    """Arrays handed out, taken back once unheld; scratch arrays (see the module doc).

    Used by one thread at a time (the one training): an array nothing but the
    recycler holds cannot gain a holder meanwhile, since only the recycler can
    hand it out.
    """

    def __init__(self) -> None:
        self._handed: dict[tuple[int, ...], deque] = {}
        self._scratch: dict[tuple[tuple[int, ...], int], np.ndarray] = {}

    def out(self, like: np.ndarray) -> np.ndarray:
        shape = like.shape
        if like.size < RECYCLE_FROM:
            return np.empty(shape)
        handed = self._handed.get(shape)
        if handed is None:
            handed = self._handed[shape] = deque()
        found, spare = None, 0
        for i in range(len(handed) - 1, -1, -1):  # the most recently handed out first: likely still cached
            if _references(handed, i) > UNHELD:
                continue
            if found is None:
                found = handed[i]
                del handed[i]
            elif spare < SPARE:
                spare += 1
            else:
                del handed[i]  # one too many lying free: let it go
        if found is None:
            found = np.empty(shape)
            if len(handed) >= REMEMBER:
                handed.popleft()  # still held by someone (else it would have been taken): forget it
        handed.append(found)
        return found

    def scratch(self, like: np.ndarray, k: int = 0) -> np.ndarray:
        key = (like.shape, k)
        array = self._scratch.get(key)
        if array is None:
            array = self._scratch[key] = np.empty(like.shape)
        return array

    def forget(self) -> None:
        """Let every array go (the optimizer was reset: nothing is likely to be freed soon)."""
        self._handed.clear()
