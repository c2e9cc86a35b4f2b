"""Time travel: memory kept and the time of a jump, at 1k/10k/100k updates, this tree against an older one.

    .venv/bin/python benchmarks/history.py [--before DIR] [--nets 784-128-10,784-512-512-10]
                                           [--marks 1000,10000,100000] [--jumps 15] [--budget-mb MB]
                                           [--optimizer sgd|adam]

For each network (batch 64, shuffled), each tree trains to each mark in a
fresh process (same scenario, same seeds) with the app's timeline, then
times jumps: ``random`` (to a random earlier update, then back to the
frontier untimed), ``near`` (1, 10 and 100 updates back from the frontier),
and ``there`` (after an untimed jump to a random update, 1, 10 and 100
updates back from it: does the density follow the user?).  Memory: the
timeline's own count (pinned weights and optimizer state, shared arrays once)
and the process's RSS (current, and peak).  Medians with min-max; ratios
after/before where both ran.  The budget is the default unless --budget-mb
(then both trees get it: the old code through its constructor).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import Spread  # noqa: E402

CHILD = r'''
import json, resource, statistics, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.timeline import Timeline

layers, marks, jumps, budget, optimizer = json.loads(sys.argv[1])
threadpool_limits(1, user_api="blas")  # both trees alike (the new code chooses 1 anyway)
rng = np.random.default_rng(0)
samples = 1024
inputs = rng.random((samples, layers[0])).round(2)
targets = np.eye(layers[-1])[rng.integers(0, layers[-1], samples)]
epochs = -(-marks[-1] * 64 // samples) + 1
scenario = scenario_from_dict({
    "title": "history", "network": {"layers": layers, "activations": ["relu"] * (len(layers) - 2) + ["softmax"],
                                    "seed": 0},
    "data": {"inputs": inputs.tolist(), "targets": targets.astype(int).tolist()},
    "training": {"loss": "cross_entropy", "learning_rate": 0.01, "batch_size": 64, "epochs": epochs,
                 "shuffle": True, **({} if optimizer == "sgd" else {"optimizer": optimizer})}})
session = TrainingSession(scenario)
timeline = Timeline(session) if budget is None else Timeline(session, budget=budget)
per = timeline.per_update
rng = np.random.default_rng(1)

def timed(target):
    t0 = time.perf_counter()
    timeline.goto(target)
    return (time.perf_counter() - t0) * 1000

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

trained = 0
for mark in marks:
    t0 = time.perf_counter()
    timeline.run_updates(mark - trained)
    train_s = time.perf_counter() - t0
    trained = mark
    frontier = timeline.position
    row = {"mark": mark, "train_s": train_s, "random": [], "near": {}, "there": {}}
    for _ in range(jumps):
        row["random"].append(timed(int(rng.integers(0, mark)) * per + 1))
        timeline.goto(frontier)
    for back in (1, 10, 100):
        row["near"][back] = timed(frontier - back * per)
        timeline.goto(frontier)
    for back in (1, 10, 100):
        times = []
        for _ in range(max(3, jumps // 3)):
            there = int(rng.integers(min(mark, 200), mark + 1)) * per
            timeline.goto(there)
            times.append(timed(there - back * per))
            timeline.goto(frontier)
        row["there"][back] = times
    row["timeline_mb"] = timeline.memory_bytes() / 1e6
    row["rss_mb"] = rss_mb()
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["checkpoints"] = len(timeline._sparse)
    print(json.dumps(row), flush=True)
'''


def run(tree: Path, layers: list[int], marks: list[int], jumps: int, budget: int | None,
        optimizer: str, label: str) -> list[dict]:
    """The child's rows, each printed as soon as it comes (a 100k-update run takes a while)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps([layers, marks, jumps, budget, optimizer])],
                             cwd=tree, env=env, stdout=subprocess.PIPE, text=True)
    rows = []
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("{"):
            rows.append(json.loads(line))
            print(f"{'-'.join(map(str, layers))} after {rows[-1]['mark']:,} updates:\n{describe(label, rows[-1])}",
                  flush=True)
    if child.wait():
        raise SystemExit(f"{tree}: the run failed")
    return rows


def describe(label: str, r: dict) -> str:
    near = ", ".join(f"{b} back {r['near'][str(b)]:.0f} ms" for b in (1, 10, 100))
    there = ", ".join(f"{b} back {show(r['there'][str(b)])}" for b in (1, 10, 100))
    return (f"  {label:6} random jump {show(r['random'])}; near the frontier: {near}; "
            f"near a random update: {there}; timeline {r['timeline_mb']:.0f} MB in "
            f"{r['checkpoints']} checkpoints, RSS {r['rss_mb']:.0f} MB (peak {r['peak_rss_mb']:.0f}); "
            f"training {r['train_s']:.1f} s")


def show(times: list[float]) -> str:
    return Spread.of(times).show("{:.0f}", " ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the old code")
    parser.add_argument("--nets", default="784-128-10,784-512-512-10")
    parser.add_argument("--marks", default="1000,10000,100000")
    parser.add_argument("--jumps", type=int, default=15)
    parser.add_argument("--budget-mb", type=float, default=None)
    parser.add_argument("--optimizer", default="sgd", help="sgd (both trees) or adam (its m and s triple a "
                        "checkpoint; this tree only: the old code had no optimizers)")
    args = parser.parse_args()
    marks = [int(m) for m in args.marks.split(",")]
    budget = None if args.budget_mb is None else int(args.budget_mb * 1024**2)
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before and args.optimizer == "sgd" else {})
    for net in args.nets.split(","):
        layers = [int(n) for n in net.split("-")]
        rows = {label: run(tree, layers, marks, args.jumps, budget, args.optimizer, label)
                for label, tree in trees.items()}
        for k, mark in enumerate(marks):
            if len(rows) == 2:
                print(f"{net} after {mark:,} updates:")
                a, b = rows["after"][k], rows["before"][k]
                ratio = Spread.of(a["random"]).median / Spread.of(b["random"]).median
                near_ratios = [Spread.of(a["there"][str(x)]).median / Spread.of(b["there"][str(x)]).median
                               for x in (1, 10, 100)]
                print(f"  after/before: random jump median {ratio:.2f}x; near a random update (1/10/100 back) "
                      + "/".join(f"{x:.2f}x" for x in near_ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
