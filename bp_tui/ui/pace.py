"""Paced playback: continue at a speed a class can follow.

Three paces: one phase per beat (watch the node values flow forward layer by
layer, then the slopes flow back), one update per beat, or full speed.  The
run controller waits ``beat`` seconds after each step (its ``pace`` seam; a
pause ends the wait at once), so the keys that change the pace act on the
very next beat, and breakpoints stop a paced run as they stop a fast one.

``phase_run`` is the ``Debugger.run``-shaped loop for one phase per beat:
each step under the lock, the breakpoints' verdict at every update boundary.
``paced_run`` is the one run ``c`` starts: it asks after every step which kind
of step the pace wants now, so a pace key changes a run under way without
stopping it (a stop would redraw "paused", a new start would lose the beat).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from ..engine.breakpoints import BreakpointHit
from ..engine.debugger import Debugger


@dataclass(frozen=True)
class Pace:
    name: str  # shown in the counters
    beat: float | None  # seconds between steps; None: as fast as it goes
    per_phase: bool  # a step is one phase (else one whole update)


PACES = (
    Pace("one phase per beat", 1.0, True),
    Pace("one update per beat", 0.5, False),
    Pace("full speed", None, False),
)
FULL = len(PACES) - 1


def changed(index: int, delta: int) -> int:
    """The pace ``delta`` steps faster (+1) or slower (-1), within the three."""
    return min(max(index + delta, 0), FULL)


def phase_run(debugger: Debugger) -> Callable[..., BreakpointHit | None]:
    """A run of single phases, shaped like ``Debugger.run`` (``stop``, ``lock``, ``tick``)."""

    def run(stop: Callable[[], bool] = lambda: False,
            lock: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
            tick: Callable[[], None] = lambda: None) -> BreakpointHit | None:
        session = debugger.session
        while True:
            with lock():
                if session.finished:
                    return None
                before = debugger.last_hit
                debugger.step()  # at an update boundary the breakpoints look at it
                hit = debugger.last_hit if debugger.last_hit is not before else None
                tick()
                if hit is not None:
                    return hit
            if stop():
                return None

    return run


def paced_run(debugger: Debugger, per_phase: Callable[[], bool]) -> Callable[..., BreakpointHit | None]:
    """A continue whose step (one phase, or one whole update) follows ``per_phase()`` as it changes.

    It runs single phases (``phase_run``) or whole updates (``Debugger.run``,
    the fast path at full speed, which first finishes an update under way)
    and hands over between them after the step under way, when ``per_phase()``
    turns; only ``stop()``, the end of training or a breakpoint end it.
    """
    phases = phase_run(debugger)

    def run(stop: Callable[[], bool] = lambda: False,
            lock: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
            tick: Callable[[], None] = lambda: None) -> BreakpointHit | None:
        paused, kind = False, False

        def stop_or_turn() -> bool:
            nonlocal paused
            paused = stop()
            return paused or per_phase() != kind

        while not paused:
            kind = per_phase()
            steps = phases if kind else debugger.run
            hit = steps(stop=stop_or_turn, lock=lock, tick=tick)
            if hit is not None or debugger.session.finished:
                return hit
        return None

    return run
