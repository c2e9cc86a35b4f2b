"""CSV loading at data-set scale (issue 11 section 3): time and peak memory.

Generates MNIST-shaped CSV files (a label column 0-9, then 784 pixel columns
0-255, about 80% zeros, as in MNIST) of several row counts, and loads each
with ``engine.csvdata.read_csv`` in a fresh subprocess, measuring wall time
and the peak resident memory the load added (``ru_maxrss`` after the load
minus the resident size just before it), as a multiple of the file's size.

With ``--before REV`` the same loads run on the code of git revision REV
too (exported with ``git archive``), in turns with today's, so the two sets
of figures come from the same run under the same load.

    python benchmarks/csv_load.py                         # 1k, 4k, 16k, 60k rows
    python benchmarks/csv_load.py --before 25b68e0 --before-rows 1000,4000,16000

Goal: 60,000 rows load in under 10 s with a peak under 3x the file size.  The
float64 array of an MNIST-like file is itself about 3.45x its text (most cells
are "0,": 2 bytes of text, 8 of float64), so that part of the goal cannot be
met while the inputs are float64; the peak is reported with the array's own
share and what loading adds beyond it.  CPU seconds are shown too: on a shared machine
the wall time mostly measures the other work.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.stats import Spread, ratio  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "bp-tui-bench-csv"

PROBE = """
import json, resource, sys, time
from pathlib import Path
from bp_tui.engine.csvdata import read_csv
path = Path(sys.argv[1])
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
before = rss()
start, cpu = time.perf_counter(), time.process_time()
inputs, targets, features, _ = read_csv("bench.toml", "data.csv", path, ["label"])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "added": peak - before, "shape": list(inputs.shape),
                  "checksum": float(inputs.sum() + targets.sum())}))
"""


def make_csv(rows: int) -> Path:
    """An MNIST-shaped file of ``rows`` samples (seeded; cached between runs)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"mnist-like-{rows}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(rows)
    names = [str(k) for k in range(256)]
    temp = path.with_suffix(".tmp")
    with open(temp, "w") as out:
        out.write(",".join(["label"] + [f"pixel{k}" for k in range(784)]) + "\n")
        for start in range(0, rows, 1000):
            n = min(1000, rows - start)
            pixels = rng.integers(1, 256, size=(n, 784)) * (rng.random((n, 784)) < 0.2)
            labels = rng.integers(0, 10, size=n)
            out.write("".join(f"{label}," + ",".join([names[v] for v in row]) + "\n"
                              for label, row in zip(labels.tolist(), pixels.tolist())))
    temp.replace(path)
    return path


def load(code: Path, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code), "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", PROBE, str(path)], env=env, capture_output=True, cwd=code,
                            text=True, timeout=3600)
    if result.returncode:
        raise SystemExit(f"load failed ({code}): {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)


def export(rev: str) -> Path:
    """The bp_tui package of revision ``rev``, in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="bp-tui-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "bp_tui"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def _both(results: dict[str, list[dict]], key: str) -> str:
    """now/before of ``key``, run by run (the two took turns, so run i of each saw the same load)."""
    return ratio([r[key] for r in results["now"]], [r[key] for r in results["before"]]).show("{:.2f}", "x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,4000,16000,60000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--before", default=None, metavar="REV", help="also measure the code of this revision")
    parser.add_argument("--before-rows", default="1000,4000,16000")
    args = parser.parse_args()
    codes = {"now": ROOT}
    if args.before:
        codes["before"] = export(args.before)
    rows_of = {"now": [int(r) for r in args.rows.split(",")]}
    if args.before:
        rows_of["before"] = [int(r) for r in args.before_rows.split(",")]
    print(f"{'rows':>7} {'file MiB':>9}  {'code':<7} {'wall seconds':>22} {'CPU seconds':>22} "
          f"{'peak added / file size':>26}")
    for rows in sorted(set(sum(rows_of.values(), []))):
        path = make_csv(rows)
        size = path.stat().st_size
        results: dict[str, list[dict]] = {name: [] for name in codes if rows in rows_of[name]}
        for _ in range(args.repeats):
            for name in results:  # in turns: the same load for both
                results[name].append(load(codes[name], path))
        for name, runs in results.items():
            assert len({r["checksum"] for r in runs}) == 1
            array = runs[0]["shape"][0] * runs[0]["shape"][1] * 8 / size
            time = Spread.of([r["seconds"] for r in runs])
            cpu = Spread.of([r["cpu"] for r in runs])
            memory = Spread.of([r["added"] / size for r in runs])
            beyond = Spread.of([(r["added"] - array * size) / 1024**2 for r in runs])
            print(f"{rows:>7} {size / 1024**2:>9.1f}  {name:<7} {time.show('{:.2f}', ' s'):>22} "
                  f"{cpu.show('{:.2f}', ' s'):>22} {memory.show('{:.2f}', 'x'):>26} (the array: {array:.2f}x, "
                  f"beyond it: {beyond.show('{:.0f}', ' MiB')})")
        if len(results) == 2:
            checks = {name: runs[0]["checksum"] for name, runs in results.items()}
            print(f"{'':>19}now/before: wall {_both(results, 'seconds')}, CPU {_both(results, 'cpu')}, "
                  f"peak {_both(results, 'added')}; "
                  f"same numbers: {len(set(checks.values())) == 1} (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
