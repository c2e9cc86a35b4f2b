"""A classroom on one machine: N browser tabs on one ``bp-tui serve``.

    .venv/bin/python benchmarks/serve_sessions.py [--sessions 20] [--scenario seed]

Starts ``bp-tui serve`` on a free port, opens N websockets at once (what N
browser tabs do), and measures for each:

- first frame: seconds from the websocket opening to the app's first output
  (target: within 2 s);
- key answer: once every session has drawn its first screen, each session
  presses ``f`` in turn and the time to the output that shows the step
  ("done: forward, layer 1") is taken (target: within 300 ms);
- memory: resident memory of each session's process (from /proc).

It prints the figures (median, worst) and exits 0 whether or not the targets
are met.  A served session is one Python process running the app; the
server itself is one more.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))
from serve_helpers import served, session_memory, tab


async def classroom(url: str, sessions: int, key_pattern: str) -> tuple[list, list, float]:
    async with aiohttp.ClientSession() as http:
        tabs = [tab(http, url) for _ in range(sessions)]
        opened = await asyncio.gather(*(t.__aenter__() for t in tabs))
        try:
            await asyncio.gather(*(s.read_until("bp-tui", timeout=60) for s in opened))
            first = [s.first_frame for s in opened]
            await asyncio.gather(*(s.read_until("press f", timeout=30) for s in opened))
            answers = []
            for s in opened:  # one key at a time, the others idle (as a class following along)
                mark = len(s.output)
                sent = time.monotonic()
                await s.key("f")
                took = await s.read_until(key_pattern, start=mark, timeout=10)
                answers.append(None if took is None else time.monotonic() - sent)
            burst_marks = [len(s.output) for s in opened]
            sent = time.monotonic()
            await asyncio.gather(*(s.key("f") for s in opened))  # everyone at once
            await asyncio.gather(*(s.read_until(r"layer 2 of 2", start=m, timeout=10)
                                   for s, m in zip(opened, burst_marks)))
            burst = time.monotonic() - sent
            return first, answers, burst
        finally:
            for t in tabs:
                await t.__aexit__(None, None, None)


def summary(values: list, unit: str = "s") -> str:
    got = [v for v in values if v is not None]
    missing = len(values) - len(got)
    if not got:
        return "none answered"
    text = f"median {statistics.median(got):.3f} {unit}, worst {max(got):.3f} {unit}"
    return text + (f", {missing} never answered" if missing else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--scenario", default="seed")
    args = parser.parse_args()
    with served(args.scenario) as server:
        memory_before = sum(session_memory(server.pid))
        started = time.monotonic()
        first, answers, burst = asyncio.run(_with_memory(server, args.sessions))
        elapsed = time.monotonic() - started
    print(f"{args.sessions} sessions of {args.scenario} on one server ({elapsed:.1f} s in all)")
    print(f"first frame after the websocket opened: {summary(first)} (target 2 s)")
    print(f"one key, one session at a time: {summary(answers)} (target 0.3 s)")
    print(f"one key in every session at once: all answered within {burst:.3f} s")
    rss = _memory[0]
    if rss:
        print(f"memory per session: median {statistics.median(rss) / 2**20:.0f} MiB, "
              f"largest {max(rss) / 2**20:.0f} MiB, {sum(rss) / 2**20:.0f} MiB for {len(rss)} sessions "
              f"(before any session: {memory_before / 2**20:.0f} MiB)")
    return 0


_memory: list = [[]]


async def _with_memory(server, sessions: int):
    task = asyncio.create_task(classroom(server.url, sessions, r"done: forward, layer 1"))
    while not task.done():  # the sessions' memory, taken while they are all open
        await asyncio.sleep(0.5)
        sizes = session_memory(server.pid)
        if len(sizes) >= len(_memory[0]):
            _memory[0] = sizes
    return task.result()


if __name__ == "__main__":
    sys.exit(main())
