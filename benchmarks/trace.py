"""``bp-tui trace`` lines per second, this tree against an older one, in one run.

    .venv/bin/python benchmarks/trace.py [--before DIR] [--repeats 5] [--only NAME]

``--before DIR`` is a checkout of the old code (e.g. ``git worktree add
/tmp/before 5d28326``); both run what ``bp-tui trace SCENARIO --updates N``
runs (``cli.main``), each in a fresh process, taking turns so they see the
same load.  Lines per second leave start-up out: (N lines) / (time for N -
time for 0), timed inside the process (start-up: benchmarks/startup.py).
The outputs of the two trees are compared byte for byte (the
format must not change), the old one run at one BLAS thread: with two, OpenBLAS
sums large products in another order (bp_tui/engine/threads.py).  Prints medians of ``--repeats`` runs with min-max,
and the after/before ratio.  Goals (issue 11): 784-128-10 at >= 50 lines/s,
small nets >= 1.5x before.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import Spread, ratio  # noqa: E402

#: (scenario, updates per timed run): bundled small nets and the 784-128-10 one.
CASES = [("seed", 3000), ("xor", 3000), ("sine", 1000), ("iris", 1000), ("wide784", 40)]


def scenario_file(name: str, folder: Path) -> Path:
    """The scenario with enough epochs for any run (the same file for both trees)."""
    source = ROOT / "screenshots" / "wide784.toml" if name == "wide784" else ROOT / "scenarios" / f"{name}.toml"
    text = re.sub(r"(?m)^epochs\s*=.*$", "epochs = 100000", source.read_text(encoding="utf-8"))
    if "epochs = 100000" not in text:
        text = text.replace("[training]", "[training]\nepochs = 100000")
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    if (ROOT / "scenarios" / "data").is_dir() and not (folder / "data").exists():
        (folder / "data").symlink_to(ROOT / "scenarios" / "data")
    return path


#: Runs in a fresh process of the tree: the trace of N updates to /dev/null,
#: timed inside (start-up and the scenario's loading taken out by a run of 0).
CHILD = """
import os, sys, time
from bp_tui.cli import main
sink = os.open(os.devnull, os.O_WRONLY)
os.dup2(sink, 1)
def timed(n):
    start = time.perf_counter()
    main(["trace", sys.argv[1], "--updates", str(n)])
    sys.stdout.flush()
    return time.perf_counter() - start
base = timed(0)
os.write(2, f"{int(sys.argv[2]) / max(timed(int(sys.argv[2])) - base, 1e-9)}\\n".encode())
"""


def lines_per_second(tree: Path, scenario: Path, updates: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run([sys.executable, "-c", CHILD, str(scenario), str(updates)], cwd=tree, env=env,
                            capture_output=True, text=True, check=True)
    return float(result.stderr.strip().splitlines()[-1])


def write(tree: Path, scenario: Path, updates: int, out: Path) -> None:
    """The whole output, the old code at one BLAS thread (as the new one chooses)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1"}
    with open(out, "wb") as sink:
        subprocess.run([sys.executable, "-m", "bp_tui", "trace", str(scenario), "--updates", str(updates)],
                       stdout=sink, check=True, cwd=tree, env=env)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the old code")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", help="one scenario of " + ", ".join(n for n, _ in CASES))
    args = parser.parse_args()
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, updates in CASES:
            if args.only and name != args.only:
                continue
            scenario = scenario_file(name, folder)
            outputs = {label: folder / f"{name}.{label}.jsonl" for label in trees}
            for label, tree in trees.items():
                write(tree, scenario, updates, outputs[label])
            if len(trees) == 2:
                identical = outputs["after"].read_bytes() == outputs["before"].read_bytes()
                same &= identical
            rates: dict[str, list[float]] = {label: [] for label in trees}
            for _ in range(args.repeats):
                for label, tree in trees.items():
                    rates[label].append(lines_per_second(tree, scenario, updates))
            line = f"{name:8} {updates:5} lines: after {Spread.of(rates['after']).show('{:.0f}', ' lines/s')}"
            if len(trees) == 2:
                line += (f", before {Spread.of(rates['before']).show('{:.0f}', ' lines/s')}, "
                         f"after/before {ratio(rates['after'], rates['before']).show('{:.2f}', 'x')}, "
                         f"bytes {'identical' if identical else 'DIFFER'}")
            print(line, flush=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
