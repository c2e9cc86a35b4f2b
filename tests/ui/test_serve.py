"""``bp-tui serve`` without a browser: the page answers, each websocket is its own app.

A websocket is what the page's JavaScript opens; through it the test types
keys (``["stdin", "f"]``) and reads the terminal output a browser would draw.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import urllib.request

import aiohttp
import pytest
from serve_helpers import REPO, free_port, served, tab

from bp_tui.ui.serve import session_command

SEED_AFTER_FF = r"▶0 +7\b"  # the diagram's output node: prediction 7 after two forward steps


def test_the_session_command_quotes_every_part(tmp_path):
    odd = tmp_path / "a b; rm -rf ~ $(x)" / "seed's.toml"
    command = session_command(odd, goto="120", select="W1[0,1]", present=True, python="/opt/py thon")
    assert shlex.split(command) == ["/opt/py thon", "-m", "bp_tui", str(odd.resolve()), "--goto", "120",
                                    "--select", "W1[0,1]", "--present"]


async def test_a_browser_tab_runs_its_own_app_and_steps_by_keys():
    with served("seed") as server:
        with urllib.request.urlopen(server.url + "/", timeout=10) as response:
            assert response.status == 200
            page = response.read().decode()
        assert "/ws" in page  # the page opens the app's websocket
        async with aiohttp.ClientSession() as http, tab(http, server.url) as first, tab(http, server.url) as second:
            assert await first.read_until("Seed example", timeout=30) is not None
            assert await second.read_until("Seed example", timeout=30) is not None
            mark = len(first.output)
            await first.key("f")
            await first.key("f")
            assert await first.read_until(SEED_AFTER_FF, start=mark, timeout=20) is not None
            assert await first.read_until("loss 9", start=mark, timeout=5) is not None
            # the other tab is another session: one step there is layer 1, not the first tab's layer 2
            mark = len(second.output)
            await second.key("f")
            assert await second.read_until(r"done: forward, layer 1 of 2", start=mark, timeout=20) is not None
            assert "layer 2 of 2." not in second.output[mark:].decode("utf-8", "replace")


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bp_tui", "serve", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("args, message", [
    (["no_such.toml"], "no_such.toml: "),
    (["seed", "--port", "70000"], "--port"),
    (["seed", "--goto", "6"], "--goto"),
    (["seed", "--select", "W9[0,0]"], "--select"),
    (["seed", "--public-url", "ftp://x"], "--public-url"),
])
def test_bad_options_fail_before_serving(args, message):
    result = _serve(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_port_in_use_is_a_user_error():
    import socket

    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = _serve("seed", "--port", str(port))
    assert result.returncode == 2
    assert f"--port: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
