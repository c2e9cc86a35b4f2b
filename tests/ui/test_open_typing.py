"""The open dialog (o) takes typing wherever its focus is, like a file picker."""

from __future__ import annotations

from ui_helpers import pane, seed_app

from bp_tui.ui.app import BpTuiApp
from bp_tui.ui.open_screen import OpenScreen

SIZE = (120, 40)


def names(screen) -> list[str]:
    options = screen.query_one("#bundled")
    return [options.get_option_at_index(k).id for k in range(options.option_count)]


async def test_typing_on_the_list_goes_to_the_path_and_filters_the_list():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "o")
        assert isinstance(app.screen, OpenScreen) and app.screen.focused.id == "bundled"
        assert {"seed", "xor", "iris"} <= set(names(app.screen))
        await pilot.press("x", "o")  # typed on the list, not lost
        assert app.screen.focused.id == "path" and app.screen.query_one("#path").value == "xo"
        assert names(app.screen) == ["xor"]
        await pilot.press("enter")  # no file "xo" here: the one bundled scenario it matches
        await pilot.pause()
        assert app.scenario.title.lower().startswith("xor") and app.session.phases_done == 0


async def test_down_goes_back_to_the_list_and_typing_there_edits_the_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "i", "r")
        assert names(app.screen) == ["iris"] and app.screen.query_one("#path").value == "ir"
        await pilot.press("down")
        assert app.screen.focused.id == "bundled"
        await pilot.press("backspace", "backspace", *"nothing/there.toml")
        assert app.screen.query_one("#path").value == "nothing/there.toml" and names(app.screen) == []
        await pilot.press("enter")
        assert isinstance(app.screen, OpenScreen)
        assert "nothing/there.toml" in pane(app.screen, "open-error")  # a path, tried as one
        await pilot.press("escape")
        assert app.scenario.title == "Seed example"


async def test_served_typing_only_filters_the_bundled_scenarios(monkeypatch):
    monkeypatch.setattr(BpTuiApp, "is_web", property(lambda self: True))
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "i", "r")
        assert not app.screen.query("#path") and app.screen.query_one("#filter").value == "ir"
        assert names(app.screen) == ["iris"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.scenario.title.lower().startswith("iris")
        await pilot.press("o", *"../../etc/passwd", "enter")  # never a path on the server
        assert isinstance(app.screen, OpenScreen)
        assert "no bundled scenario matches" in pane(app.screen, "open-error")
