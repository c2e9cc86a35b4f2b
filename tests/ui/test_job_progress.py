"""``V``'s dialog shows how far the check is: the engine's count of parameters checked."""

from __future__ import annotations

import threading

from textual.widgets import ProgressBar
from ui_helpers import app_for

from bp_tui.ui.jobs import JobScreen, Progress


async def test_V_fills_its_bar_with_the_parameters_checked(monkeypatch):
    calls, release = [], threading.Event()
    report = Progress.__call__

    def held(self, done, total=None):
        calls.append((done, total))
        report(self, done, total)
        if total and done == total:
            release.wait(10)  # keep the dialog up until the test has read the bar

    monkeypatch.setattr(Progress, "__call__", held)
    app = app_for("xor")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "f", "b", "b", "V")
        bar = None
        for _ in range(100):
            await pilot.pause(0.05)
            if isinstance(app.screen, JobScreen):
                bar = app.screen.query_one(ProgressBar)
                if bar.total == 17 and bar.progress == 17:
                    break
        release.set()
        assert calls[0] == (0, 17) and calls[-1] == (17, 17)  # 2-4-1 with biases: 17 parameters
        assert bar is not None and (bar.total, bar.progress) == (17, 17)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "checked all" in app.hint
