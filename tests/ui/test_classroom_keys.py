"""The classroom keys in the app: m (worked example), P (presenter mode), < > (pace)."""

from __future__ import annotations

from dataclasses import replace

from ui_helpers import pane, seed_app

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
