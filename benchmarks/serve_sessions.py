"""A classroom on one machine: N browser tabs on one ``bp-tui serve``.

    .venv/bin/python benchmarks/serve_sessions.py [--sessions 20] [--scenario seed]

Starts ``bp-tui serve`` on a free port, opens N websockets at once (what N
browser tabs do), and measures for each:

- first frame: seconds from the websocket opening to the app's first output,
  first for single tabs opened one after another (target: within 2 s), then
  for all N opened at the same moment (each is a new Python process: the
  start-up of N processes shares the machine's cores);
- key answer: once every session has drawn its first screen, each session
  presses ``f`` in turn and the time to the output that shows the step
  ("done: forward, layer 1") is taken (target: within 300 ms);
- memory: resident memory of each session's process (from /proc), and its
  proportional share (PSS: pages shared with the warm server divided among
  the processes sharing them, which is what a session really adds).

It prints the figures (median, worst) with the load average beside them and
exits 0 whether or not the targets are met.  A served session is one process
forked by the warm server (``bp_tui/ui/serve_warm.py``, which did the imports
once); ``--cold`` makes each tab start ``python -m bp_tui`` instead (as before
the warm server), to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ui"))
from serve_helpers import served, session_cpu, session_memory, tab, warm_cpu


async def one_tab(server, repeats: int) -> tuple[list, list]:
    """First frame of one tab at a time (nothing else open): what one student sees.

    Also the CPU time the session's process had used by then: on a busy
    machine the wall time is mostly waiting for a core, the CPU time is not.
    """
    times, cpu = [], []
    async with aiohttp.ClientSession() as http:
        for _ in range(repeats):
            async with tab(http, server.url) as session:
                await session.read_until("bp-tui", timeout=60)
                times.append(session.first_frame)
                cpu.append(sum(session_cpu(server.pid)))
            await asyncio.sleep(1.0)  # the closed session's process has gone
    return times, cpu


async def classroom(url: str, sessions: int, key_pattern: str, drawn=lambda: None) -> tuple[list, list, float]:
    async with aiohttp.ClientSession() as http:
        tabs = [tab(http, url) for _ in range(sessions)]
        opened = await asyncio.gather(*(t.__aenter__() for t in tabs))
        try:
            await asyncio.gather(*(s.read_until("bp-tui", timeout=60) for s in opened))
            first = [s.first_frame for s in opened]
            await asyncio.gather(*(s.read_until("press f", timeout=30) for s in opened))
            drawn()  # every session open and idle
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
    parser.add_argument("--repeats", type=int, default=5, help="single tabs opened one after another first")
    parser.add_argument("--cold", action="store_true", help="every tab starts python -m bp_tui (no warm server)")
    args = parser.parse_args()
    if args.cold:
        os.environ["BP_TUI_SERVE_COLD"] = "1"
    load_before = os.getloadavg()[0]
    with served(args.scenario) as server:
        memory_before = sum(session_memory(server.pid))
        alone, alone_cpu = asyncio.run(one_tab(server, args.repeats))
        started = time.monotonic()
        first, answers, burst = asyncio.run(_with_memory(server, args.sessions))
        elapsed = time.monotonic() - started
        warm = warm_cpu(server.pid)
    print(f"{args.sessions} sessions of {args.scenario} on one server, {'cold' if args.cold else 'warm'} starts "
          f"({elapsed:.1f} s in all; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"on {os.cpu_count()} CPUs)")
    if not args.cold:
        print(f"warm server: {warm:.2f} CPU-seconds in all (the imports, once for every tab)")
    print(f"first frame, one tab at a time ({args.repeats} tabs): {summary(alone)} (target 2 s); "
          f"CPU time its process used by then: {summary(alone_cpu)}")
    print(f"first frame, all {args.sessions} tabs opened at once: {summary(first)}")
    print(f"one key, one session at a time: {summary(answers)} (target 0.3 s)")
    print(f"one key in every session at once: all answered within {burst:.3f} s")
    for name, sizes in zip(("resident (RSS)", "proportional (PSS)"), _memory):
        if sizes:
            print(f"memory per session, {name}: median {statistics.median(sizes) / 2**20:.0f} MiB, "
                  f"largest {max(sizes) / 2**20:.0f} MiB, {sum(sizes) / 2**20:.0f} MiB for {len(sizes)} sessions")
    print(f"(sessions before the tabs opened: {memory_before / 2**20:.0f} MiB)")
    return 0


_memory: list = [[], []]


async def _with_memory(server, sessions: int):
    def measure() -> None:  # the sessions' memory, all open and drawn
        _memory[:] = [session_memory(server.pid), session_memory(server.pid, "Pss")]

    return await classroom(server.url, sessions, r"done: forward, layer 1", measure)


if __name__ == "__main__":
    sys.exit(main())
