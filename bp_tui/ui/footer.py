"""The footer: Textual's, but a key that only dims or lights up is restyled in place.

Every phase key changes which keys can act (``f`` dims after the forward
pass, ``b`` lights up), and Textual's footer answers each change by
composing all its keys anew: some 40 ms a key on this machine, most of a
key's redraw.  When the keys shown are the same and only their enabled state
changed, this footer flips each key's ``-disabled`` class instead; anything
else (other keys, the palette shown or hidden) still recomposes.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeysFooter(Footer):
    def bindings_changed(self, screen: Screen) -> None:
        keys = [key for key in self.query(FooterKey) if not key.has_class("-command-palette")]
        shown = _shown(screen)
        same = (self._bindings_ready and screen.app.app_focus and self.is_attached and screen is self.screen
                and len(keys) == len(shown) > 0
                and all(key.key == b.key and key.description == b.description for key, (b, _) in zip(keys, shown)))
        if not same:
            super().bindings_changed(screen)
            return
        for key, (_, enabled) in zip(keys, shown):
            if key._disabled == enabled:  # FooterKey keeps its state in _disabled and the -disabled class
                key._disabled = not enabled
                key.set_class(not enabled, "-disabled")

    def watch_show_command_palette(self, show: bool) -> None:
        """Textual's footer only shows the change at its next recompose; ours does it now."""
        if self.is_attached and self._bindings_ready:
            self.call_after_refresh(self.recompose)


def _shown(screen: Screen) -> list:
    """``(binding, enabled)`` of each key the footer shows, as ``Footer.compose`` picks them (first per action)."""
    first: dict = {}
    for _, binding, enabled, _ in screen.active_bindings.values():
        if binding.show:
            first.setdefault(binding.action, (binding, enabled))
    return list(first.values())
