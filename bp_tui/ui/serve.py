"""``bp-tui serve``: the app in every browser tab, with Textualize's ``textual-serve``.

textual-serve answers ``GET /`` with a page holding a terminal (xterm.js) and,
for each websocket the page opens, runs one command through a shell: here
``python -m bp_tui SCENARIO ...``, so every tab is its own process and its own
training session.  In that process ``App.is_web`` is true: exports become
downloads and the open dialog offers only the bundled scenarios.

The scenario and options are validated here, before the server starts, and
passed on as an absolute path (the server's working folder is no concern of
the sessions'); every part of the command is ``shlex.quote``d.

A tab's command does not start the app cold: ``warm_sessions`` starts one
process that has imported the app (``serve_warm.py``), and each tab's command
(``serve_client.py``, standard library only) hands its streams to it, which
forks the session: the first frame comes without ~0.7 s of imports per tab.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..engine.fields import ScenarioError

#: ``bp-tui serve`` passes these ``bp-tui SCENARIO`` options on to every session.
SESSION_OPTIONS = ("goto", "select", "present")


def session_command(scenario_path: str | Path, goto: str | None = None, select: str | None = None,
                    present: bool = False, python: str = sys.executable, warm: str | None = None) -> str:
    """The shell command that runs one served session of the app (through the warm
    server listening on the Unix socket ``warm``, if given)."""
    start = ["-m", "bp_tui"] if warm is None else ["-I", "-S", str(Path(__file__).with_name("serve_client.py")), warm]
    parts = [python, *start, str(Path(scenario_path).resolve())]
    if goto is not None:
        parts += ["--goto", str(goto)]
    if select is not None:
        parts += ["--select", select]
    if present:
        parts.append("--present")
    return " ".join(shlex.quote(part) for part in parts)


def check_public_url(url: str | None) -> str | None:
    """``http(s)://host[:port][/path]``, without a trailing slash; None stays None."""
    if url is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ScenarioError(url, "--public-url", "expected an address such as http://192.168.1.20:8000")
    return url.strip().rstrip("/")


def check_listen(host: str, port: int) -> None:
    """Fail now, as a user error, when the server could not listen on ``host:port``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise ScenarioError("bp-tui serve", "--host", f"no such address: {host}") from None
    try:
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as error:
        why = {errno.EADDRINUSE: "the port is in use", errno.EACCES: "permission denied",
               errno.EADDRNOTAVAIL: "not an address of this machine"}.get(error.errno or 0) or str(error)
        raise ScenarioError("bp-tui serve", "--port", f"cannot listen on {host}:{port}: {why}") from None


def serve(command: str, host: str, port: int, public_url: str | None, title: str) -> None:
    """Serve ``command`` to browsers until interrupted (Ctrl+C)."""
    from textual_serve.server import Server

    Server(command, host=host, port=port, title=title, public_url=public_url).serve()


@contextlib.contextmanager
def warm_sessions(scenario_path: str | Path, python: str = sys.executable) -> Iterator[str | None]:
    """The warm server (``serve_warm.py``) running while the block runs: its socket's path,
    or None if it did not start (then tabs start cold, as ``python -m bp_tui``; also
    with ``BP_TUI_SERVE_COLD=1``, which ``benchmarks/serve_sessions.py --cold`` sets to compare)."""
    if os.environ.get("BP_TUI_SERVE_COLD") == "1":
        yield None
        return
    folder = tempfile.mkdtemp(prefix="bp-tui-serve-")  # 0700: only this user reaches the socket
    path = str(Path(folder) / "warm.sock")
    process = subprocess.Popen([python, "-m", "bp_tui.ui.serve_warm", path, str(Path(scenario_path).resolve())],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().strip() == b"ready"
        yield path if ready else None
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        shutil.rmtree(folder, ignore_errors=True)

