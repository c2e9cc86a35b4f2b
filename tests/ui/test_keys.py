"""Every key and flow of the app, driven through the pilot."""

from pathlib import Path

from ui_helpers import app_for, long_app, pane, seed_app, text_of

from bp_tui.engine.params import Param
from bp_tui.ui.drawing_layout import Edge
from bp_tui.ui.help_screen import HelpScreen
from bp_tui.ui.keys import help_rows
from bp_tui.ui.open_screen import OpenScreen

SIZE = (120, 40)
BAD = Path(__file__).parents[1] / "fixtures" / "bad"


async def test_out_of_turn_keys_hint_and_change_nothing():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        before = app.session.state
        await pilot.press("u")
        assert "can't update now" in app.hint and "next: forward, layer 1 of 2" in app.hint
        await pilot.press("b")
        assert "can't run the backward pass now" in app.hint
        assert app.session.last_phase is None and app.session.updates_done == 0
        assert app.session.state.current.node_values[1] is None
        assert (app.session.state.weights[2] == before.weights[2]).all()
        await pilot.press("f", "f", "b", "b", "b")
        assert "never accumulated twice" in app.hint or "already done" in app.hint
        assert app.session.next_phase.kind == "update"


async def test_footer_dims_what_cannot_act():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.check_action("forward", ()) is True
        assert app.check_action("backward", ()) is None
        assert app.check_action("update", ()) is None
        await pilot.press("f", "f")
        assert app.check_action("forward", ()) is None
        assert app.check_action("backward", ()) is True


async def test_next_space_enter_and_epoch():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "space")
        assert app.session.last_phase.kind == "forward" and app.session.last_phase.layer == 2
        await pilot.press("enter")
        assert app.session.updates_done == 1
        app2 = app_for("sine")
    async with app2.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        s = app2.session
        assert s.updates_done == s.schedule.batches_per_epoch and s.state.current.epoch == 2
        assert "epoch 2/" in pane(app2, "counters")


async def test_continue_runs_in_a_worker_and_any_key_pauses():
    app = long_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert app.controller.running
        await pilot.pause(0.3)
        await pilot.press("x")  # any key pauses
        await app.workers.wait_for_complete()
        await pilot.pause()
        paused_at = app.session.updates_done
        assert not app.controller.running and 0 < paused_at < app.session.schedule.total_updates
        assert "paused after" in app.hint
        assert not app.view.expanded  # the pausing key did not also act
        await pilot.pause(0.2)
        assert app.session.updates_done == paused_at  # stays paused
        await pilot.press("c")
        await pilot.pause(0.2)
        await pilot.press("c")  # c again pauses too
        await app.workers.wait_for_complete()
        assert app.session.updates_done > paused_at and not app.controller.running


async def test_continue_to_the_end():
    app = app_for("sine")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.finished
        assert "training finished" in app.hint
        assert app.check_action("forward", ()) is None
        assert app.check_action("continue", ()) is None


async def test_open_a_broken_scenario_shows_its_error_and_keeps_the_session():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f")
        await pilot.press("o")
        assert isinstance(app.screen, OpenScreen)
        broken = next(p for p in sorted(BAD.glob("*.toml")) if "activation" in p.name)
        await pilot.press("tab")  # from the list of bundled scenarios to the path input
        assert app.screen.focused.id == "path"
        await pilot.press(*str(broken), "enter")
        error = pane(app.screen, "open-error")
        assert str(broken) in error.replace("\n", "")
        assert isinstance(app.screen, OpenScreen)
        await pilot.press("escape")
        assert app.scenario.title == "Seed example"
        assert app.session.last_phase.layer == 2  # nothing lost


async def test_open_a_bundled_scenario():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        options = app.screen.query_one("#bundled")
        names = [options.get_option_at_index(k).id for k in range(options.option_count)]
        options.highlighted = names.index("xor")
        await pilot.press("enter")
        await pilot.pause()
        assert app.scenario.title.lower().startswith("xor")
        assert app.session.updates_done == 0 and "xor" in pane(app, "hint").lower()


async def test_reset_returns_to_the_start():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "f")
        await pilot.press("r")
        assert app.session.updates_done == 0 and app.session.last_phase is None
        assert (app.session.state.weights[2] == [[1.0], [2.0]]).all()


async def test_selection_keys_and_mouse():
    app = app_for("xor")
    async with app.run_test(size=SIZE) as pilot:
        start = app.view.selection
        await pilot.press("down")
        assert app.view.selection.i == start.i + 1
        await pilot.press("tab")
        assert app.view.selection != start
        await pilot.press("shift+tab")
        assert app.view.selection.i == start.i + 1 and app.view.selection.j == start.j
        await pilot.press("[")
        assert app.view.selection.layer == start.layer - 1
        await pilot.press("]")
        assert app.view.selection.layer == start.layer
        drawing = app.query_one("#drawing")  # a cell of W1[1,1]'s line (where no other line is on top)
        (x, y) = next(xy for xy, t in drawing._hits.items() if isinstance(t, Edge) and (t.layer, t.i, t.j) == (1, 1, 1))
        await pilot.click("#drawing", offset=(x, y))
        assert app.view.selection == Param(1, 1, 1)
        assert "W1[1,1]" in pane(app, "breakdown")
        await pilot.press("t")  # the matrix view's cells select too
        diagram = app.query_one("#diagram")
        (x, y), target = next((xy, t) for xy, t in diagram._hits.items() if (t.layer, t.i, t.j) == (2, 2, 0))
        await pilot.click("#diagram", offset=(x, y))
        assert app.view.selection == target == Param(2, 2, 0)


async def test_sample_key_cycles_the_viewed_sample():
    app = app_for("xor")
    async with app.run_test(size=SIZE) as pilot:
        batch = len(app.session.state.current.sample_indices)
        assert batch > 1
        await pilot.press("s")
        assert app.view.sample == 1
        assert f"sample 2 of {batch}" in app.query_one("#diagram-box").border_subtitle


async def test_help_lists_every_key():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(text_of(w) for w in app.screen.query("Static"))
        for _, keys, description in help_rows():  # every binding of the app, with what it does
            assert keys in text and description[:30] in text.replace("\n", " ")
        for key in ("n / space", "z / ←", "y / →", "↑ / ↓", "shift+tab / tab", "[ / ]", "ctrl+p"):
            assert key in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_a_step():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Forward")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.session.last_phase is not None and app.session.last_phase.kind == "forward"


async def test_resizing_to_80x24_keeps_all_panes_and_50x15_asks_to_enlarge():
    app = seed_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "f", "b", "b")
        await pilot.pause()
        assert app.view.narrow
        screen = app.screen.region
        for name in ("diagram-box", "breakdown-box", "counters", "chart"):
            region = app.query_one(f"#{name}").region
            assert region.area > 0 and screen.contains_region(region), name
        assert "0 7 target 4" in pane(app, "drawing")  # the seed is drawn at 80x24
        learned = pane(app, "learned")
        assert learned.startswith("output\n") and "▀" in learned and "●" in learned  # beside: what it learned
        assert "1 − 0.01 × 6 = 0.94" in pane(app, "breakdown")
        assert "loss 9" in pane(app, "counters") and "next update" in pane(app, "counters")
        await pilot.resize_terminal(50, 15)
        await pilot.pause()
        assert app.screen.has_class("too-small")
        assert app.query_one("#too-small").display and not app.query_one("#main").display
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.screen.has_class("too-small") and not app.view.narrow


async def test_q_quits():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "q")
        await pilot.pause()
    assert app.return_code == 0
