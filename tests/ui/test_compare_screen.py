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
        await pilot.press("enter", "f")  # f: the forward pass of both runs, in lockstep
        assert app.session.updates_done == 3 and comparison.b.session.updates_done == 1
        assert app.session.phases_done == 1 and comparison.b.session.phases_done == 1
        await pilot.press("b", "u")
        assert app.session.updates_done == 4 and comparison.b.session.updates_done == 2
        await pilot.press("r")  # the app's reset would move one run alone: nothing here
        assert app.session.updates_done == 4
        await pilot.press("q")
        assert not isinstance(app.screen, CompareScreen)
        assert app.session.updates_done == 4  # the app goes on from where the comparison left run A


# --- every stepping key moves both runs; numbers checked against each run trained alone ----------
def same_run(run, reference: TrainingSession) -> bool:
    s = run.session
    return (s.updates_done, s.phases_done) == (reference.updates_done, reference.phases_done) and all(
        a.tobytes() == b.tobytes() for a, b in zip(s.W[1:], reference.W[1:])) and (
        s.optimizer.state == reference.optimizer.state)


def side(app) -> str:
    return squash(text_of(app.screen.query_one("#side")))


def hint(app) -> str:
    return squash(text_of(app.screen.query_one("#hint")))


async def test_f_b_u_and_back_step_both_runs_in_lockstep():
    app = CompareApp(Comparison(load_scenario("valley_sgd"), load_scenario("valley_momentum")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")  # out of turn: neither run moves
        assert all(run.session.phases_done == 0 for run in app.comparison.runs)
        assert "can't now: A: the forward pass is not done yet" in hint(app)
        await pilot.press("f")
        assert all(run.session.phases_done == 1 for run in app.comparison.runs) and hint(app) == ""
        await pilot.press("b", "u", "f", "b", "u", "f", "b", "u")  # one layer: f, b, u is an update
        alone_a, alone_b = alone("valley_sgd", 3), alone("valley_momentum", 3)
        assert same_run(app.comparison.a, alone_a) and same_run(app.comparison.b, alone_b)
        assert "update 3 of 100" in panel(app, "A") and "update 3 of 100" in panel(app, "B")
        w = [short(s.W[1][0, 0], 8) for s in (alone_a, alone_b)]
        assert f"value {w[0]} {w[1]}" in side(app)
        losses = [short(s.loss_history[-1], 8) for s in (alone_a, alone_b)]
        assert f"loss (last update) {losses[0]} {losses[1]}" in side(app)
        await pilot.press("z", "left")  # two phases back in both: update 3's forward pass done
        for run, name in zip(app.comparison.runs, ("valley_sgd", "valley_momentum")):
            reference = TrainingSession(load_scenario(name))
            reference.run_updates(2)
            reference.run_phases(1)
            assert same_run(run, reference)
        await pilot.press("y", "u")  # redo the backward pass, then the update
        assert same_run(app.comparison.a, alone_a) and same_run(app.comparison.b, alone_b)
        await pilot.press("e")  # the epoch is one update (the full batch)
        assert all(run.session.updates_done == 4 for run in app.comparison.runs)


async def test_tab_and_shift_tab_select_the_weight_in_both_panels():
    app = CompareApp(Comparison(load_scenario("valley_sgd"), load_scenario("valley_momentum")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "tab")
        assert "W1[1,0] =" in panel(app, "A") and "W1[1,0] =" in panel(app, "B")
        assert side(app).strip().startswith("W1[1,0] A B")
        await pilot.press("shift+tab")
        assert "W1[0,0] =" in panel(app, "A") and "W1[0,0] =" in panel(app, "B")


async def test_tab_in_a_fork_selects_in_the_comparison_not_in_the_app():
    from ui_helpers import app_for

    app = app_for("valley_sgd")
    async with app.run_test(size=SIZE) as pilot:
        selected = app.view.selection
        await pilot.press("enter", "F")
        app.screen.query_one("#change").value = "optimizer=momentum"
        await pilot.press("enter")
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("tab")
        assert "W1[1,0] =" in panel(app, "A") and "W1[1,0] =" in panel(app, "B")
        assert app.view.selection == selected


async def test_continue_trains_both_to_the_end_and_the_lessons_differ_as_they_say():
    """lr_too_high's loss climbs to about 1,319 while lr_right's falls below 1e-6; both curves
    are on the chart, labelled by their learning rates."""
    app = CompareApp(Comparison(load_scenario("lr_too_high"), load_scenario("lr_right")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        high, right = alone("lr_too_high", 15), alone("lr_right", 15)
        assert same_run(app.comparison.a, high) and same_run(app.comparison.b, right)
        assert "finished: both runs" in hint(app)
        assert round(high.loss_history[-1]) == 1319 and right.loss_history[-1] < 1e-6
        assert f"loss (last update) {short(high.loss_history[-1], 8)} {short(right.loss_history[-1], 8)}" in side(app)
        chart = squash(text_of(app.screen.query_one(CompareChart)))
        assert "A learning_rate 0.55" in chart and "B learning_rate 0.2" in chart


async def test_valley_lessons_on_one_screen_momentum_ends_far_lower():
    app = CompareApp(Comparison(load_scenario("valley_sgd"), load_scenario("valley_momentum")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        sgd, momentum = (run.session.loss_history for run in app.comparison.runs)
        assert len(sgd) == len(momentum) == 100
        assert 0.07 < sgd[-1] < 0.09 and momentum[-1] < 1e-8  # the lesson's 0.078 and 3e-9
        assert momentum[2] > sgd[2]  # momentum's bump at the 3rd update (6.88 against 4.61)
        chart = squash(text_of(app.screen.query_one(CompareChart)))
        assert "A sgd" in chart and "B momentum (momentum 0.8)" in chart


async def test_any_key_pauses_a_continued_comparison_in_lockstep():
    from bp_tui.engine import scenario_from_dict

    def long(lr: float):
        return scenario_from_dict({
            "title": f"long {lr}", "network": {"layers": [2, 3, 1], "activations": ["tanh", "sigmoid"], "seed": 1},
            "data": {"inputs": [[0, 0], [0, 1], [1, 0], [1, 1]], "targets": [[0], [1], [1], [0]]},
            "training": {"loss": "bce", "learning_rate": lr, "batch_size": 1, "epochs": 1_000_000}})

    app = CompareApp(Comparison(long(0.5), long(0.1)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause(0.3)
        await pilot.press("x")  # any key
        await app.workers.wait_for_complete()
        await pilot.pause()
        a, b = (run.session for run in app.comparison.runs)
        assert not app.screen.running and a.updates_done == b.updates_done > 0
        assert "paused" in hint(app)
        await pilot.press("p")  # every digit float64 holds
        assert f"W1[0,0] = {float(a.W[1][0, 0])!r}" in panel(app, "A")


def test_the_committed_compare_screenshot_is_current():
    """screenshots/compare.svg (in the README) is what the screen shows now; when the screen
    changes, run ``PYTHONPATH=. python screenshots/make_compare.py`` and look at it."""
    import asyncio
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "screenshots" / "make_compare.py"
    spec = importlib.util.spec_from_file_location("make_compare", path)
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert asyncio.run(make.render()) == make.OUTPUT.read_text(encoding="utf-8"), "compare.svg is stale"


async def test_continue_in_a_fork_trains_both_runs_under_the_apps_lock():
    from ui_helpers import app_for

    app = app_for("lr_too_high")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "F")
        app.screen.query_one("#change").value = "learning_rate=0.2"
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.moving is app.controller.lock
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert same_run(screen.comparison.a, alone("lr_too_high", 15))
        b = screen.comparison.b.session
        assert b.updates_done == 15 and b.loss_history[-1] < 1e-5  # from update 2's weights, at 0.2: it settles
        await pilot.press("q")
        assert app.session.updates_done == 15
