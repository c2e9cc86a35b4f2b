"""The key-mash sends the keys the app binds: each key of ``ui/keys.py`` has a
tmux ``send-keys`` name, and tmux turns that name into the very key Textual
reads (checked through a real tmux pane and Textual's own input parser)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid

import pytest
from key_mash import tmux_available, tmux_name
from textual._xterm_parser import XTermParser
from textual.keys import _character_to_key

from bp_tui.ui.keys import COMPARE_KEYS, KEYS

#: tmux's key names (its manual, "KEY BINDINGS"), with C-/M-/S- modifiers; or one printable character.
TMUX_KEY = re.compile(r"((C|M|S)-)*(Up|Down|Left|Right|BSpace|BTab|DC|End|Enter|Escape|Home|IC|PageDown|PageUp"
                      r"|Space|Tab|F([1-9]|1[0-2])|[!-~])")


def bound() -> list[str]:
    return sorted({name for key in KEYS + COMPARE_KEYS for name in key.keys.split(",")})


def textual_name(name: str) -> str:
    """A binding's key as Textual's parser names it (``[`` is ``left_square_bracket``)."""
    return _character_to_key(name) if len(name) == 1 else name


@pytest.mark.parametrize("key", bound())
def test_every_bound_key_has_a_tmux_name(key):
    assert TMUX_KEY.fullmatch(tmux_name(key)), tmux_name(key)


def test_the_pace_keys_are_sent_as_one_character_each():
    assert (tmux_name("less_than_sign"), tmux_name("greater_than_sign")) == ("<", ">")
    assert tmux_name("ctrl+p") == "C-p" and tmux_name("question_mark") == "?"


READER = """
import os, sys, tty
tty.setraw(0)
with open(sys.argv[1], "a") as out:
    while True:
        out.write(os.read(0, 1024).hex() + "\\n")
        out.flush()
"""


@pytest.mark.skipif(not tmux_available() and os.environ.get("CI") != "true", reason="tmux is not installed")
def test_tmux_sends_each_bound_key_as_the_key_textual_reads(tmp_path):
    received = tmp_path / "received"
    received.touch()
    socket = f"bp-tui-names-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def tmux(*args: str) -> None:
        subprocess.run(["tmux", "-L", socket, "-f", os.devnull, *args], check=True, timeout=20,
                       env={k: v for k, v in os.environ.items() if k != "TMUX"})

    def lines() -> list[str]:
        return received.read_text().splitlines()

    tmux("new-session", "-d", "-s", "names", "-x", "80", "-y", "24", sys.executable, "-c", READER, str(received))
    try:
        time.sleep(0.5)  # the reader sets its terminal raw
        got = {}
        for key in bound():
            before = len(lines())
            tmux("send-keys", "-t", "names", tmux_name(key))
            deadline = time.monotonic() + 5
            while len(lines()) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            data = bytes.fromhex("".join(lines()[before:])).decode()
            parser = XTermParser()
            events = [*parser.feed(data), *parser.feed("")]  # the empty feed ends a lone escape
            got[key] = [getattr(event, "key", None) for event in events]
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], timeout=20, check=False)
    assert got == {key: [textual_name(key)] for key in bound()}
