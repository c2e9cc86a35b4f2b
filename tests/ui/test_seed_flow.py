"""The seed example stepped by keys: every number of the slides appears on screen."""

from ui_helpers import pane, seed_app

SIZE = (120, 40)


async def test_forward_twice_shows_the_prediction_7():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        drawing = pane(app, "drawing")
        assert "0 1" in drawing and "1 3" in drawing  # hidden nodes 0 and 1: values 1 and 3
        assert "output identity" in drawing and "0 · target 4" in drawing  # output still pending
        await pilot.press("f")
        drawing = pane(app, "drawing")
        assert "0 7 target 4" in drawing and "error 3" in drawing  # prediction 7, target 4, error 3
        assert "output 0: error 7 − 4 = 3 · loss 3² = 9" in drawing  # the slides' words, in their order
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
        assert "∂L 2 × 3 = 6" in pane(app, "drawing") and "∂L 12" not in pane(app, "drawing")
        await pilot.press("b")
        drawing = pane(app, "drawing")
        assert "∂L 6" in drawing and "∂L 12" in drawing  # loss slopes at the hidden nodes


async def test_update_moves_the_weight_to_0_94():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b", "u")
        drawing = pane(app, "drawing")  # every line of the seed is labelled with its weight
        assert "0.94" in drawing and "1.82" in drawing and "2.88" in drawing
        assert "0 · target 4" in drawing  # the next batch's forward pass has not run: pending
        await pilot.press("t")  # the matrix view says the same
        diagram = pane(app, "diagram")
        assert "W2 new" in diagram and "0.94" in diagram and "1.82" in diagram and "2.88" in diagram
        breakdown = pane(app, "breakdown")
        assert "last update: epoch 1, batch 1" in breakdown
        assert "0.94 (applied)" in breakdown
        assert "updates 1/5" in pane(app, "counters")
        assert "loss after 1 update: 9" in pane(app, "chart")


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


async def test_x_on_the_output_weight_shows_the_output_step():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "x")
        breakdown = pane(app, "breakdown")
        assert "the output step, output node 0, sample #0" in breakdown
        assert "error prediction − target 7 − 4 = 3" in breakdown
        assert "loss (mean squared error) error² 3² = 9" in breakdown
        assert "∂L slope of the loss 2 × error 2 × 3 = 6" in breakdown


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
