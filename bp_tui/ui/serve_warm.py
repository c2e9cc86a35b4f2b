"""The warm server behind ``bp-tui serve``: sessions forked past the imports.

textual-serve starts one process per browser tab.  A cold ``python -m
bp_tui`` spends ~0.7 s of CPU on imports (Textual, Rich, NumPy, plotext)
before its first frame; twenty tabs opened at once by a class queued 14
CPU-seconds on a 2-core machine.  This process imports all that once, with
the environment textual-serve gives its sessions, then waits on a Unix
socket.  Each tab's command (``serve_client.py``, a few milliseconds to
start) sends its standard streams, environment and arguments; this forks,
and the child becomes the session: those streams as its own, that
environment, ``bp-tui ARGS`` run as the CLI runs it, and its exit status
sent back.  Pages the imports touched are shared by every session
(copy-on-write), so a session also costs less memory.

A session ends when its app exits or its client (the process textual-serve
watches) goes away.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import sys
import threading

#: What textual-serve 1.1.3 sets for its sessions (``AppService._build_environment``): Textual reads
#: these when imported, so this process imports it with them.
SESSION_ENV = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "TEXTUAL_FPS": "60",
               "TEXTUAL_COLOR_SYSTEM": "truecolor", "TERM_PROGRAM": "textual"}


def warm_up(scenario: str) -> None:
    """Import what a session needs, and read its scenario once (the files stay cached)."""
    os.environ.update(SESSION_ENV)
    from textual.drivers import web_driver  # noqa: F401

    from ..cli import main  # noqa: F401  (the commands, argparse)
    from ..engine import load_scenario
    from . import app, classroom, served  # noqa: F401

    load_scenario(scenario)


def serve_forever(path: str) -> None:
    """Accept tabs on the Unix socket ``path`` and fork a session for each."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # sessions are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    print("ready", flush=True)  # the parent waits for this line
    while True:
        connection, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os._exit(_session(connection))
        connection.close()


def _session(connection: socket.socket) -> int:
    """In the forked child: become the tab's session, run the app, report its exit status."""
    code = 1
    try:
        head, fds, _, _ = socket.recv_fds(connection, 4, 3)
        size = int.from_bytes(head, "big")
        body = b""
        while len(body) < size and (chunk := connection.recv(size - len(body))):
            body += chunk
        request = json.loads(body)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        importlib.reload(importlib.import_module("textual.constants"))  # this tab's size and settings
        threading.Thread(target=_end_with, args=(connection,), daemon=True).start()
        from ..cli import main

        code = main(list(request["args"]))
    finally:
        try:
            connection.sendall(str(code).encode())
        except OSError:
            pass
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def _end_with(connection: socket.socket) -> None:
    """The client sends nothing more: an end of file means it was killed; so is the session."""
    try:
        while connection.recv(16):
            pass
    except OSError:
        pass
    os._exit(1)


if __name__ == "__main__":
    warm_up(sys.argv[2])
    serve_forever(sys.argv[1])
