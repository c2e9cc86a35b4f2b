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
        breakdown = pane(app, "breakdown")
        assert breakdown.startswith("W1[1,1]")
        # update 2 by hand: hidden values (0.94, 2.88), prediction 0.94·0.94 + 2.88·1.82 = 6.1252, loss slope
        # 2 × 2.1252 = 4.2504; at hidden node 1: 4.2504 × 1.82 = 7.735728; W1[1,1] = 2.88 − 0.01 × 7.735728
        assert "2.88 − 0.01 × 7.7357" in breakdown
        assert "epoch 3/5" in pane(app, "counters")  # one update per epoch: two done, the third next
