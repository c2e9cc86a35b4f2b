"""The seed example stepped by keys: every number of the slides appears on screen."""

from ui_helpers import pane, seed_app

SIZE = (120, 40)


async def test_forward_twice_shows_the_prediction_7():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        diagram = pane(app, "diagram")
        assert "▶0 1" in diagram and "●1 3" in diagram  # hidden node values 1 and 3
        assert "output identity" in diagram and "▶0 · 4" in diagram  # output still pending
        await pilot.press("f")
        assert "▶0 7 4" in pane(app, "diagram")  # prediction 7, target 4
        assert "batch loss 9" in pane(app, "counters")
        assert "backward, layer 2 of 2" in pane(app, "counters")


async def test_backward_twice_breaks_the_output_weight_into_three_factors():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b")
        breakdown = pane(app, "breakdown")
        assert "W2[0,0]" in breakdown
        assert "#0 1 × 6 × 1 = 6" in breakdown  # node value x loss slope x activation slope
        assert "= gradient = 6" in breakdown
        assert "1 − 0.01 × 6 = 0.94" in breakdown
        await pilot.press("b")
        diagram = pane(app, "diagram")
        assert "∂L 6" in diagram and "∂L 12" in diagram  # loss slopes at the hidden nodes


async def test_update_moves_the_weight_to_0_94():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b", "u")
        diagram = pane(app, "diagram")
        assert "W2 2×1 new" in diagram
        assert "0.94" in diagram and "1.82" in diagram and "2.88" in diagram
        assert "· 4" in diagram  # the next batch's forward pass has not run: pending
        breakdown = pane(app, "breakdown")
        assert "last update: epoch 1, batch 1" in breakdown
        assert "0.94 (applied)" in breakdown
        assert "updates 1/5" in pane(app, "counters")
        assert "loss after 1 updates: 9" in pane(app, "chart")


async def test_the_hidden_weight_breakdown_and_its_assembled_loss_slope():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b", "[", "down", "shift+right")  # W1[1,1]
        breakdown = pane(app, "breakdown")
        assert "W1[1,1]" in breakdown
        assert "#0 1 × 12 × 1 = 12" in breakdown
        await pilot.press("x")
        breakdown = pane(app, "breakdown")
        assert "loss slope at layer 1 node 1" in breakdown
        assert "0 6 × 1 × 2 = 12" in breakdown  # from output node 0: 6 x 1 x w(1->0)=2
        assert "sum = 12" in breakdown


async def test_full_precision_on_p():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b", "p")
        assert "1.0 − 0.01 × 6.0 = 0.94" in pane(app, "breakdown")
        await pilot.press("p")
        assert "1 − 0.01 × 6 = 0.94" in pane(app, "breakdown")


async def test_finished_training_says_the_last_update_was_applied():
    """After the 5th and last update the breakdown's new w is the weight now in
    the network (the trace's last W2[0,0] = 1 - 0.01 x 6 - ... = 0.835623), so it
    must say applied, not "(after u)" for an update that will never come."""
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "finished" in pane(app, "counters")
        breakdown = pane(app, "breakdown")
        assert "= 0.835623 (applied)" in breakdown
        assert "(after u)" not in breakdown
