"""Screens that close once: the base of every dialog, and the command palette.

Two quick Enters in a dialog post two ``Input.Submitted`` before the first
is handled; the first dismisses the dialog, and the second would call
``dismiss()`` on a screen already popped, which Textual answers with
``ScreenStackError`` (it pops whatever is below, or finds one screen left).
So ``dismiss`` here acts only while the screen is the top one and not
already closing, and a closing dialog ignores what it was asked after.

Textual 8.2.8's command palette has the same double-Enter bug, and two
more (ours to work around, not to fix): PageUp/PageDown while its option
list has no height yet (just opened, or a tiny terminal) raise ``KeyError``
from ``OptionList._move_page``, whose line cache is empty then; a click on
its background handled after it closed dismisses it a second time; and its
search, still running after it closed, queries its removed list
(``NoMatches``).  ``Palette`` guards those places (and the app opens it
without Textual's fixed id, see ``action_command_palette``); ``Options``
guards the page keys of our own lists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from textual.app import App
from textual.await_complete import AwaitComplete
from textual.command import CommandList, CommandPalette
from textual.events import Click
from textual.message import Message
from textual.screen import ModalScreen
from textual.theme import ThemeProvider
from textual.widgets import Button, Checkbox, Input, OptionList

ResultType = TypeVar("ResultType")

#: What a user asks of a dialog; ignored once it is closing.
REQUESTS = (Input.Submitted, Button.Pressed, OptionList.OptionSelected, Checkbox.Changed)


class _Closing(Protocol):
    closing: bool

    @property
    def is_active(self) -> bool: ...


def _dismiss_once(screen: _Closing, dismiss: Callable[[Any], AwaitComplete], result: Any) -> AwaitComplete:
    """``dismiss(result)`` once, and only while ``screen`` is the top screen."""
    if screen.closing or not screen.is_active:
        return AwaitComplete.nothing()
    screen.closing = True
    return dismiss(result)


def _ignored(screen: _Closing, message: Message) -> bool:
    """What the user asked of a screen already closing."""
    return screen.closing and isinstance(message, REQUESTS)


class Dialog(ModalScreen[ResultType]):
    """The base of bp-tui's dialogs: ``dismiss`` acts once; then requests are ignored."""

    closing = False

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        return _dismiss_once(self, super().dismiss, result)

    def check_message_enabled(self, message: Message) -> bool:
        return not _ignored(self, message) and super().check_message_enabled(message)


class Palette(CommandPalette):
    """Textual's command palette with its 8.2.8 crashes guarded (module doc)."""

    closing = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if not self.closing:
            # Textual 8.2.8 bug: a search still running (or its "no matches"
            # countdown) after the palette closed queries its removed list
            # (NoMatches in _watch__list_visible): stop both first.
            self._cancel_gather_commands()
            self._stop_no_matches_countdown()
        return _dismiss_once(self, super().dismiss, result)

    def check_message_enabled(self, message: Message) -> bool:
        # Textual 8.2.8 bug: a key typed while the palette closes changes its
        # input, and the palette starts a new search on a list being removed
        # (a key-mash crash): a closing palette ignores its input too.
        if self.closing and isinstance(message, Input.Changed):
            return False
        return not _ignored(self, message) and super().check_message_enabled(message)

    def _watch__list_visible(self) -> None:
        if not self.closing:  # the same bug, whatever else sets it late
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if not self.closing:
            await super()._watch__show_busy()

    def _action_command_list(self, action: str) -> None:
        # Textual 8.2.8 bug: OptionList._move_page looks up the highlighted
        # option's line in a cache that is empty while the list has no height
        # (KeyError: 0 on PageUp at 113x20 just after typing): skip the move then.
        commands = self.query_one(CommandList)
        if action in ("page_up", "page_down") and not commands.scrollable_content_region:
            return
        super()._action_command_list(action)

    def _on_click(self, event: Click) -> None:  # type: ignore[override]
        # Textual 8.2.8 bug: a click on the palette's background that is handled
        # after the palette was dismissed (Enter, then a click) dismisses it
        # again: ScreenStackError.
        if not self.closing:
            super()._on_click(event)


class GuardedPalettes(App):
    """Every app's command palette (ctrl+p) and Textual's theme palette (the palette's
    "Change theme") as a ``Palette``: a plain one had the double-Enter crash
    (``ScreenStackError``, found by a 16,000-key mash)."""

    def action_command_palette(self) -> None:
        """Textual's palette with its 8.2.8 crashes guarded (``Palette``); without
        Textual's fixed id, which ctrl+p just after Escape met again (DuplicateIds)."""
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette())

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))


class Options(OptionList):
    """An option list whose PageUp/PageDown wait until it has a height (the
    same Textual 8.2.8 ``KeyError`` as the palette's, in a tiny terminal)."""

    def action_page_up(self) -> None:
        if self.scrollable_content_region:
            super().action_page_up()

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()
