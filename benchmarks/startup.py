"""Start-up: wall time of short commands as a user runs them, this tree against an older one.

    .venv/bin/python benchmarks/startup.py [--before DIR] [--repeats 7]

Each command runs in a fresh ``python -m bp_tui`` process, the trees taking
turns.  Goals (issue 11): ``trace seed --updates 1`` and ``check seed`` under
0.4 s on a quiet machine.  ``python -c pass`` is the interpreter's own share.
Neither command may import Textual (tests/engine/test_import_hygiene.py);
``-X importtime`` shows where the rest goes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import Spread, ratio  # noqa: E402

COMMANDS = [["trace", "seed", "--updates", "1"], ["check", "seed"], ["trace", "iris", "--updates", "1"]]
GOAL = 0.4


def wall(tree: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-c", "pass"] if not args else [sys.executable, "-m", "bp_tui", *args]
    start = time.perf_counter()
    subprocess.run(command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the old code")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    command: list[str]
    for command in [[]] + COMMANDS:
        times: dict[str, list[float]] = {label: [] for label in trees}
        for _ in range(args.repeats):
            for label, tree in trees.items():
                times[label].append(wall(tree, command))
        name = " ".join(command) or "python -c pass"
        line = f"{name:28} after {Spread.of(times['after']).show('{:.3f}', ' s')}"
        if "before" in trees:
            line += (f", before {Spread.of(times['before']).show('{:.3f}', ' s')}, "
                     f"after/before {ratio(times['after'], times['before']).show('{:.2f}', 'x')}")
        if command:
            line += f"  (goal < {GOAL} s: {'met' if Spread.of(times['after']).median < GOAL else 'MISSED'})"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
