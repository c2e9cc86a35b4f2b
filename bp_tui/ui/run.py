"""The run controller: every engine move the app makes, and the runs that go
on in a worker thread (continue, e, go-to), outside the App class.

It holds the app's one ``Debugger`` and the lock every move takes, so the
UI thread never reads the session halfway through an update.  A move the
user waits for (a phase, a jump) runs on the UI thread.  A run of whole
updates starts there too, for a bounded amount of work, so that short runs
(``enter`` on a small network) end before the next frame; if it has not
ended by then it goes on in a worker, which the pause event stops after the
update under way.  While a run goes on, the worker keeps a ``Reading`` (taken
under the lock after an update, at most every ``REDRAW_SECONDS``) and a timer
on the UI thread hands the latest to ``on_redraw``: drawing never waits for
the lock and the run never waits for drawing.

``pace`` (seconds between steps, None: as fast as it goes) is the seam for
paced playback: the worker waits that long after each step; a pause ends the
wait at once, and a new pace (``set_pace``) re-times the wait under way, so a
run goes on at the new pace without stopping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from textual.app import App
from textual.timer import Timer

from ..engine.breakpoints import BreakpointHit
from ..engine.debugger import Debugger, Watch
from ..engine.state import SessionState

REDRAW_SECONDS = 0.25  # while a run goes on: redraw 4 times a second (drawing costs the run)
SYNC_WORK = 5_000_000  # updates x parameters run on the UI thread before a run moves to the worker

#: ``Debugger.run``-like: takes ``stop``, ``lock`` and ``tick`` keywords, returns a breakpoint hit or None.
Run = Callable[..., BreakpointHit | None]


@dataclass(frozen=True, eq=False)
class Reading:
    """What the panes need from the debugger, read at one moment under the lock."""

    state: SessionState
    watches: tuple[tuple[Watch, np.ndarray], ...]
    position: int  # the timeline's: which phase of which update this is


class RunController:
    def __init__(self, app: App, debugger: Debugger, on_redraw: Callable[[Reading], None],
                 on_stopped: Callable[[BreakpointHit | None, bool], None]) -> None:
        self.app, self.debugger = app, debugger
        self.on_redraw, self.on_stopped = on_redraw, on_stopped  # on_stopped(hit, paused)
        self.lock = threading.Lock()
        self.pace: float | None = None
        self.running = False
        self._paused = False
        self._beat = threading.Condition()  # the worker waits a beat on it; pause and set_pace wake it
        self._cancelled = threading.Event()
        self._latest: Reading | None = None
        self._taken = 0.0
        self._timer: Timer | None = None

    # ----------------------------------------------------------- reading
    def read(self) -> Reading:
        with self.lock:
            return self._read()

    def _read(self) -> Reading:
        d = self.debugger
        return Reading(d.session.state, tuple(d.watches.view(d.session.updates_done)), d.timeline.position)

    def can(self, action: str) -> bool | None:
        """Whether the step or time action can act now (None: dimmed), as the session says.

        While a run goes on only ``continue`` (pause), ``pace`` and ``quit`` do; any other key pauses it."""
        if self.running:
            return True if action in ("continue", "quit", "pace") else None
        nxt, timeline = self.debugger.session.next_phase, self.debugger.timeline
        if action in ("forward", "backward", "update"):
            return True if nxt is not None and nxt.kind == action else None
        if action in ("next", "finish_update", "finish_epoch", "continue"):
            return None if nxt is None else True
        if action == "back":
            return True if timeline.position > 0 else None
        return True if action != "redo" or timeline.position < timeline.frontier else None

    # ------------------------------------------------------------- moves
    def move(self, move: Callable[[], Any]) -> Any:
        """One quick move of the debugger (a phase, a jump, a reset) under the lock."""
        with self.lock:
            return move()

    def go(self, run: Run) -> None:
        """Whole updates by ``run``: on the UI thread up to ``SYNC_WORK``, the rest in the worker."""
        per_update = max(1, sum(w.size for w in self.debugger.session.W[1:]))
        budget = [max(1, SYNC_WORK // per_update)]

        def enough() -> bool:
            budget[0] -= 1
            return budget[0] <= 0

        hit = run(stop=enough, lock=lambda: self.lock)
        if budget[0] > 0 or self.debugger.session.finished or hit is not None:
            self.on_stopped(hit, False)
        else:
            self.start(run)

    def start(self, run: Run) -> None:
        """Go on with ``run`` in the worker until it ends, a breakpoint fires or ``pause``."""
        self.running = True
        self._paused = False
        self._latest = None
        self._timer = self.app.set_interval(REDRAW_SECONDS, self._redraw)
        worker = self.app.run_worker(lambda: self._train(run), thread=True, exclusive=True, group="run")
        self._cancelled = worker.cancelled_event  # set when the app quits (ctrl+q) with the run under way

    def pause(self) -> None:
        with self._beat:
            self._paused = True
            self._beat.notify_all()

    def set_pace(self, beat: float | None) -> None:
        """The wait after each step from now on, the wait under way included (counted from its start)."""
        with self._beat:
            self.pace = beat
            self._beat.notify_all()

    # ------------------------------------------------------------ worker
    def _train(self, run: Run) -> None:
        hit = run(stop=self._stop, lock=lambda: self.lock, tick=self._tick)
        try:
            self.app.call_from_thread(self._stopped, hit)
        except RuntimeError:  # the app quit during the run
            pass

    def _stop(self) -> bool:
        """After each step, outside the lock: paused? (waiting ``pace`` first, if set).

        The app quitting stops it too: else the worker's thread, which Python
        waits for at exit, would train on to the end after the window closed."""
        if self._cancelled.is_set():
            return True
        if not self.pace:
            return self._paused  # full speed: no lock taken
        began = time.monotonic()
        with self._beat:
            while not self._paused and self.pace and (left := began + self.pace - time.monotonic()) > 0:
                self._beat.wait(left)
            return self._paused or self._cancelled.is_set()

    def _tick(self) -> None:
        """After each update, under the lock: a reading now and then for the redraw timer."""
        now = time.monotonic()
        if now - self._taken >= REDRAW_SECONDS * 0.9:
            self._taken = now
            self._latest = self._read()

    def _redraw(self) -> None:
        latest, self._latest = self._latest, None
        if latest is not None:
            self.on_redraw(latest)

    def _stopped(self, hit: BreakpointHit | None) -> None:
        self.running = False
        if self._timer is not None:
            self._timer.stop()
        self.on_stopped(hit, self._paused)
