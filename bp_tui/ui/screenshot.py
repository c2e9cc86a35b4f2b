"""``bp-tui screenshot``: the app after a key sequence, saved as SVG for slides."""

from __future__ import annotations

import asyncio

from textual.keys import Keys, _character_to_key

from ..engine import Scenario, ScenarioError
from ..engine.fields import printable
from ..engine.files import FileProblem, atomic_write
from .app import create_app

#: Key names Textual understands: its named keys (enter, escape, ctrl+x, f1...)
#: and the names of printable ASCII characters (question_mark, left_square_bracket...).
KEY_NAMES = frozenset(k.value for k in Keys if not k.value.startswith("<")) | frozenset(
    _character_to_key(chr(c)) for c in range(33, 127))


def check_keys(keys: list[str]) -> list[str]:
    """``keys`` unchanged, or ScenarioError naming the first one Textual would ignore.

    A single printable character is a key as it is (``f``, ``?``, ``V``).
    """
    for key in keys:
        if not (len(key) == 1 and key.isprintable()) and key not in KEY_NAMES:
            raise ScenarioError("--keys", printable(key, quote=True),
                                "unknown key name (use a character such as f or ?, or a name such as "
                                "enter, escape, tab, left, ctrl+p)")
    return keys


async def render_svg(scenario: Scenario, keys: list[str], size: tuple[int, int]) -> str:
    """Press ``keys`` in a headless app of ``size`` and return the screen as SVG.

    The app writes no files (``writes_files``): ``X`` or ``m`` among the keys
    show what they would do, but leave no export behind in the folder."""
    app = create_app(scenario)
    app.writes_files = False
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        return app.export_screenshot(title=f"bp-tui: {printable(scenario.title, 200)}")


def save_screenshot(scenario: Scenario, keys: list[str], size: tuple[int, int], output: str) -> None:
    """Write the SVG atomically (engine.files: a temporary file beside ``output``,
    then a rename; never through a symlink, never over a FIFO or device)."""
    svg = asyncio.run(render_svg(scenario, keys, size))
    try:
        atomic_write(output, lambda handle: handle.write(svg))
    except FileProblem as problem:
        raise ScenarioError(output, "-o", str(problem)) from None
