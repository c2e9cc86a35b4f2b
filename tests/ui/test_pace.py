"""Paced playback's phase-by-phase run: the engine side, without the app."""

from __future__ import annotations

import threading

from bp_tui.engine import load_scenario, scenario_from_dict
from bp_tui.engine.debugger import Debugger
from bp_tui.ui.pace import FULL, PACES, changed, paced_run, phase_run


def test_one_phase_per_step_until_stopped():
    debugger = Debugger(load_scenario("seed"))
    steps = iter(range(100))
    ran = phase_run(debugger)(stop=lambda: next(steps) >= 2)  # stop after the third phase
    assert ran is None
    assert debugger.session.phases_done == 3  # forward 1, forward 2, backward 2
    assert debugger.session.updates_done == 0


def test_it_runs_to_the_end_under_the_lock_and_ticks_each_phase():
    debugger = Debugger(load_scenario("seed"))
    lock, ticks = threading.Lock(), []
    phase_run(debugger)(lock=lambda: lock, tick=lambda: ticks.append(lock.locked()))
    assert debugger.session.finished and debugger.session.updates_done == 5
    assert len(ticks) == 5 * 5 and all(ticks)  # 5 phases per update, each ticked while locked


def test_a_breakpoint_stops_it_at_the_update_it_fires():
    scenario = scenario_from_dict({
        "title": "t", "network": {"layers": [1, 1], "activations": ["identity"], "weights": [[[0.0]]]},
        "data": {"inputs": [[1.0]], "targets": [[1.0]]},
        "training": {"loss": "mse", "learning_rate": 0.1, "epochs": 10},
        "breakpoints": {"at_update": 3},
    })
    debugger = Debugger(scenario)
    hit = phase_run(debugger)()
    assert hit is not None and hit.kind == "at_update" and hit.update == 3
    assert debugger.session.updates_done == 3 and debugger.session.phases_done == 0


def test_paces_go_from_phase_to_full_speed():
    assert [p.per_phase for p in PACES] == [True, False, False]
    assert PACES[FULL].beat is None and all(p.beat for p in PACES[:FULL])
    assert changed(0, -1) == 0 and changed(0, 1) == 1 and changed(FULL, 1) == FULL


def _long(breakpoints: dict | None = None):
    return scenario_from_dict({
        "title": "t", "network": {"layers": [1, 1], "activations": ["identity"], "weights": [[[0.0]]]},
        "data": {"inputs": [[1.0]], "targets": [[1.0]]},
        "training": {"loss": "mse", "learning_rate": 0.1, "epochs": 1000},
        **({"breakpoints": breakpoints} if breakpoints else {}),
    })


def test_a_paced_run_turns_from_updates_to_phases_and_back_without_ending():
    debugger = Debugger(_long())
    session = debugger.session
    seen: list[tuple[int, int]] = []  # (updates_done, phases_done) after each step
    kinds = iter([False] * 10 + [True] * 7 + [False] * 1000)  # per_phase asked once per step (and at start)
    per_phase = lambda: next(kinds)  # noqa: E731

    def stop() -> bool:
        seen.append((session.updates_done, session.phases_done))
        return len(seen) >= 30

    ran = paced_run(debugger, per_phase)(stop=stop)
    assert ran is None and len(seen) == 30  # one run: stopped only by stop()
    # 10 whole updates, then single phases (forward, backward, update: 3 an update), then whole updates
    phases = [(10, 1), (10, 2), (11, 0), (11, 1), (11, 2), (12, 0)]
    assert seen == [(u, 0) for u in range(1, 11)] + phases + [(u, 0) for u in range(13, 27)]


def test_a_breakpoint_stops_a_paced_run_after_the_pace_turned():
    debugger = Debugger(_long({"at_update": 6}))
    kinds = iter([True] * 8 + [False] * 1000)  # phases first (3 phases an update), then whole updates
    hit = paced_run(debugger, lambda: next(kinds))()
    assert hit is not None and hit.kind == "at_update" and hit.update == 6
    assert debugger.session.updates_done == 6 and debugger.session.phases_done == 0
