"""``bp-tui compare``: two runs on one screen, moved by the same keys.

The numbers each panel shows are checked against separate sessions of the
two scenarios, trained alone (the comparison must not change either run).
"""

from __future__ import annotations

from ui_helpers import squash, text_of

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.compare import Comparison
from bp_tui.ui.compare_app import CompareApp, CompareChart, CompareScreen
from bp_tui.ui.fmt import short

SIZE = (120, 40)


def alone(name: str, updates: int) -> TrainingSession:
    session = TrainingSession(load_scenario(name))
    session.run_updates(updates)
    return session


def panel(app, name: str) -> str:
    return squash(text_of(app.screen.query_one(f"#run-{name}")))


async def test_two_learning_rates_step_in_lockstep_on_one_screen():
    app = CompareApp(Comparison(load_scenario("lr_too_high"), load_scenario("lr_right")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        header = squash(text_of(app.screen.query_one("#differences")))
        assert "learning_rate: 0.55 → 0.2" in header
        await pilot.press("enter", "enter", "enter")
        for name, scenario in (("A", "lr_too_high"), ("B", "lr_right")):
            reference = alone(scenario, 3)
            text = panel(app, name)
            assert "update 3 of 15" in text
            assert f"W1[0,0] = {short(reference.W[1][0, 0], 8)}" in text
            assert f"loss {short(reference.loss_history[-1], 6)}" in text
            assert "w − learning_rate × gradient = new w" in text  # the last update, explained
        await pilot.press("z")  # both one phase back: into update 3, its backward pass done
        assert all(run.session.updates_done == 2 for run in app.comparison.runs)
        await pilot.press("down")  # the next weight: the bias
        assert "b1[0] =" in panel(app, "A") and "b1[0] =" in panel(app, "B")
        chart = app.screen.query_one(CompareChart)
        assert "loss per update: A" in squash(text_of(chart))


async def test_momentum_panel_shows_the_velocity():
    app = CompareApp(Comparison(load_scenario("valley_sgd"), load_scenario("valley_momentum")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "enter")
        text = panel(app, "B")
        assert "momentum × v + gradient = v" in text and "learning_rate × v = step" in text
        assert "update 11 of 100" in text and "update 11 of 100" in panel(app, "A")
        await pilot.press("q")
    assert app.return_code in (0, None)


async def test_the_app_forks_a_second_run_with_another_learning_rate():
    from ui_helpers import app_for

    from bp_tui.ui.fork_screen import ForkScreen

    app = app_for("lr_too_high")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "F")
        assert isinstance(app.screen, ForkScreen)
        await pilot.press(*"lr=abc", "enter")
        assert "learning_rate needs a number" in squash(text_of(app.screen.query_one("#fork-error")))
        app.screen.query_one("#change").value = "learning_rate=0.2"
        await pilot.press("enter")
        assert isinstance(app.screen, CompareScreen)
        comparison = app.screen.comparison
        assert comparison.a is app.debugger and comparison.offset == 2
        assert "learning_rate: 0.55 → 0.2" in squash(text_of(app.screen.query_one("#differences")))
        await pilot.press("enter", "f")  # f (the app's forward) does nothing here: both stay in lockstep
        assert app.session.updates_done == 3 and comparison.b.session.updates_done == 1
        assert app.session.phases_done == 0
        await pilot.press("q")
        assert not isinstance(app.screen, CompareScreen)
        assert app.session.updates_done == 3  # the app goes on from where the comparison left run A
