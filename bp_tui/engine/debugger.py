"""The session as a debugger drives it: steps, time travel, breakpoints, watches.

``Debugger`` ties one ``TrainingSession`` to its ``Timeline`` (every move goes
through the timeline, so any past phase can be revisited), a
``BreakpointChecker`` (consulted after every update a run makes) and the
watched weights and nodes.  The app holds one and calls it; so can a
notebook.  Still pure NumPy: no UI here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import gradcheck
from .breakpoints import BreakpointChecker, BreakpointHit
from .gradcheck import GradCheck, NetworkCheck
from .params import Node, Param
from .scenario import Scenario
from .session import TrainingSession
from .state import BatchView, Phase, gradient_batch
from .timeline import Timeline


@dataclass(frozen=True)
class StateWatch:
    """One entry of the optimizer's state: momentum's ``v`` of ``W1[1,0]``, Adam's ``m`` or ``s``."""

    slot: str
    param: Param

    @property
    def name(self) -> str:
        return f"{self.slot} of {self.param.name}"


#: What can be pinned: a weight or bias entry, a node (its batch mean), or an optimizer state entry.
Watch = Param | Node | StateWatch


class Watches:
    """Values of pinned weights (after each update) and nodes (batch mean, each update).

    Series are indexed by update; updates not seen while pinned are NaN.
    Values depend only on the update, so replaying one writes the same value.
    """

    def __init__(self) -> None:
        self.series: dict[Watch, np.ndarray] = {}

    def toggle(self, watch: Watch, session: TrainingSession) -> bool:
        """Pin or unpin; True when now pinned."""
        if watch in self.series:
            del self.series[watch]
            return False
        self.series[watch] = np.full(max(16, session.updates_done + 1), np.nan)
        self.record(session)
        return True

    def record(self, session: TrainingSession) -> None:
        """Note the current values at ``updates_done`` (a node: its last forward pass)."""
        u = session.updates_done
        for watch, values in self.series.items():
            if u >= len(values):
                values = self.series[watch] = np.concatenate([values, np.full(len(values) + u, np.nan)])
            values[u] = self._value(watch, session)

    @staticmethod
    def _value(watch: Watch, session: TrainingSession) -> float:
        if isinstance(watch, Node):  # the batch mean of the node's value in the last update applied
            if session.applied is None:
                return np.nan
            return float(np.mean(session.applied.node_values[watch.layer][:, watch.j]))
        if isinstance(watch, StateWatch):  # after the update, like a weight
            return session.optimizer.state.value(watch.slot, watch.param)
        return watch.value(session.W, session.b)

    def view(self, updates_done: int) -> list[tuple[Watch, np.ndarray]]:
        """Each watch's values at updates 0..updates_done."""
        return [(w, values[: updates_done + 1]) for w, values in self.series.items()]


class Debugger:
    def __init__(self, scenario: Scenario, session: TrainingSession | None = None):
        self.scenario = scenario
        self.session = session or TrainingSession(scenario)
        self.timeline = Timeline(self.session)
        s = self.session
        self.breakpoints = BreakpointChecker(scenario.breakpoints, s.depth, ("",) + scenario.activations,
                                             s.schedule.batches_per_epoch)
        self.watches = Watches()
        self.last_hit: BreakpointHit | None = None

    def toggle_state_watch(self, param: Param) -> tuple[list[StateWatch], bool]:
        """Pin (or unpin) the optimizer's state of entry ``param``: momentum's v, Adam's m and s.

        Returns the watches and whether they are now pinned; no watches for an
        optimizer that keeps no state (SGD).
        """
        watches = [StateWatch(slot, param) for slot in self.session.optimizer.slots]
        pinned = bool(watches) and watches[0] not in self.watches.series
        for watch in watches:
            if (watch in self.watches.series) != pinned:
                self.watches.toggle(watch, self.session)
        return watches, pinned

    # ---------------------------------------------------------------- moves
    def _moved(self, observed: bool = False) -> None:
        """After any move: watches note the update; breakpoints forget what they gathered
        unless the move was one they observed."""
        if not observed:
            self.breakpoints.reset()
        self.watches.record(self.session)

    def _phase(self, run: Callable[[], Phase]) -> Phase:
        """One phase by the session's ``run`` (which refuses one out of turn)."""
        phase = run()
        self.timeline.note()
        if self.session.phases_done == 0:  # an update was applied: breakpoints see it
            self._observe()
        self._moved(observed=True)
        return phase

    def step(self) -> Phase:
        return self._phase(self.session.step)

    def forward(self) -> Phase:
        return self._phase(self.session.forward)

    def backward(self) -> Phase:
        return self._phase(self.session.backward)

    def update(self) -> Phase:
        return self._phase(self.session.update)

    def back(self) -> bool:
        moved = self.timeline.back()
        self._moved()
        return moved

    def redo(self) -> bool:
        moved = self.timeline.redo()
        self._moved()
        return moved

    def goto_update(self, update: int, **run: Any) -> BreakpointHit | None:
        """Forwards: run (breakpoints can stop it; ``run``: ``stop``/``lock``/``tick`` as
        ``run`` takes them, so a UI can run it in a worker); backwards: jump."""
        if update > self.session.updates_done:
            return self.run(until_update=update, **run)
        self.timeline.goto_update(update)
        self._moved()
        return None

    def goto_epoch(self, epoch: int, **run: Any) -> BreakpointHit | None:
        """Just after epoch ``epoch``'s last update (0: the start), as ``goto_update``."""
        return self.goto_update(self.session.schedule.epoch_end(epoch), **run)

    def epoch_end(self) -> int:
        """The update that ends the epoch under way: ``run(until_update=...)``
        there finishes the epoch (``e``)."""
        return self.session.schedule.next_epoch_end(self.session.updates_done)

    def reset(self) -> None:
        self.timeline.reset()
        self.last_hit = None
        self._moved()

    # --------------------------------------------------------------- checks
    def gradient_batch(self, layer: int) -> BatchView | None:
        """The batch whose gradient of ``layer`` the breakdown shows (see ``state.gradient_batch``)."""
        s = self.session
        return gradient_batch(s.current.view(), None if s.applied is None else s.applied.view(), layer)

    def check_weight(self, param: Param) -> GradCheck | None:
        """Check the gradient of ``param`` on screen; None before any backward pass reached it.

        The check reads an immutable view: a UI may take the view under its
        lock and run ``gradcheck.check_weight`` on it outside."""
        batch = self.gradient_batch(param.layer)
        sc = self.scenario
        return None if batch is None else gradcheck.check_weight(batch, param, sc.activations, sc.loss)

    def check_network(self, progress: Callable[[int, int], None] = lambda done, total: None) -> NetworkCheck | None:
        """Every weight's check on the one batch whose gradients are all on screen (``V``);
        ``progress(checked, total)`` as ``gradcheck.check_network`` calls it.

        None before any backward pass, and while one is half done: then the
        last layers show the new batch and the first ones the last update's,
        and a check of either would not be the number on screen for the other."""
        grads = self.session.current.grad_weights
        batch = self.gradient_batch(1)
        if batch is None or (grads[-1] is not None and grads[1] is None):
            return None
        sc = self.scenario
        return gradcheck.check_network(batch, sc.activations, sc.loss, progress=progress)

    # ------------------------------------------------------------------ run
    def _observe(self) -> BreakpointHit | None:
        s = self.session
        assert s.applied is not None  # called after an update
        hit = self.breakpoints.observe(s.updates_done, s.applied, s.loss_history)  # the pass itself: a BatchRecord
        if hit is not None and hit.kind == "non_finite" and not hit.also and self._seen_non_finite(hit):
            hit = None  # already broken: stop where it started, not on every update after
        self.last_hit = hit or self.last_hit
        return hit

    def _seen_non_finite(self, hit: BreakpointHit) -> bool:
        """This NaN/inf was already reported (this update) or began earlier."""
        last = self.last_hit
        if last is not None and last.kind == "non_finite" and last.update == hit.update:
            return True
        history = self.session.loss_history
        return len(history) >= 2 and not np.isfinite(history[-2])

    def run(self, until_update: int | None = None,
            stop: Callable[[], bool] = lambda: False,
            lock: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
            tick: Callable[[], None] = lambda: None) -> BreakpointHit | None:
        """Whole updates until training ends, ``until_update`` is reached, ``stop()`` says so,
        or a breakpoint fires (returned).

        Each update runs under ``lock()``, so a UI thread can read between them;
        ``tick()`` is called after each, still under the lock.
        A NaN/inf hit leaves the session at the phase where it first appeared.
        """
        s = self.session
        with lock():
            if s.phases_done:  # finish the update under way first
                self.timeline.finish_update()
                hit = self._observe()
                self._moved(observed=True)
                if hit:
                    return self._stop_at(hit)
        while True:
            with lock():
                if s.finished or (until_update is not None and s.updates_done >= until_update):
                    return None
                self.timeline.finish_update()
                hit = self._observe()
                self.watches.record(s)
                tick()
                if hit:
                    return self._stop_at(hit)
            if stop():
                return None

    def _stop_at(self, hit: BreakpointHit) -> BreakpointHit:
        if hit.kind == "non_finite" and hit.phase is not None:
            per = self.timeline.per_update
            index = self.session.cycle.index(hit.phase)
            self.timeline.goto((hit.update - 1) * per + index + 1)
            self.watches.record(self.session)
        return hit
