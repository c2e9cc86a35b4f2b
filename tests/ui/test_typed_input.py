"""What users type into the app's dialogs: `~` in paths, over-long paths, huge numbers.

Each must work or show one line in the dialog, with the session kept.
"""

import shutil
from pathlib import Path

from ui_helpers import pane, seed_app

from bp_tui.ui.goto_screen import GotoScreen
from bp_tui.ui.open_screen import OpenScreen

SIZE = (120, 40)
SCENARIOS = Path(__file__).parents[2] / "scenarios"


async def test_a_path_with_a_tilde_opens_from_home(tmp_path, monkeypatch):
    shutil.copy(SCENARIOS / "xor.toml", tmp_path / "mine.toml")
    monkeypatch.setenv("HOME", str(tmp_path))
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "tab")
        await pilot.press(*"~/mine.toml", "enter")
        await pilot.pause()
        assert app.scenario.title.lower().startswith("xor")


async def test_an_over_long_or_nul_path_is_one_line_in_the_dialog():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "o", "tab")
        for typed, why in (("/".join(["y" * 200] * 30) + ".toml", "the path is too long"),
                           ("a\0b.toml", "NUL byte")):
            app.screen.query_one("#path").value = typed
            await pilot.press("enter")
            assert isinstance(app.screen, OpenScreen)
            assert why in pane(app.screen, "open-error")
        await pilot.press("escape")
        assert app.scenario.title == "Seed example" and app.session.phases_done == 1


async def test_a_number_of_thousands_of_digits_in_goto():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        app.screen.query_one("#target").value = "9" * 5000
        await pilot.press("enter")
        assert isinstance(app.screen, GotoScreen)
        error = " ".join(pane(app.screen, "goto-error").split())  # the dialog wraps it
        assert error.startswith("not an update or epoch: '999") and "…'" in error and len(error) < 200
        await pilot.press("escape")
        assert app.session.updates_done == 0
