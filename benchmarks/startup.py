"""Start-up: wall time of short commands as a user runs them, this tree against an older one.

    .venv/bin/python benchmarks/startup.py [--before DIR_OR_REV] [--repeats 7]

Each command runs in a fresh ``python -m bp_tui`` process, the trees taking
turns.  Goals (issue 11): ``trace seed --updates 1`` and ``check seed`` under
0.4 s on a quiet machine, the app's first frame under 1 s (headless, from
the process's start).  ``python -c pass`` is the interpreter's own share.
Neither command may import Textual (tests/engine/test_import_hygiene.py);
``-X importtime`` shows where the rest goes.

Besides the wall time, each run's CPU time (user + system, from the child's
resource usage) is printed: on a shared machine the wall time mostly
measures the other work, while the CPU time is what the command costs, close
to its wall time on a quiet machine.  Python's bytecode cache is on (in a
temporary folder: an installed package has its ``.pyc`` files, and a
``PYTHONDONTWRITEBYTECODE`` in the environment would time the compiler), with
one warm-up run per tree.  ``--before`` takes a checkout or a git revision.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import Spread, ratio  # noqa: E402

COMMANDS = [["trace", "seed", "--updates", "1"], ["check", "seed"], ["trace", "iris", "--updates", "1"]]
GOAL = 0.4
FIRST_FRAME_GOAL = 1.0
#: The app on the seed, headless at 120x40, in a fresh process: seconds from before the process was
#: started (argv[1], the parent's clock) to the app's first frame on screen (``App._display``).
FIRST_FRAME = """
import asyncio, sys, time
from bp_tui.engine import load_scenario
from bp_tui.ui.app import create_app
app = create_app(load_scenario("seed"))
frames = []
original = app._display
def display(screen, renderable):
    original(screen, renderable)
    if renderable is not None and not frames:
        frames.append(time.time())
app._display = display
async def first_frame():
    async with app.run_test(size=(120, 40)) as pilot:
        while not frames:
            await asyncio.sleep(0.005)
asyncio.run(first_frame())
print(frames[0] - float(sys.argv[1]))
"""


def run(tree: Path, args: list[str], cache: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``bp-tui ARGS`` (``python -c pass`` for no ARGS)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", "pass"] if not args else [sys.executable, "-m", "bp_tui", *args]
    if args == ["first-frame"]:
        command = [sys.executable, "-c", FIRST_FRAME, repr(time.time())]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(command)} failed in {tree}")
    if args == ["first-frame"]:
        seconds = float(out.decode().strip().splitlines()[-1])  # to the frame; CPU: the whole process
    return seconds, usage.ru_utime + usage.ru_stime


def tree_of(given: Path, folder: Path) -> Path:
    """A checkout as it is, or a git revision of this repository exported to ``folder``."""
    if given.is_dir():
        return given.resolve()
    target = folder / "before"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", str(given), "bp_tui", "scenarios"],
                             capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the old code, or a git revision")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trees = {"after": ROOT} | ({"before": tree_of(args.before, folder)} if args.before else {})
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        commands: list[list[str]] = [[], *COMMANDS, ["first-frame"]]
        for command in commands:
            for tree in trees.values():
                run(tree, command, folder / "pyc")  # warm-up: the bytecode cache
            times: dict[str, list[tuple[float, float]]] = {label: [] for label in trees}
            for _ in range(args.repeats):
                for label, tree in trees.items():
                    times[label].append(run(tree, command, folder / "pyc"))
            name = " ".join(command) or "python -c pass"
            if command == ["first-frame"]:
                name = "app's first frame (seed, 120x40, headless, from process start; CPU: the whole run)"
            print(name, flush=True)
            for label, got in times.items():
                wall, cpu = Spread.of([w for w, _ in got]), Spread.of([c for _, c in got])
                goal = f"  (goal < {GOAL} s: {'met' if cpu.median < GOAL else 'MISSED'} by CPU)" if command else ""
                if command == ["first-frame"]:
                    goal = f"  (goal < {FIRST_FRAME_GOAL} s: {'met' if wall.median < FIRST_FRAME_GOAL else 'MISSED'})"
                print(f"  {label:6} wall {wall.show('{:.3f}', ' s')}, CPU {cpu.show('{:.3f}', ' s')}{goal}", flush=True)
            if "before" in trees:
                walls = [ratio([w for w, _ in times["after"]], [w for w, _ in times["before"]]),
                         ratio([c for _, c in times["after"]], [c for _, c in times["before"]])]
                print(f"  after/before: wall {walls[0].show('{:.2f}', 'x')}, CPU {walls[1].show('{:.2f}', 'x')}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
