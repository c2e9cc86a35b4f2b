"""The warm server behind ``bp-tui serve``: each tab's session forked past the imports.

Without a browser or textual-serve: the warm server (``ui/serve_warm.py``)
and the tab's command (``ui/serve_client.py``) as textual-serve runs them,
through pipes.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bp_tui.ui import serve_client
from bp_tui.ui.serve import session_command, warm_sessions
from bp_tui.ui.serve_warm import SESSION_ENV

REPO = Path(__file__).resolve().parents[2]
CLIENT = str(Path(serve_client.__file__))
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture
def warm(tmp_path):
    with warm_sessions(REPO / "scenarios" / "seed.toml") as path:
        assert path is not None
        yield path


def client(socket_path: str, *args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-I", "-S", CLIENT, socket_path, *args], env=ENV, **options)


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_the_tab_command_goes_through_the_warm_server(tmp_path):
    odd = tmp_path / "a b; $(x)" / "seed's.toml"
    command = session_command(odd, goto="3", present=True, python="/opt/py thon", warm="/tmp/w s/warm.sock")
    assert shlex.split(command) == ["/opt/py thon", "-I", "-S", CLIENT, "/tmp/w s/warm.sock", str(odd.resolve()),
                                    "--goto", "3", "--present"]


def test_a_session_exits_with_the_cli_s_status_and_message(warm):
    done = client(warm, "seed", "--goto", "99999", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
    out, err = done.communicate(timeout=60)
    assert done.returncode == 2 and out == b""
    assert err.decode().startswith("bp-tui: --goto: 99999") or "99999" in err.decode()


def test_without_the_warm_server_a_tab_starts_cold():
    done = subprocess.run([sys.executable, "-I", "-S", CLIENT, "/nonexistent/warm.sock", "--version"], env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("bp-tui ")


def test_a_killed_tab_ends_its_session(warm):
    warm_pid = next(int(p.parent.name) for p in Path("/proc").glob("[0-9]*/cmdline")
                    if warm.encode() in p.read_bytes() and b"serve_warm" in p.read_bytes())
    before = children_of(warm_pid)
    served = {**ENV, **SESSION_ENV, "COLUMNS": "100", "ROWS": "30"}  # as textual-serve starts a tab
    tab = subprocess.Popen([sys.executable, "-I", "-S", CLIENT, warm, "seed"], env=served, stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert tab.stdout is not None and tab.stdout.read(1)  # the session draws: it runs
        sessions = children_of(warm_pid) - before
        assert len(sessions) == 1  # forked by the warm server, not started by the tab's command
    finally:
        tab.send_signal(signal.SIGKILL)
        tab.wait(10)
    deadline = time.monotonic() + 10
    while children_of(warm_pid) & sessions and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not children_of(warm_pid) & sessions
