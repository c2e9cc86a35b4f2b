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
        assert "no gradient of W2[0,0] yet: press b to run the backward pass" in app.hint
