"""The long fuzz run: thousands of mutated scenario files and CSVs, and the command on a sample.

Prints how many inputs were tried and how many were handled cleanly (a valid
scenario that trains one update, or a one-line ``ScenarioError``), the
findings if any (with their mutations, to reproduce), the slowest case, and
the same for the real command (``python -m bp_tui check`` / ``trace``) on a
sample: exit 0 or 2, one line on stderr, no traceback.

    python benchmarks/fuzz.py [--cases 5000] [--seed 1] [--commands 100]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.engine.fuzzing import ROOT, make_case, run_case  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commands", type=int, default=100, help="how many cases also go through the command")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    counts: Counter = Counter()
    command_counts: Counter = Counter()
    slowest: tuple[float, list[str]] = (0.0, [])
    start = time.perf_counter()
    every = max(1, args.cases // max(1, args.commands))
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.cases):
            case = make_case(rng)
            folder = Path(tmp) / f"case{k}"
            folder.mkdir()
            outcome = run_case(case, folder)
            counts[outcome.kind] += 1
            slowest = max(slowest, (outcome.seconds, case.mutations), key=lambda pair: pair[0])
            if outcome.kind not in ("valid", "error"):
                print(f"FINDING case {k} ({case.source}): {outcome.kind}: {outcome.detail}\n  {case.mutations}")
            if k % every == 0:
                command_counts[_command(folder, outcome.kind, k)] += 1
    seconds = time.perf_counter() - start
    clean = counts["valid"] + counts["error"]
    print(f"files: {args.cases} tried, {clean} handled cleanly ({counts['valid']} valid, {counts['error']} "
          f"refused with one line); findings: {args.cases - clean} "
          f"{ {kind: n for kind, n in counts.items() if kind not in ('valid', 'error')} }")
    print(f"command: {sum(command_counts.values())} runs, {command_counts['clean']} clean; "
          f"findings: {sum(command_counts.values()) - command_counts['clean']}")
    print(f"time: {seconds:.1f} s in all; slowest case {slowest[0] * 1000:.0f} ms: {slowest[1]}")


def _command(folder: Path, kind: str, k: int) -> str:
    command = ["check"] if k % 2 else ["trace", "--updates", "1"]
    result = subprocess.run([sys.executable, "-m", "bp_tui", *command, str(folder / "fuzz.toml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    expected = 0 if kind == "valid" else 2
    lines = len(result.stderr.splitlines())
    if result.returncode != expected or "Traceback" in result.stderr or lines != (expected // 2):
        print(f"COMMAND FINDING in {folder}: exit {result.returncode}, stderr {result.stderr[-500:]!r}")
        return "finding"
    return "clean"


if __name__ == "__main__":
    main()
