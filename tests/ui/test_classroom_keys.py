"""The classroom keys in the app: m (worked example), P (presenter mode), < > (pace)."""

from __future__ import annotations

import time
from dataclasses import replace

from ui_helpers import long_app, pane, seed_app

from bp_tui.engine import load_scenario
from bp_tui.engine.params import Param
from bp_tui.ui import classroom
from bp_tui.ui.app import create_app
from bp_tui.ui.deep_link import apply_start, check_start
from bp_tui.ui.pace import Pace
from bp_tui.ui.presenter import PresenterPane


async def test_m_writes_the_worked_example_of_the_update_on_screen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = seed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "f", "b", "b", "u", "m")
        await pilot.pause()
        written = (tmp_path / "seed-update-1.md").read_text()
        assert "$2 - 0.01 \\times 18 = 1.82$" in written
        assert app.clipboard == written
        assert app.hint.startswith("update 1 worked through: written to")


async def test_presenter_mode_tells_the_phase_large_and_in_words():
    app = seed_app()
    async with app.run_test(size=(76, 22)) as pilot:
        app.view = replace(app.view, selection=Param(2, 1, 0))
        await pilot.press("f", "f", "b", "b", "P")
        await pilot.pause()
        assert app.screen.has_class(classroom.PRESENTING) and app.theme == "bp-presenter"
        sentence = " ".join(pane(app, "presenter-sentence").split())  # wrapped at 76 columns
        assert sentence == "go back one layer: the slope of the loss at hidden node 1 is 6 × 1 × 2 = 12"
        assert "╺━╸" in pane(app, "presenter-equation")  # the = of the large 6 × 1 × 2 = 12
        assert not app.query_one("#bottom").display  # the breakdown, chart and watches hide
        await pilot.press("P")
        await pilot.pause()
        assert not app.screen.has_class(classroom.PRESENTING) and app.theme != "bp-presenter"


async def test_present_on_the_command_line_starts_in_presenter_mode():
    scenario = load_scenario("seed")
    app = create_app(scenario)
    apply_start(app, check_start(scenario, "1", "W1[1,1]", present=True))
    async with app.run_test(size=(76, 22)) as pilot:
        await pilot.pause()
        assert app.screen.has_class(classroom.PRESENTING)
        sentence = " ".join(pane(app, "presenter-sentence").split())
        assert sentence == "update: every weight moves against its gradient, W1[1,1] = 3 − 0.01 × 12 = 2.88"


async def test_a_paced_continue_goes_phase_by_phase_and_the_counters_say_so(monkeypatch):
    quick = (Pace("one phase per beat", 0.01, True), Pace("one update per beat", 0.01, False),
             Pace("full speed", None, False))
    monkeypatch.setattr(classroom, "PACES", quick)
    app = seed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert "pace one phase per beat" in pane(app, "counters")
        await pilot.press("c")
        for _ in range(200):
            await pilot.pause(0.05)
            if not app.controller.running:
                break
        assert app.session.finished  # every phase of 5 updates, one per beat
        assert not app.query(PresenterPane)  # presenter mode untouched


async def test_a_pace_key_changes_a_running_continue_without_stopping_it(monkeypatch):
    quick = (Pace("one phase per beat", 0.02, True), Pace("one update per beat", 0.02, False),
             Pace("full speed", None, False))
    monkeypatch.setattr(classroom, "PACES", quick)
    app = long_app()
    async with app.run_test(size=(160, 40)) as pilot:  # wide: the counters of a long run fit the pace
        controller = app.controller
        starts, stops, seen = [], [], []
        start, on_stopped = controller.start, controller.on_stopped
        monkeypatch.setattr(controller, "start", lambda run: (starts.append(run), start(run)))
        monkeypatch.setattr(controller, "on_stopped", lambda *a: (stops.append(a), on_stopped(*a)))

        async def watch(beats: int) -> None:
            for _ in range(beats):
                await pilot.pause(0.03)
                seen.append((app.session.updates_done, app.session.phases_done, controller.running))

        await pilot.press("c")
        await watch(5)
        await pilot.press("less_than_sign", "less_than_sign")  # full speed -> one phase per beat
        await watch(10)
        assert "pace one phase per beat" in pane(app, "counters")
        assert any(phases for _, phases, _ in seen[-5:])  # now it stops between phases
        await pilot.press("greater_than_sign", "greater_than_sign")  # back to full speed
        await watch(5)
        assert "pace full speed" in pane(app, "counters")
        assert len(starts) == 1 and stops == []  # one run all along: never paused, never started again
        assert all(running for *_, running in seen)
        progress = [(u, p) for u, p, _ in seen]
        assert progress == sorted(progress) and progress[-1] > progress[4]  # it went on, never reset
        await pilot.press("c")
        await app.workers.wait_for_complete()
        assert len(stops) == 1 and stops[0][1] is True and not controller.running  # c paused it


async def test_quitting_during_a_paced_run_ends_its_thread():
    """ctrl+q while continue runs: the run's thread must end too (Python waits for it at exit)."""
    app = long_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("less_than_sign")  # one update per beat: the run mostly waits
        await pilot.press("c")
        await pilot.pause(0.2)
        assert app.controller.running
        await pilot.press("ctrl+q")
    time.sleep(1.2)  # the beat under way ends (0.5 s), then the run sees the app gone
    done = app.session.updates_done
    time.sleep(1.2)  # two beats more: a run still going would have made two updates by now
    assert app.session.updates_done == done
