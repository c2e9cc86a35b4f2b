"""Deep links: the app opens at update N with a weight selected."""

from __future__ import annotations

from ui_helpers import pane

from bp_tui.engine import load_scenario
from bp_tui.ui.app import create_app
from bp_tui.ui.deep_link import apply_start, check_start


async def test_the_app_opens_after_update_n_with_the_weight_selected():
    scenario = load_scenario("seed")
    app = create_app(scenario)
    apply_start(app, check_start(scenario, "2", "W1[1,1]"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.session.updates_done == 2
        assert "W1[1→1]" in pane(app, "breakdown")
        assert "epoch 3/5" in pane(app, "counters")  # one update per epoch: two done, the third next
