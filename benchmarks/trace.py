"""``bp-tui trace`` lines per second, this tree against older ones, in one run.

    .venv/bin/python benchmarks/trace.py [--before REV_OR_DIR ...] [--repeats 5] [--only NAME]

``--before`` names a git revision (exported with ``git archive`` to a
temporary folder) or a checkout of the old code; give it more than once to
compare with several (e.g. ``--before 5d28326 --before main``).  Every tree
runs what ``bp-tui trace SCENARIO --updates N`` runs (``cli.main``), each in
a fresh process, the trees taking turns so they see the same load.  Lines per
second leave start-up out: (N lines) / (time for N - time for 0), both timed
inside the process, N chosen so the N lines take about a second or more
(start-up: benchmarks/startup.py).

The outputs are compared byte for byte (the format must not change), on the
timed scenarios and on ones that only check bytes: ``diverging`` (NaN and
Infinity in the records), Adam on xor and on 784-128-10.  The old code runs
at one BLAS thread for that: with two, OpenBLAS sums large products in
another order (bp_tui/engine/threads.py).  Prints medians of ``--repeats``
runs with min-max, and each repeat's after/before ratio (median, min-max);
the load average beside.  Goals (issue 11): 784-128-10 at >= 50 lines/s,
small nets >= 1.5x before.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import Spread, ratio  # noqa: E402

#: (scenario, updates per timed run): bundled small nets, a CSV one and the 784-128-10 one.
CASES = [("seed", 20000), ("xor", 5000), ("sine", 3000), ("iris", 3000), ("digits", 300), ("wide784", 30)]
#: (scenario, updates): compared byte for byte only.
BYTES_ONLY = [("diverging", 400), ("xor_adam", 500), ("wide784_adam", 5)]
#: Scenario file stems under scenarios/ (others are in screenshots/); "_adam" variants switch optimizer.
SCREENSHOTS = {"wide784"}


def scenario_file(name: str, folder: Path) -> Path:
    """The scenario with enough epochs for any run (the same file for every tree)."""
    base = name.removesuffix("_adam")
    source = ROOT / ("screenshots" if base in SCREENSHOTS else "scenarios") / f"{base}.toml"
    text = re.sub(r"(?m)^epochs\s*=.*$", "epochs = 100000", source.read_text(encoding="utf-8"))
    if "epochs = 100000" not in text:
        text = text.replace("[training]", "[training]\nepochs = 100000")
    if name.endswith("_adam"):
        text = re.sub(r"(?m)^(optimizer|learning_rate|momentum)\s*=.*$\n?", "", text)
        text = text.replace("[training]", '[training]\noptimizer = "adam"\nlearning_rate = 0.01')
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
timed(0)  # imports, caches
base = min(timed(0) for _ in range(3))
os.write(2, f"{int(sys.argv[2]) / max(timed(int(sys.argv[2])) - base, 1e-9)}\\n".encode())
"""


def lines_per_second(tree: Path, scenario: Path, updates: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run([sys.executable, "-c", CHILD, str(scenario), str(updates)], cwd=tree, env=env,
                            capture_output=True, text=True, check=True)
    return float(result.stderr.strip().splitlines()[-1])


def write(tree: Path, scenario: Path, updates: int, out: Path) -> bool:
    """The whole output, at one BLAS thread (as the new code chooses); False if the tree cannot
    read the scenario (an older tree and a newer scenario key, e.g. digits' test_fraction)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1"}
    with open(out, "wb") as sink:
        done = subprocess.run([sys.executable, "-m", "bp_tui", "trace", str(scenario), "--updates", str(updates)],
                              stdout=sink, stderr=subprocess.PIPE, cwd=tree, env=env)
    if done.returncode and tree == ROOT:
        raise SystemExit(done.stderr.decode(errors="replace"))
    return done.returncode == 0


def tree_of(given: str, folder: Path) -> tuple[str, Path]:
    """``(label, folder)`` of a checkout, or of a revision exported from this repository."""
    if Path(given).is_dir():
        return f"before {given}", Path(given).resolve()
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", given], capture_output=True, text=True,
                         check=True).stdout.strip()
    target = folder / f"tree-{rev}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "bp_tui"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return f"before {given} ({rev})", target


def compare_bytes(trees: dict[str, Path], folder: Path, name: str, updates: int) -> tuple[bool, list[str]]:
    """Whether every tree that reads the scenario writes the same bytes; the labels of those that do."""
    scenario = scenario_file(name, folder)
    outputs = {label: folder / f"{name}.{k}.jsonl" for k, label in enumerate(trees)}
    readers = [label for label, tree in trees.items() if write(tree, scenario, updates, outputs[label])]
    after = outputs["after"].read_bytes()
    same = all(outputs[label].read_bytes() == after for label in readers)
    kinds = [word for word, needle in (("NaN", b"NaN"), ("Infinity", b"Infinity")) if needle in after]
    others = [label for label in trees if label not in readers]
    print(f"{name:13} {updates:6} lines, {len(after) / 1e6:.1f} MB{' with ' + '/'.join(kinds) if kinds else ''}: "
          f"bytes {'identical in every tree' if same else 'DIFFER'}"
          f"{' that reads it (not: ' + ', '.join(others) + ')' if others else ''}", flush=True)
    return same, readers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="append", default=[], help="a git revision or a checkout of old code")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", help="one scenario of " + ", ".join(n for n, _ in CASES + BYTES_ONLY))
    args = parser.parse_args()
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trees = {"after": ROOT} | dict(tree_of(given, folder) for given in args.before)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start", flush=True)
        for name, updates in CASES + BYTES_ONLY:
            if args.only and name != args.only:
                continue
            readers = list(trees)
            if len(trees) > 1:
                identical, readers = compare_bytes(trees, folder, name, updates)
                same &= identical
            if (name, updates) in BYTES_ONLY:
                continue
            scenario = scenario_file(name, folder)
            rates: dict[str, list[float]] = {label: [] for label in readers}
            for _ in range(args.repeats):
                for label in readers:
                    rates[label].append(lines_per_second(trees[label], scenario, updates))
            print(f"{name:13} {updates:6} lines: after {Spread.of(rates['after']).show('{:.0f}', ' lines/s')}"
                  f"  (load {os.getloadavg()[0]:.1f})", flush=True)
            for label in readers[1:]:
                print(f"{'':21}{label}: {Spread.of(rates[label]).show('{:.0f}', ' lines/s')}, after/before "
                      f"{ratio(rates['after'], rates[label]).show('{:.2f}', 'x')}", flush=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
