"""Crashes a key-mash found, each replayed in the pilot (issue 7 §2).

A person typing fast sends several keys before the app handles the first:
``burst`` queues keys the same way (all at once, then waits), where
``pilot.press`` would wait for the app between keys and never see the race.
Each test checks that the app is still running and did not record an
exception (``App.return_code`` stays None until it exits).
"""

from __future__ import annotations

import pytest
from textual import events
from textual.command import CommandPalette
from ui_helpers import seed_app

from bp_tui.ui.dialog import Palette

SIZE = (120, 40)


def burst(app, *keys: str) -> None:
    """Queue ``keys`` as the terminal driver would, without waiting between them."""
    for key in keys:
        char = {"enter": "\r", "escape": "\x1b", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()


def alive(app) -> bool:
    return app.is_running and app.return_code is None and app._exception is None


@pytest.mark.parametrize("opening", [("g", "1"), ("o",), ("X", "tab"), ("B",), ("ctrl+p", "r")],
                         ids=["goto", "open", "export", "breakpoints", "palette"])
async def test_two_quick_enters_in_a_dialog_close_it_once(opening, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # X writes its trace here
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*opening)
        assert len(app.screen_stack) == 2
        if opening == ("B",):
            app.screen.query_one("Input").focus()  # Enter in a field applies
            await pilot.pause()
        burst(app, "enter", "enter")
        await settle(pilot)
        await app.workers.wait_for_complete()  # the export job
        await settle(pilot)
        assert alive(app)
        assert len(app.screen_stack) == 1  # the dialog closed (once)


async def test_two_quick_enters_in_goto_go_there_once():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "3")
        burst(app, "enter", "enter")
        await settle(pilot)
        assert alive(app)
        assert len(app.screen_stack) == 1
        # the first Enter went to update 3; the second reached the app (finish the update)
        assert app.session.updates_done in (3, 4)


@pytest.mark.parametrize("keys", [("ctrl+p", "r", "down", "pageup"), ("ctrl+p", "r", "pageup"),
                                  ("ctrl+p", "down", "pagedown")])
async def test_command_palette_page_keys_before_its_list_has_a_height(keys):
    """Textual 8.2.8: KeyError from OptionList._move_page (its line cache is empty)."""
    app = seed_app()
    async with app.run_test(size=(113, 20)) as pilot:
        burst(app, *keys)
        await settle(pilot)
        assert alive(app)
        assert isinstance(app.screen, Palette)


async def test_command_palette_page_up_in_a_terminal_too_short_for_its_list():
    app = seed_app()
    async with app.run_test(size=(113, 20)) as pilot:
        await pilot.press("ctrl+p", "r", "down")
        await pilot.resize_terminal(113, 4)
        await pilot.press("pageup", "pagedown")
        await settle(pilot)
        assert alive(app)


async def test_a_click_on_the_palette_handled_after_it_closed():
    app = seed_app()
    async with app.run_test(size=(113, 20)) as pilot:
        await pilot.press("ctrl+p", "r")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette.dismiss()
        where = dict(widget=None, x=5, y=1, delta_x=0, delta_y=0, button=1, shift=False, meta=False,
                     ctrl=False, screen_x=5, screen_y=1)  # the palette's own background
        palette.post_message(events.Click(chain=1, **where))
        await settle(pilot)
        assert alive(app)
        assert len(app.screen_stack) == 1


async def test_dialog_page_keys_in_a_tiny_terminal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = seed_app()
    async with app.run_test(size=(40, 6)) as pilot:
        for opening in ("X", "o"):
            await pilot.press(opening, "pageup", "pagedown", "escape")
            await settle(pilot)
            assert alive(app)
            assert len(app.screen_stack) == 1


async def test_ctrl_p_again_while_the_last_palette_is_still_being_removed():
    """Textual's own palette has a fixed id: the new one met the old (DuplicateIds)."""
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        app.screen.dismiss()  # popped, not yet removed
        app.action_command_palette()
        await settle(pilot)
        assert alive(app)
        assert isinstance(app.screen, Palette) and len(app.screen_stack) == 2


async def test_the_palette_search_ending_after_it_closed():
    """Textual 8.2.8: the search's result set ``_list_visible``, whose watcher queried the removed list."""
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", "r")
        palette = app.screen
        await palette.dismiss()
        palette._list_visible = not palette._list_visible  # what a late search result does
        await settle(pilot)
        assert alive(app)


async def test_two_quick_enters_in_the_theme_palette():
    """The palette's "Change theme" opened Textual's plain palette: two Enters popped the last screen
    (ScreenStackError, a 16,000-key mash on wide784)."""
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        app.search_themes()
        await pilot.pause()
        assert isinstance(app.screen, Palette)  # guarded like ctrl+p's
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert alive(app) and len(app.screen_stack) == 1


async def test_compare_opens_the_guarded_palette_too():
    """`bp-tui compare` opened Textual's plain palette (its double-Enter crash): now the guarded one."""
    from bp_tui.engine import load_scenario
    from bp_tui.engine.compare import Comparison
    from bp_tui.ui.compare_app import CompareApp

    app = CompareApp(Comparison(load_scenario("lr_too_high"), load_scenario("lr_right")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, Palette)
        await pilot.press("escape")
        await settle(pilot)
        app.search_themes()
        await pilot.pause()
        assert isinstance(app.screen, Palette)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert alive(app) and len(app.screen_stack) == 2  # the compare screen over the default one
