"""Going back in time: any phase of training, by checkpoints and replay.

Training is deterministic per scenario and seed, so a past state need not be
stored: it can be recomputed from an earlier one.  A jump costs the replay
from the nearest checkpoint before it, so where checkpoints sit decides how
long a jump takes.  The timeline keeps

- sparse checkpoints, as many as a memory budget allows, dense near where
  the user is and sparser with distance: when full, the one whose loss
  leaves the smallest gap *relative to its distance from the current
  update* goes, so the gaps grow in proportion to the distance
  (logarithmic spacing) up to a cap, beyond which they are even.  A step
  back costs a few updates' replay; a jump far away costs at most about
  2 x (updates so far) / (checkpoints) updates.  A jump's replay leaves
  checkpoints behind at doubling distances before its target, so the
  density follows the user;
- the last few update boundaries passed, so stepping back a phase or two
  costs at most one update's replay.

The budget (bytes of weights and optimizer state pinned) defaults to 160 MiB;
``BP_TUI_HISTORY_MB`` (or ``bp-tui --history-mb``) sets it: more memory, shorter
far jumps (benchmarks/history.py measures both, with the process's RSS).

Memory alone cannot keep far jumps short on a big network: for jumps to
anywhere, the mean replay is about (updates so far) / (checkpoints) / 2
however they are placed, and a 784-128-10 checkpoint with Adam is 2.4 MB.
So when a run is long enough for the memory checkpoints to end up sparser
than ``DISK_WORK`` of replay apart, checkpoints also go to disk
(``checkpoint_store``) every ``disk_spacing`` updates, within
``BP_TUI_HISTORY_DISK_MB`` (``--history-disk-mb``; default 2 GiB, 0: none),
and a jump starts from whichever checkpoint, in memory or on disk, is nearer.

A checkpoint holds references to the weight arrays and the optimizer's
state, never copies: neither the session nor the optimizer ever writes into
an array it has handed out.

Positions count phases from the start: ``update * phases_per_update + phase``.
"""

from __future__ import annotations

import bisect
import os
from collections import OrderedDict

from .checkpoint_store import DiskCheckpoints
from .session import Checkpoint, TrainingSession
from .state import Phase

#: Bytes of weights and optimizer state the checkpoints may pin (the target is 250 MB in all, with
#: Adam on 784-128-10; the process itself takes ~55 MB).
DEFAULT_BUDGET = 160 * 1024**2
BUDGET_ENV = "BP_TUI_HISTORY_MB"
#: Bytes of checkpoints on disk (module doc); ``BP_TUI_HISTORY_DISK_MB`` sets it, 0 turns it off.
DEFAULT_DISK_BUDGET = 2048 * 1024**2
DISK_BUDGET_ENV = "BP_TUI_HISTORY_DISK_MB"
RECENT = 8  # update boundaries kept however the sparse ones are spread
MIN_SPACING = 32  # sparse checkpoints at most this many updates apart near the user, on a small
# network: replaying 32 is quick, and keeping every update would make each new weight array fresh
# memory (page faults).  Larger networks get fewer (``spacing``): an update costs more to replay.
#: Work (``replay_work``, summed over updates) one spacing's replay may cost: about 20 ms on one core.
SPACING_WORK = 64 * 1024**2
#: Work between two checkpoints on disk to begin with: about 150 ms of replay on one core.
DISK_WORK = 512 * 1024**2
#: Beyond this many times the even spacing (updates / checkpoints) from the current
#: update, checkpoints are spread evenly: a far jump's replay stays bounded.
FAR = 2
#: With fewer checkpoints than this (a large network in the default budget: 784-512-512-10
#: gets 23; 784-128-10 with Adam 60, with SGD 198), none are spent near the user: they are spread
#: evenly, as a far jump needs them.
FEW = 48


def history_budget() -> int:
    """The checkpoint budget in bytes: ``BP_TUI_HISTORY_MB`` (MiB) if set, else the default."""
    megabytes = _megabytes(BUDGET_ENV)
    return DEFAULT_BUDGET if megabytes is None or not megabytes > 0 else int(megabytes * 1024**2)


def disk_budget() -> int:
    """The budget on disk in bytes: ``BP_TUI_HISTORY_DISK_MB`` (MiB; 0: no disk) if set, else the default."""
    megabytes = _megabytes(DISK_BUDGET_ENV)
    return DEFAULT_DISK_BUDGET if megabytes is None or not megabytes >= 0 else int(megabytes * 1024**2)


def _megabytes(name: str) -> float | None:
    text = os.environ.get(name, "").strip()
    try:
        return float(text) if text else None
    except ValueError:
        return None


def replay_work(session: TrainingSession) -> int:
    """What replaying one update costs, in multiply-adds' worth: the products (parameters x
    batch size) and the optimizer's pass over every parameter (its slots cost: Adam's m and s
    make a 784-128-10 update 1.8x plain SGD's)."""
    params = sum(w.size for w in session.W[1:])
    return params * (session.schedule.batch_size + 8 + 24 * len(session.optimizer.slots))


class Timeline:
    """Drives a session forward and back; every move goes through here."""

    def __init__(self, session: TrainingSession, budget: int | None = None, disk: int | None = None):
        self.session = session
        self.per_update = len(session.cycle)
        self.budget = history_budget() if budget is None else budget
        self._checkpoint_bytes = max(1, session.checkpoint_bytes)
        work = max(1, replay_work(session))
        self.spacing = min(MIN_SPACING, max(1, SPACING_WORK // work))
        self.disk_spacing = max(self.spacing, DISK_WORK // work)
        disk = disk_budget() if disk is None else disk
        # Disk only when memory alone would end up sparser than that (module doc).
        needed = session.schedule.total_updates / self.max_sparse > self.disk_spacing
        self.disk = DiskCheckpoints(disk, self.disk_spacing) if disk >= self._checkpoint_bytes and needed else None
        self.reset()

    def close(self) -> None:
        """Remove the checkpoints on disk (also done when the timeline is collected or at exit)."""
        if self.disk is not None:
            self.disk.close()

    def reset(self) -> None:
        """Back to the start, forgetting every checkpoint."""
        self.session.reset()
        start = self.session.checkpoint()
        self._sparse: dict[int, Checkpoint] = {0: start}
        self._sparse_keys = [0]
        self._recent: OrderedDict[int, Checkpoint] = OrderedDict()
        self.frontier = 0
        if self.disk is not None:
            self.disk.clear()

    # ------------------------------------------------------------ where
    @property
    def position(self) -> int:
        s = self.session
        return s.updates_done * self.per_update + s.phases_done

    @property
    def end(self) -> int:
        """The last position: training finished."""
        return self.session.schedule.total_updates * self.per_update

    @property
    def max_sparse(self) -> int:
        recent_bytes = RECENT * self._checkpoint_bytes
        return max(8, (self.budget - recent_bytes) // self._checkpoint_bytes)

    def memory_bytes(self) -> int:
        """Bytes of weight and optimizer state arrays the checkpoints keep alive
        (shared ones counted once), and the session's loss history."""
        seen, total = set(), 0
        for checkpoint in list(self._sparse.values()) + list(self._recent.values()):
            for a in checkpoint.arrays():
                if id(a) not in seen:
                    seen.add(id(a))
                    total += a.nbytes
        return total + self.session.history_bytes

    def disk_bytes(self) -> int:
        """Bytes of checkpoints on disk."""
        return 0 if self.disk is None else self.disk.nbytes

    # ------------------------------------------------------------ forward
    def note(self) -> None:
        """After any move (also one made on the session directly): remember
        update boundaries, push the frontier."""
        s = self.session
        if s.phases_done == 0:
            checkpoint = s.checkpoint()
            self._remember(checkpoint)
            if self.disk is not None and self.disk.due(s.updates_done):
                self.disk.put(checkpoint)
        self.frontier = max(self.frontier, self.position)

    def _remember(self, checkpoint: Checkpoint) -> None:
        u = checkpoint.updates_done
        self._recent[u] = checkpoint
        self._recent.move_to_end(u)
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        keys = self._sparse_keys
        at = bisect.bisect(keys, u)
        if self.max_sparse < FEW:  # spread evenly (see FEW)
            room = u - keys[at - 1] >= max(MIN_SPACING, keys[-1] // self.max_sparse)
        else:
            room = u - keys[at - 1] >= self.spacing and (at == len(keys) or keys[at] - u >= self.spacing)
        if u not in self._sparse and room:
            self._sparse[u] = checkpoint
            keys.insert(at, u)
            while len(keys) > self.max_sparse:
                self._thin()

    def _thin(self) -> None:
        """Drop the inner checkpoint whose loss leaves the smallest gap for its distance
        from the current update (module doc): gaps grow with the distance, up to a cap."""
        keys, focus = self._sparse_keys, self.session.updates_done
        far = FAR * (keys[-1] - keys[0]) / self.max_sparse if self.max_sparse >= FEW else 0
        k = min(range(1, len(keys) - 1),
                key=lambda i: (keys[i + 1] - keys[i - 1]) / (min(abs(keys[i] - focus), far) + self.spacing))
        del self._sparse[keys.pop(k)]

    def step(self) -> Phase:
        phase = self.session.step()
        self.note()
        return phase

    def finish_update(self) -> None:
        self.session.finish_update()
        self.note()

    def run_updates(self, count: int) -> None:
        for _ in range(count):
            if self.session.finished:
                break
            self.finish_update()

    # ------------------------------------------------------------ back
    def back(self, phases: int = 1) -> bool:
        """Undo ``phases`` phases; False at the start."""
        if self.position == 0:
            return False
        self.goto(max(0, self.position - phases))
        return True

    def redo(self) -> bool:
        """Forward one phase again after going back; False at the frontier."""
        if self.position >= self.frontier:
            return False
        self.step()
        return True

    def goto_update(self, update: int) -> None:
        """Just after update ``update`` is applied (0: the start)."""
        self.goto(min(max(update, 0), self.session.schedule.total_updates) * self.per_update)

    def goto_epoch(self, epoch: int) -> None:
        """Just after epoch ``epoch``'s last update (0: the start)."""
        self.goto_update(self.session.schedule.epoch_end(epoch))

    def goto(self, position: int) -> None:
        """Any phase of training, back or forward: replay from the nearest checkpoint."""
        position = min(max(position, 0), self.end)
        update, phase = divmod(position, self.per_update)
        here = self.position
        start = self._nearest_update(update - 1 if update else 0)
        if not (here <= position and here >= start * self.per_update):
            self.session.restore(self._checkpoint(start))
            self.note()
        # Replay in one go but for checkpoints at doubling distances before the
        # target (for the next jumps near it), the last few boundaries, and past
        # the last checkpoint on disk, those due there.
        done = self.session.updates_done
        if self.max_sparse < FEW:  # few checkpoints: spent evenly, none left behind here
            stops = [update - RECENT] if update - RECENT > done else []
        else:
            stops = self._stops(done, update - RECENT, self.spacing)
        if self.disk is not None:
            every = self.disk.spacing
            last = max(done, self.disk.keys[-1] if self.disk.keys else 0)
            stops = sorted(set(stops) | set(range(last + every - last % every, update - RECENT + 1, every)))
        for stop in stops:
            self.session.run_updates(stop - self.session.updates_done)
            self.note()
        while self.session.updates_done < update:
            self.finish_update()
        self.session.run_phases(phase - self.session.phases_done)
        self.note()

    @staticmethod
    def _stops(start: int, target: int, spacing: int) -> list[int]:
        """Updates between ``start`` and ``target`` where a replay leaves a checkpoint:
        ``target``, then ``spacing`` x 1, 2, 4, ... before it."""
        stops, distance = [], 0
        while target - distance > start:
            stops.append(target - distance)
            distance = max(spacing, 2 * distance)
        return stops[::-1]

    def _nearest_update(self, update: int) -> int:
        """The update of the latest checkpoint at or before ``update``, in memory or on disk."""
        best = self._sparse_keys[bisect.bisect(self._sparse_keys, update) - 1]
        best = max([best] + [u for u in self._recent if u <= update])
        on_disk = None if self.disk is None else self.disk.nearest(update)
        return best if on_disk is None else max(best, on_disk)

    def _checkpoint(self, update: int) -> Checkpoint:
        """The checkpoint of ``update`` (one ``_nearest_update`` gave): from memory if there."""
        if update in self._recent:
            return self._recent[update]
        if update in self._sparse:
            return self._sparse[update]
        assert self.disk is not None
        return self.disk.get(update)

    def _nearest(self, update: int) -> Checkpoint:
        """The latest checkpoint at or before ``update``."""
        return self._checkpoint(self._nearest_update(update))
