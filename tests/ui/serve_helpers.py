"""A ``bp-tui serve`` in a subprocess, and a websocket client that speaks textual-serve.

The page's JavaScript sends JSON arrays (``["stdin", "f"]``); the server
answers with binary frames of terminal output (ANSI).  Output keeps streaming
while the app redraws, so readers wait until a deadline or until the text
they look for appears, never for silence.  Shared by the tests and
``benchmarks/serve_sessions.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P^_].*?(?:\x07|\x1b\\)|\x1b[@-Z\\-_]", re.DOTALL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plain(data: bytes) -> str:
    """Terminal output with its escape sequences removed."""
    return ANSI.sub(b"", data).decode("utf-8", "replace")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # also its process group: the sessions it starts are in it


@contextlib.contextmanager
def served(*args: str, timeout: float = 30) -> Iterator[Server]:
    """``python -m bp_tui serve ARGS --port P`` running."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, "-m", "bp_tui", "serve", *args, "--port", str(port)],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"bp-tui serve exited {process.returncode}: {process.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Server(url, process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)  # the server and the sessions it started
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        process.stderr.close()


class Session:
    """One browser tab's websocket: send keys, collect the terminal output."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse):
        self.websocket = websocket
        self.output = b""
        self.opened = time.monotonic()
        self.first_frame: float | None = None  # seconds from opening to the first output

    async def key(self, text: str) -> None:
        await self.websocket.send_json(["stdin", text])

    async def read_until(self, pattern: str, start: int = 0, timeout: float = 10.0) -> float | None:
        """Seconds until ``pattern`` (a regex) appears in the output after byte ``start``; None at the deadline."""
        began = time.monotonic()
        deadline = began + timeout
        while not re.search(pattern, plain(self.output[start:])):
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                message = await self.websocket.receive(timeout=left)
            except TimeoutError:
                return None
            if message.type == aiohttp.WSMsgType.BINARY:
                if self.first_frame is None:
                    self.first_frame = time.monotonic() - self.opened
                self.output += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                return None
        return time.monotonic() - began


@contextlib.asynccontextmanager
async def tab(http: aiohttp.ClientSession, url: str, width: int = 100, height: int = 30):
    async with http.ws_connect(f"{url}/ws?width={width}&height={height}") as websocket:
        yield Session(websocket)


def session_cpu(server_pid: int) -> list[float]:
    """CPU seconds (user + system) each session's process has used (a forked one: since its fork)."""
    return [_cpu(fields) for folder, fields in _processes(server_pid) if _kind(folder, fields, server_pid) == "session"]


def warm_cpu(server_pid: int) -> float:
    """CPU seconds the warm server (``ui/serve_warm.py``: the imports, once for every tab) has used."""
    return sum(_cpu(fields) for folder, fields in _processes(server_pid) if _kind(folder, fields, server_pid) == "warm")


def session_memory(server_pid: int, field: str = "Rss") -> list[int]:
    """Memory (bytes) of each session's process: ``Rss`` (resident; pages shared with the warm
    server counted in full in each) or ``Pss`` (shared pages divided among those sharing them)."""
    sizes = []
    for folder, fields in _processes(server_pid):
        if _kind(folder, fields, server_pid) != "session":
            continue
        try:
            match = re.search(rf"^{field}:\s+(\d+) kB", (folder / "smaps_rollup").read_text(), re.MULTILINE)
        except OSError:
            continue
        if match:
            sizes.append(int(match[1]) * 1024)
    return sizes


def _cpu(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(server_pid: int) -> list[tuple[Path, list[str]]]:
    """The processes in the server's process group: /proc folder and its stat fields after the name."""
    out = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            if os.getpgid(int(folder.name)) == server_pid:
                out.append((folder, (folder / "stat").read_text().rsplit(")", 1)[1].split()))
        except (OSError, IndexError):
            continue
    return out


def _kind(folder: Path, fields: list[str], server_pid: int) -> str:
    """``session`` (forked by the warm server, or started cold as ``python -m bp_tui``), ``warm``, or ``other``."""
    try:
        cmdline = (folder / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "other"
    if b"bp_tui.ui.serve_warm" in cmdline:
        return "warm" if int(fields[1]) == server_pid else "session"
    return "session" if b"bp_tui" in cmdline and b"serve" not in cmdline else "other"
