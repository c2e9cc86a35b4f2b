"""Writes compare.svg: ``bp-tui compare lr_too_high lr_right`` after 10 updates of each, then the
backward pass of the 11th (the README's picture of two runs side by side).

    PYTHONPATH=. python screenshots/make_compare.py

tests/ui/test_compare_screen.py renders it again and fails when the committed file is stale.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bp_tui.engine import load_scenario
from bp_tui.engine.compare import Comparison
from bp_tui.ui.compare_app import CompareApp

OUTPUT = Path(__file__).with_name("compare.svg")
RUNS, KEYS, SIZE = ("lr_too_high", "lr_right"), ("t", "f", "b"), (120, 40)


async def render() -> str:
    app = CompareApp(Comparison(*(load_scenario(name) for name in RUNS)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in KEYS:
            await pilot.press(key)
        await pilot.pause()
        return app.export_screenshot(title=f"bp-tui compare {' '.join(RUNS)}")


if __name__ == "__main__":
    OUTPUT.write_text(asyncio.run(render()), encoding="utf-8")
