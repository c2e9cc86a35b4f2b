"""A full-speed run redraws the breakdown at most once a second (its tables cost most of a
redraw, time the training worker loses); paced runs and a stopped run draw every snapshot."""

from __future__ import annotations

import dataclasses

from ui_helpers import seed_app

from bp_tui.ui.breakdown_pane import BreakdownPane
from bp_tui.ui.pace import FULL, PACES


def _drawn(pane: BreakdownPane) -> str:
    return "\n".join("".join(seg.text for seg in strip) for strip in pane._strips)


async def test_a_full_speed_run_keeps_the_breakdown_it_drew_within_the_second():
    app = seed_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(BreakdownPane)
        first = app.main.snapshot
        app.controller.move(lambda: app.debugger.run(until_update=2))
        second = dataclasses.replace(app.main.snapshot, state=app.controller.read().state)
        assert second.state.updates_done == 2 and first.state.updates_done == 0

        def show(snapshot, running: bool, pace: str) -> str:
            pane.watch_snapshot(dataclasses.replace(snapshot, running=running, pace=pace))
            return _drawn(pane)

        at_start = show(first, True, PACES[FULL].name)
        assert show(second, True, PACES[FULL].name) == at_start  # within the second: not drawn again
        for pace in PACES[:FULL]:  # a paced run shows every beat
            show(first, True, pace.name)
            assert show(second, True, pace.name) != at_start
        show(first, False, "")
        assert show(second, False, "") != at_start  # stopped (paused, hit, ended): always drawn
        pane._drawn_at -= 1.0  # a second later, a full-speed run draws again
        show(first, False, "")
        pane._drawn_at -= 1.0
        assert show(second, True, PACES[FULL].name) != at_start
