"""Checkpoints on disk: far more of them than memory holds, read back bit for bit.

A jump replays from the nearest checkpoint before its target, so for jumps
to anywhere in a long run the replay distance is about (updates so far) /
(checkpoints) / 2 whatever their placement: each checkpoint serves at most
the updates just after it.  Memory alone cannot make that short for a big
network with Adam (784-128-10: 2.4 MB a checkpoint, 3 ms an update;
100,000 updates in 200 MB of checkpoints leaves ~700 updates, ~2 s, per
jump).  Disk can: a checkpoint is written every ``spacing`` updates (one
file, the arrays' raw bytes, about a millisecond) and read back in about as
long as one update's replay takes.

The files live in a fresh directory under the user's cache directory
(``BP_TUI_HISTORY_DIR`` if set; not ``/tmp``, often memory itself), removed
when the store is closed, collected or the process exits; a directory left
by a process that died is removed by the next one.  The store keeps within
its byte budget by deleting, when full, the file whose neighbours are
closest: the gaps stay nearly even, which is what jumps to anywhere need.
"""

from __future__ import annotations

import bisect
import os
import shutil
import tempfile
import weakref
from pathlib import Path

import numpy as np

from .batch_pass import Checkpoint
from .optimizers import OptimizerState

DIR_ENV = "BP_TUI_HISTORY_DIR"
PREFIX = "history-"


def cache_root() -> Path:
    """Where history directories go: ``BP_TUI_HISTORY_DIR``, else ``$XDG_CACHE_HOME/bp-tui``
    (``~/.cache/bp-tui``)."""
    chosen = os.environ.get(DIR_ENV, "").strip()
    if chosen:
        return Path(chosen)
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(cache) if cache else Path.home() / ".cache") / "bp-tui"


class DiskCheckpoints:
    """Checkpoints at multiples of ``spacing`` updates, one file each (see the module doc)."""

    def __init__(self, budget: int, spacing: int):
        self.budget, self.spacing = budget, max(1, spacing)
        self.keys: list[int] = []  # sorted
        self._layout: tuple | None = None  # shapes and dtypes, the same for every checkpoint
        self._bytes = 0
        self._dir: Path | None = None
        self._cleanup: weakref.finalize | None = None

    @property
    def nbytes(self) -> int:
        """Bytes on disk."""
        return self._bytes * len(self.keys)

    def due(self, update: int) -> bool:
        """Whether ``update`` gets a checkpoint here: a multiple of ``spacing`` past the last one
        (a replay of the past never writes again what thinning removed)."""
        return update > 0 and update % self.spacing == 0 and (not self.keys or update > self.keys[-1])

    def put(self, checkpoint: Checkpoint) -> None:
        """Write ``checkpoint`` (its update is ``due``), thinning first if the budget is full."""
        arrays = list(checkpoint.arrays())
        if self._layout is None:
            self._layout = _layout(checkpoint)
            self._bytes = sum(a.nbytes for a in arrays)
        u = checkpoint.updates_done
        if self._bytes > self.budget or checkpoint.optimizer.updates != u:
            return  # (an optimizer state counts the session's updates: rebuilt from that)
        while self.keys and self._bytes * (len(self.keys) + 1) > self.budget:
            self._thin()
        with open(self._path(u), "wb") as f:
            for a in arrays:
                f.write(np.ascontiguousarray(a).data)
        self.keys.append(u)

    def nearest(self, update: int) -> int | None:
        """The latest stored update at or before ``update``."""
        at = bisect.bisect(self.keys, update)
        return self.keys[at - 1] if at else None

    def get(self, update: int) -> Checkpoint:
        """The checkpoint stored for ``update``: new read-only arrays, the same bytes."""
        assert self._layout is not None
        buffer = np.empty(self._bytes, dtype=np.uint8)
        with open(self._path(update), "rb") as f:
            if f.readinto(buffer.data) != self._bytes:
                raise OSError(f"{self._path(update)}: checkpoint file cut short")
        offset, arrays = 0, []
        for shape, dtype in self._layout[0]:
            count = int(np.prod(shape)) * dtype.itemsize
            a = buffer[offset:offset + count].view(dtype).reshape(shape)
            a.flags.writeable = False
            arrays.append(a)
            offset += count
        return _rebuild(update, self._layout, iter(arrays))

    def clear(self) -> None:
        """Forget every checkpoint; the files go."""
        for u in self.keys:
            self._path(u).unlink(missing_ok=True)
        self.keys = []

    def close(self) -> None:
        """Remove the directory and everything in it."""
        self.keys = []
        if self._cleanup is not None:
            self._cleanup()
        self._dir = None

    def _thin(self) -> None:
        """Delete the checkpoint whose neighbours are closest together (update 0, always in
        memory, counts as one; the last is kept): the gaps stay nearly even as the run grows,
        which is best for jumps anywhere."""
        keys = self.keys
        at = min(range(len(keys) - 1), key=lambda i: keys[i + 1] - (keys[i - 1] if i else 0)) if len(keys) > 1 else 0
        self._path(keys.pop(at)).unlink(missing_ok=True)

    def _path(self, update: int) -> Path:
        if self._dir is None:
            self._dir = _fresh_directory()
            self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, True)
        return self._dir / f"{update}.bin"


def _layout(checkpoint: Checkpoint) -> tuple:
    """What to rebuild a checkpoint from its arrays: their shapes and dtypes, where each goes."""
    arrays = tuple((a.shape, a.dtype) for a in checkpoint.arrays())
    state = checkpoint.optimizer
    return (arrays, tuple(a is None for a in checkpoint.W), tuple(a is None for a in checkpoint.b),
            state.params, state.slots, tuple(len(per) for per in state.arrays))


def _rebuild(update: int, layout: tuple, arrays) -> Checkpoint:
    """A checkpoint from its arrays, in the order ``Checkpoint.arrays`` gives them."""
    _, no_W, no_b, params, slots, per_param = layout
    W = [None if absent else next(arrays) for absent in no_W]
    b = [None if absent else next(arrays) for absent in no_b]
    state = tuple(tuple(next(arrays) for _ in range(n)) for n in per_param)
    return Checkpoint(update, tuple(W), tuple(b), OptimizerState(update, params, slots, state))


def _fresh_directory() -> Path:
    """A new directory for this process's files; directories of dead processes go first."""
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        root = Path(tempfile.gettempdir())
    for old in root.glob(f"{PREFIX}*"):
        if not _alive(old.name[len(PREFIX):].split("-")[0]):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))


def _alive(pid: str) -> bool:
    """Whether process ``pid`` still runs (True when unsure: never remove another's files)."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:
        return True
    return True
