"""Paced playback's phase-by-phase run: the engine side, without the app."""

from __future__ import annotations

import threading

from bp_tui.engine import load_scenario, scenario_from_dict
from bp_tui.engine.debugger import Debugger
from bp_tui.ui.pace import FULL, PACES, changed, phase_run


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
