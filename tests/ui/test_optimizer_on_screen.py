"""Optimizers in the app: the breakdown's update lines, the optimizer-state watch, frozen parameters."""

from ui_helpers import app_for, pane

SIZE = (120, 40)


async def test_breakdown_shows_momentums_velocity_and_the_watch_pins_it():
    app = app_for("valley_momentum")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "f", "b")  # two updates, then the third's passes
        breakdown = pane(app, "breakdown")
        assert "momentum × v + gradient = v" in breakdown and "learning_rate × v = step" in breakdown
        await pilot.press("O")
        assert "watching v of W1[0,0]" in app.hint
        await pilot.press("u", "enter")
        watches = pane(app, "watches")
        v = app.session.optimizer.state.value("v", app.view.selection)
        assert "v of W1[0,0]" in watches
        await pilot.press("O")
        assert "stopped watching v of W1[0,0]" in app.hint
        assert v != 0


async def test_sgd_has_no_state_to_watch():
    app = app_for("seed")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("O")
        assert "sgd keeps no state to watch" in app.hint


async def test_frozen_biases_are_marked_in_the_diagram():
    app = app_for("mazur")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "t")  # t: the matrices (the network is drawn by default)
        diagram = pane(app, "diagram")
        # after an update (W1's matrix, one column wide beside the learned pane, keeps the mark short)
        assert "W1 new ❄" in diagram and "W2 2×2 new ❄b2" in diagram


async def test_frozen_biases_are_marked_in_the_network_drawing():
    from test_network_drawing import Host, screen_text

    from bp_tui.ui.network_drawing import NetworkDrawing

    app = Host("mazur", budget=(110, 14))
    async with app.run_test(size=(110, 16)):
        text = "\n".join(screen_text(app.query_one(NetworkDrawing)))
        assert "❄ frozen (never move): b1, b2" in text
        assert "1 bias ❄" in text
    plain = Host("seed")
    async with plain.run_test(size=(80, 12)):
        assert "frozen" not in "\n".join(screen_text(plain.query_one(NetworkDrawing)))
