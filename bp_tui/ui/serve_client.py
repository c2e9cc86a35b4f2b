"""One served tab's command: hand this process's terminal to the warm server.

textual-serve runs one command per browser tab and talks to it through its
standard input, output and error.  Starting Python, Textual, NumPy and the
app for every tab cost ~0.7 s of CPU each (20 tabs: 14 CPU-seconds on a
2-core machine).  This script starts in a few milliseconds instead (run as
``python -I -S serve_client.py SOCKET ARGS``: standard library only, no site
packages), passes its three standard streams, its environment and ``ARGS``
to the warm server (``serve_warm.py``) over a Unix socket, and waits: the
server forks a session already past those imports, which runs ``bp-tui
ARGS`` on the streams and sends back its exit status, which this exits with.

If the warm server cannot be reached, it runs ``python -m bp_tui ARGS``
itself (the slow start, still a working session).  If this process is
killed, the session sees the socket close and ends.
"""

from __future__ import annotations

import json
import os
import socket
import sys


def main(argv: list[str]) -> int:
    path, args = argv[0], argv[1:]
    request = json.dumps({"args": args, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(path)
        socket.send_fds(sock, [len(request).to_bytes(4, "big") + request], [0, 1, 2])
    except OSError:
        fallback = [sys.executable, "-m", "bp_tui", *args]
        os.execv(fallback[0], fallback)
    status = b""
    while chunk := sock.recv(16):
        status += chunk
    return int(status) if status.strip().isdigit() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
