"""`v` checks the gradient the breakdown shows, and the engine's verdict is what the app prints."""

from ui_helpers import pane, seed_app

SIZE = (120, 40)


async def test_after_the_update_v_checks_the_applied_batchs_gradient_6():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b", "u", "v")
        breakdown = pane(app, "breakdown")
        assert "= gradient = 6" in breakdown  # the applied batch, on screen
        assert "backprop 6 vs" in breakdown and "relative error < 1e-10 ✓ agrees" in breakdown


async def test_v_before_any_backward_pass_says_what_to_do():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        assert app.hint == ("no gradient of W2[0,0] yet: press f to finish the forward pass, "
                            "then b to run the backward pass to layer 2")


async def test_V_half_way_through_a_backward_pass_checks_nothing_it_cannot_show():
    """Update 2, backward pass at layer 2 only: W2's breakdown is the new batch
    (gradient 0.94 x 2 x (0.94 + 2.88 x 1.82 - 4) = 3.99538) while W1's is still
    update 1's. V used to check update 1 and print "backprop 6" above
    "gradient = 3.99538"; now it asks for the rest of the backward pass."""
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b", "u", "f", "f", "b", "V")
        await app.workers.wait_for_complete()  # V runs as a job
        await pilot.pause()
        breakdown = pane(app, "breakdown")
        assert "= gradient = 3.99538" in breakdown
        assert "backprop" not in breakdown
        assert "V checks a whole backward pass: press b" in app.hint
        await pilot.press("b", "V")  # the whole pass is the new batch: checked, and shown with it
        await app.workers.wait_for_complete()
        await pilot.pause()
        breakdown = pane(app, "breakdown")
        assert "relative error < 1e-10 ✓ agrees" in breakdown
        assert "backprop 6 " not in breakdown
