"""``bp-tui screenshot``: the app after a key sequence, saved as SVG for slides."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ..engine import Scenario
from .app import create_app


async def render_svg(scenario: Scenario, keys: list[str], size: tuple[int, int]) -> str:
    """Press ``keys`` in a headless app of ``size`` and return the screen as SVG."""
    app = create_app(scenario)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.export_screenshot(title=f"bp-tui: {scenario.title}")


def save_screenshot(scenario: Scenario, keys: list[str], size: tuple[int, int], output: str) -> None:
    """Write the SVG atomically: a temporary file beside ``output``, then a rename."""
    svg = asyncio.run(render_svg(scenario, keys, size))
    target = Path(output)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(svg, encoding="utf-8")
    temporary.replace(target)
