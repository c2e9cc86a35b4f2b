"""Which samples make up each batch of each epoch (stochastic gradient descent).

"Use a different batch of data to calculate the next update; start over from
the beginning once all data is used; each time through the data is an epoch."

Without shuffling, batches are consecutive slices in file order; the last
batch of an epoch may be smaller.  With shuffling, each epoch's order is a
permutation drawn from a generator seeded by (seed, epoch) alone, so any
epoch's batches can be rebuilt without replaying the ones before it.
"""

from __future__ import annotations

import numpy as np


class Schedule:
    def __init__(self, samples: int, batch_size: int, epochs: int, shuffle: bool, seed: int):
        self.samples, self.batch_size, self.epochs = samples, batch_size, epochs
        self.shuffle, self.seed = shuffle, seed
        self.batches_per_epoch = -(-samples // batch_size)
        self.total_updates = self.batches_per_epoch * epochs
        self._order_epoch, self._order = 0, np.arange(samples)

    def order(self, epoch: int) -> np.ndarray:
        """The sample order of ``epoch`` (1-based): file order, or a seeded permutation."""
        if not self.shuffle:
            return self._order
        if epoch != self._order_epoch:
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 1, epoch]))
            self._order_epoch, self._order = epoch, rng.permutation(self.samples)
        return self._order

    def at(self, update: int) -> tuple[int, int, np.ndarray, slice | np.ndarray]:
        """``(epoch, batch, sample indices, rows)`` of the update after ``update`` done ones.

        ``rows`` selects the batch from the data: a slice (a view, no copy)
        in file order, the indices themselves when shuffled.
        """
        epoch, batch = divmod(update, self.batches_per_epoch)
        start = batch * self.batch_size
        indices = self.order(epoch + 1)[start:start + self.batch_size]
        rows = indices if self.shuffle else slice(start, start + self.batch_size)
        return epoch + 1, batch + 1, indices, rows

    def epoch_end(self, epoch: int) -> int:
        """How many updates are done when ``epoch`` (1-based; 0: the start) ends,
        clamped to training."""
        return min(max(epoch, 0), self.epochs) * self.batches_per_epoch

    def next_epoch_end(self, updates_done: int) -> int:
        """Where the epoch under way (after ``updates_done`` updates) ends."""
        return self.epoch_end(updates_done // self.batches_per_epoch + 1)

    def size(self, update: int) -> int:
        """How many samples the batch of update number ``update`` (from 0) holds."""
        start = (update % self.batches_per_epoch) * self.batch_size
        return min(self.batch_size, self.samples - start)

    def samples_before(self, batch: int) -> int:
        """How many samples an epoch's batches before ``batch`` (1-based) hold."""
        return min(self.samples, (batch - 1) * self.batch_size)
