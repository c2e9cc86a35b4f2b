"""Every key of the app in one table: the bindings, the footer, the help
screen and the command palette are all made from it, so they cannot drift."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma-separated; a pair for actions taking -1 / +1
    action: str
    label: str  # footer and command palette name ("" = not in the footer)
    help: str
    footer: bool = False
    paired: bool = False  # first key runs action(-1), second action(1)
    section: str = "Step"


KEYS = [
    Key("f", "forward", "Forward", "forward pass: compute the next layer", True),
    Key("b", "backward", "Backward", "backward pass: slopes and gradients of the next layer back", True),
    Key("u", "update", "Update", "apply the update: the optimizer moves every weight", True),
    Key("n,space", "next", "Next", "the next phase, whatever it is", True),
    Key("enter", "finish_update", "Finish update", "run to the end of this update"),
    Key("e", "finish_epoch", "Epoch", "run to the end of this epoch (breakpoints stop it)", True),
    Key("c", "continue", "Continue", "train on to the end; any key pauses, breakpoints stop it", True),
    Key("less_than_sign,greater_than_sign", "pace", "", "continue slower / faster: a phase per beat, an update "
        "per beat, full speed", paired=True),
    Key("z,left", "back", "Back", "step back one phase, all the way to the start", True, section="Time"),
    Key("y,right", "redo", "Redo", "step forward again after going back", section="Time"),
    Key("g", "goto", "Go to", "go to update N or epoch N, back or forward", True, section="Time"),
    Key("up,down", "move_row", "", "select the weight from the node above / below", paired=True, section="Select"),
    Key("shift+left,shift+right", "move_col", "", "select the weight into the node left / right",
        paired=True, section="Select"),
    Key("shift+tab,tab", "cycle", "", "previous / next weight, across layers", paired=True, section="Select"),
    Key("[,]", "layer", "", "previous / next layer's weights", paired=True, section="Select"),
    Key("s", "sample", "Next sample", "show the next sample of the batch in the diagram", section="Select"),
    Key("x", "expand", "Assembly", "how the selected weight's loss slope came to be: assembled from the next "
        "layer, or at the output from the error", section="Look"),
    Key("p", "precision", "Precision", "full float64 precision in the breakdown", section="Look"),
    Key("t", "matrix", "Matrices", "the network drawn as nodes and lines, or as tables of weights (matrices)",
        section="Look"),
    Key("l", "node_map", "Node map", "the map of the node the selected weight feeds, large (again: the output)",
        section="Look"),
    Key("a", "features", "Map axes", "map the next pair of inputs (the others held at their mean)", section="Look"),
    Key("d", "description", "Description", "what this scenario teaches (shown when it opens)", section="File"),
    Key("v", "gradcheck", "Check gradient", "check the selected weight's gradient by finite differences",
        section="Look"),
    Key("V", "gradcheck_all", "Check all gradients", "check every gradient; select the worst", section="Look"),
    Key("w", "watch_weight", "Watch weight", "pin the selected weight: its values over updates", section="Look"),
    Key("W", "watch_node", "Watch node", "pin the node the selected weight feeds into", section="Look"),
    Key("O", "watch_state", "Watch optimizer state", "pin the selected weight's optimizer state (v; m, s)",
        section="Look"),
    Key("F", "fork", "Fork", "a second run from here, one setting changed, side by side", section="Look"),
    Key("P", "present", "Presenter", "presenter mode: the equation large, a sentence per phase, high contrast",
        section="Look"),
    Key("B", "breakpoints", "Breakpoints", "turn breakpoints on and off", True, section="Look"),
    Key("o", "open", "Open", "open another scenario (bundled or a path)", True, section="File"),
    Key("m", "explain", "Worked example", "write this update as a Markdown worked example (bp-tui explain), "
        "copied to the clipboard too", section="File"),
    Key("X", "export", "Export", "write the trace (JSON Lines), CSV, or save/load weights (.npz)",
        section="File"),
    Key("r", "reset", "Reset", "back to the scenario's start", True, section="File"),
    Key("question_mark", "help", "Help", "this help", True, section="File"),
    Key("q", "quit", "Quit", "quit", True, section="File"),
]

PRETTY = {"question_mark": "?", "less_than_sign": "<", "greater_than_sign": ">",
          "shift+left": "shift+←", "shift+right": "shift+→", "left": "←",
          "right": "→", "up": "↑", "down": "↓"}


#: Actions that move training (or end it): the app's (``app.py``); every other key only looks
#: closer or opens a dialog: the main screen's (``main_screen.py``).
APP_SECTIONS, APP_ACTIONS = ("Step", "Time"), ("reset", "quit")


def action_string(key: Key) -> str:
    """``app.forward`` for the app's actions, ``expand`` for the main screen's."""
    return f"app.{key.action}" if key.section in APP_SECTIONS or key.action in APP_ACTIONS else key.action


def bindings() -> list[BindingType]:
    """Every key's binding, for the main screen (its footer keeps the table's order)."""
    return _bindings(KEYS, action_string)


def _bindings(keys: list[Key], action_of_key: Callable[[Key], str] = lambda key: key.action) -> list[BindingType]:
    out: list[BindingType] = []
    for key in keys:
        action = action_of_key(key)
        if key.paired:
            first, second = key.keys.split(",")
            out.append(Binding(first, f"{action}(-1)", key.label, show=False, priority=key.action == "cycle"))
            out.append(Binding(second, f"{action}(1)", key.label, show=False, priority=key.action == "cycle"))
        else:
            shown = PRETTY.get(key.keys.split(",")[0])
            out.append(Binding(key.keys, action, key.label, show=key.footer, key_display=shown))
    return out


#: The footer's ``▏^p palette`` (Textual docks it right, over the keys when they reach it), with a gap.
PALETTE_WIDTH = 13


def footer_width(palette: bool = True) -> int:
    """Columns the footer's keys take (compact: ``f Forward b Backward …``), plus the palette's."""
    shown = [key for key in KEYS if key.footer]
    keys = sum(len(PRETTY.get(key.keys.split(",")[0], key.keys.split(",")[0])) + 1 + len(key.label) for key in shown)
    return keys + len(shown) - 1 + (PALETTE_WIDTH if palette else 0)


def commands() -> list[tuple[Key, str]]:
    """The command palette's commands: each key (but the paired ones and quit) and its action string."""
    return [(key, action_string(key)) for key in KEYS if not key.paired and key.action != "quit"]


def help_rows() -> list[tuple[str, str, str]]:
    """``(section, keys as typed, what it does)`` for the help screen."""
    rows = [(k.section, " / ".join(PRETTY.get(n, n) for n in k.keys.split(",")), k.help) for k in KEYS]
    return rows + [("File", "ctrl+p", "command palette: every command by name")]


def key_for(action: str) -> str:
    """The key a hint names for ``action`` (its first key, as shown; a pair's both): ``key_for("forward")`` is ``f``.

    Hints say "press f" through this, so a key changed in the table changes every hint.
    """
    for key in KEYS:
        if key.action == action:
            names = key.keys.split(",")
            return " ".join(PRETTY.get(n, n) for n in names) if key.paired else PRETTY.get(names[0], names[0])
    raise KeyError(f"no key for the action {action!r}")


def action_of(key: str) -> str | None:
    """The action a key name (``f``, ``left``) is bound to (paired keys left out), else None."""
    for k in KEYS:
        if not k.paired and key in k.keys.split(","):
            return k.action
    return None


#: The comparison screen (``bp-tui compare``, or ``F`` in the app): each key moves both runs.
COMPARE_KEYS = [
    Key("f", "forward", "Forward", "forward pass of both runs: the next layer of each", True),
    Key("b", "backward", "Backward", "backward pass of both runs", True),
    Key("u", "update", "Update", "apply the update in both runs", True),
    Key("n,space", "next", "Next", "the next phase of both runs", True),
    Key("enter", "finish_update", "Finish update", "both runs to the end of their update"),
    Key("t", "ten_updates", "10 updates", "ten more updates of both runs"),
    Key("e", "finish_epoch", "Epoch", "both runs to the end of their epoch"),
    Key("c", "continue", "Continue", "train both runs on to the end; any key pauses", True),
    Key("z,left", "back", "Back", "both runs one phase back", True, section="Time"),
    Key("y,right", "redo", "Redo", "both runs one phase forward again", section="Time"),
    Key("shift+tab,tab", "cycle", "", "previous / next weight, across layers", paired=True, section="Select"),
    Key("up,down", "cycle", "", "previous / next weight", paired=True, section="Select"),
    Key("p", "precision", "Precision", "full float64 precision", section="Look"),
    Key("q,escape", "close", "Close", "leave the comparison", True, section="File"),
]


def compare_bindings() -> list[BindingType]:
    """The comparison's keys; the app's other keys do nothing there (they would move one run alone)."""
    own = {k for key in COMPARE_KEYS for k in key.keys.split(",")}
    others = [k for key in KEYS for k in key.keys.split(",") if k not in own]
    return _bindings(COMPARE_KEYS) + [Binding(",".join(others), "nothing", show=False)]
