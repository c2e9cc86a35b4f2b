"""Time travel: memory kept and the time of a jump, at 1k/10k/100k updates, this tree against an older one.

    .venv/bin/python benchmarks/history.py [--before DIR] [--runs 784-128-10:sgd:1000/10000/100000,...]
                                           [--jumps 20] [--budget-mb MB] [--disk-mb MB] [--quick]

Each run is ``NET:OPTIMIZER:MARKS`` (batch 64, shuffled, one BLAS thread);
the default is the issue's set: 784-128-10 and 784-512-512-10 with SGD at
1k, 10k and 100k updates, and 784-128-10 with Adam at 100k.  ``--quick``
stops 784-512-512-10 at 10k and *extrapolates* 100k (labelled so) from the
replay rate measured at 10k and the checkpoint spacing the timeline would
have at 100k (CPU time: ms per replayed update, measured at 10k, times half
the mean gap between checkpoints at 100k).  Each tree trains each run in a fresh process (same scenario,
same seeds; the two trees' processes side by side, under the same load) with
the app's timeline, then times jumps at each mark:
``random`` (to a random earlier update, then back to the frontier untimed),
``near`` (1, 10 and 100 updates back from the frontier, 3 times each) and
``there`` (after an untimed jump to a random update, 1, 10 and 100 back
from it, ``--there`` times each).  Memory: the timeline's own count (pinned weights and optimizer
state, shared arrays once), bytes on disk (this tree's disk tier), and the
process's RSS from /proc/self/status (now) and getrusage (peak).  Medians
with min-max; after/before ratios of the medians where both trees ran.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import Spread  # noqa: E402

FULL = "784-128-10:sgd:1000/10000/100000,784-512-512-10:sgd:1000/10000/100000,784-128-10:adam:100000"
QUICK = "784-128-10:sgd:1000/10000/100000,784-512-512-10:sgd:1000/10000:100000,784-128-10:adam:100000"

CHILD = r'''
import inspect, json, resource, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.timeline import Timeline

layers, optimizer, marks, extrapolate, jumps, there_jumps, budget, disk = json.loads(sys.argv[1])
threadpool_limits(1, user_api="blas")  # both trees alike: what the app uses
rng = np.random.default_rng(0)
samples = 1024
inputs = rng.random((samples, layers[0])).round(2)
targets = np.eye(layers[-1])[rng.integers(0, layers[-1], samples)]
epochs = -(-max(marks + [extrapolate or 0]) * 64 // samples) + 1
scenario = scenario_from_dict({
    "title": "history", "network": {"layers": layers, "activations": ["relu"] * (len(layers) - 2) + ["softmax"],
                                    "seed": 0},
    "data": {"inputs": inputs.tolist(), "targets": targets.astype(int).tolist()},
    "training": {"loss": "cross_entropy", "learning_rate": 0.01, "batch_size": 64, "epochs": epochs,
                 "shuffle": True, **({} if optimizer == "sgd" else {"optimizer": optimizer})}})
del inputs, targets
session = TrainingSession(scenario)
options = {} if budget is None else {"budget": budget}
if disk is not None and "disk" in inspect.signature(Timeline).parameters:
    options["disk"] = disk
timeline = Timeline(session, **options)
per = timeline.per_update
rng = np.random.default_rng(1)

cpu = {}  # target -> CPU ms of the last timed jump there (the machine may be busy: wall time suffers)
distance = []  # updates replayed by the random jumps (from the nearest checkpoint)

def timed(target):
    t0, c0 = time.perf_counter(), time.process_time()
    timeline.goto(target)
    wall = (time.perf_counter() - t0) * 1000
    cpu[target] = (time.process_time() - c0) * 1000
    return wall

def nearest(update):
    if hasattr(timeline, "_nearest_update"):
        return timeline._nearest_update(update)
    return timeline._nearest(update).updates_done

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def disk_mb():
    return timeline.disk_bytes() / 1e6 if hasattr(timeline, "disk_bytes") else 0.0

print(json.dumps({"start_rss_mb": rss_mb(), "checkpoint_mb": session.checkpoint_bytes / 1e6}), flush=True)
trained = 0
for mark in marks:
    t0 = time.perf_counter()
    timeline.run_updates(mark - trained)
    train_s = time.perf_counter() - t0
    rate = (mark - trained) / train_s
    trained = mark
    frontier = timeline.position
    row = {"mark": mark, "train_s": train_s, "rate": rate, "random": [], "near": {}, "there": {}}
    row["random_cpu"], row["distance"] = [], []
    for _ in range(jumps):
        target = int(rng.integers(0, mark))
        row["distance"].append(target - nearest(target))
        row["random"].append(timed(target * per + 1))
        row["random_cpu"].append(cpu[target * per + 1])
        timeline.goto(frontier)
    for back in (1, 10, 100):
        row["near"][back] = []
        for _ in range(3):
            row["near"][back].append(timed(frontier - back * per))
            timeline.goto(frontier)
    for back in (1, 10, 100):
        times = []
        for _ in range(there_jumps):
            there = int(rng.integers(min(mark, 200), mark + 1)) * per
            timeline.goto(there)
            times.append(timed(there - back * per))
            timeline.goto(frontier)
        row["there"][back] = times
    row["timeline_mb"] = timeline.memory_bytes() / 1e6
    row["disk_mb"] = disk_mb()
    row["rss_mb"] = rss_mb()
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["checkpoints"] = len(timeline._sparse)
    row["disk_checkpoints"] = len(timeline.disk.keys) if getattr(timeline, "disk", None) else 0
    print(json.dumps(row), flush=True)

if extrapolate:
    # The mean gap between checkpoints at ``extrapolate`` updates, in memory (spread evenly over the
    # budget) or on disk (the disk budget's count, never closer than its first spacing), whichever
    # is shorter; a random jump replays half a gap on average, a whole one at most.
    u, size = extrapolate, session.checkpoint_bytes
    gap = u / timeline.max_sparse
    store = getattr(timeline, "disk", None)
    on_disk = 0.0
    if store is not None or (disk and hasattr(timeline, "disk_spacing")):
        files = (store.budget if store is not None else disk) // size
        disk_gap = max(timeline.disk_spacing, u / files)
        on_disk = min(files, u / timeline.disk_spacing) * size / 1e6
        gap = min(gap, disk_gap)
    # Replay speed from the random jumps' CPU time (the machine may be busy: wall time would
    # count the waiting too), restores included.
    ms = sum(row["random_cpu"]) / max(1, sum(row["distance"]))
    print(json.dumps({"mark": u, "extrapolated": True, "random_median_ms": gap / 2 * ms,
                      "random_max_ms": gap * ms, "timeline_mb": timeline.max_sparse * size / 1e6,
                      "disk_mb": on_disk, "rate": 1000 / ms}), flush=True)
'''


def run(tree: Path, layers: list[int], optimizer: str, marks: list[int], extrapolate: int | None,
        jumps: tuple[int, int], budget: int | None, disk: int | None, label: str) -> list[dict]:
    """The child's rows, each printed as soon as it comes (a 100k-update run takes a while)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    args = json.dumps([layers, optimizer, marks, extrapolate, *jumps, budget, disk])
    child = subprocess.Popen([sys.executable, "-c", CHILD, args], cwd=tree, env=env, stdout=subprocess.PIPE,
                             text=True)
    rows = []
    assert child.stdout is not None
    name = f"{'-'.join(map(str, layers))} {optimizer}"
    for line in child.stdout:
        if not line.startswith("{"):
            continue
        row = json.loads(line)
        if "start_rss_mb" in row:
            print(f"{name} [{label}]: one checkpoint {row['checkpoint_mb']:.2f} MB, "
                  f"RSS before training {row['start_rss_mb']:.0f} MB", flush=True)
            continue
        rows.append(row)
        print(f"{name} after {row['mark']:,} updates:\n  {label:6} {describe(row)}", flush=True)
    if child.wait():
        raise SystemExit(f"{tree}: the run failed")
    return rows


def describe(r: dict) -> str:
    """One mark's figures in a line."""
    if r.get("extrapolated"):
        return (f"EXTRAPOLATED (not measured) from the replay rate of the last mark's jumps ({r['rate']:.0f} "
                f"updates per CPU second) and the checkpoint spacing at {r['mark']:,}: random jump median "
                f"~{r['random_median_ms']:.0f} ms CPU, "
                f"max ~{r['random_max_ms']:.0f} ms; timeline ~{r['timeline_mb']:.0f} MB, disk ~{r['disk_mb']:.0f} MB")
    near = ", ".join(f"{b} back {show(r['near'][str(b)])}" for b in (1, 10, 100))
    there = ", ".join(f"{b} back {show(r['there'][str(b)])}" for b in (1, 10, 100))
    replayed = Spread.of(r["distance"]).show("{:.0f}", " updates")
    return (f"random jump {show(r['random'])} wall, {show(r['random_cpu'])} CPU, replaying {replayed}; "
            f"near the frontier: {near}; near a random update: {there}; "
            f"timeline {r['timeline_mb']:.0f} MB in {r['checkpoints']} checkpoints, disk {r['disk_mb']:.0f} MB "
            f"in {r['disk_checkpoints']}; RSS {r['rss_mb']:.0f} MB (peak {r['peak_rss_mb']:.0f}); "
            f"training {r['train_s']:.1f} s ({r['rate']:.0f} updates/s)")


def show(times: list[float]) -> str:
    return Spread.of(times).show("{:.0f}", " ms")


def table(results: dict) -> None:
    """One line per run and mark: after | before | after/before, medians."""
    print("\nrandom jump: wall median (max) ms | CPU median ms | replayed updates median; 10 back: wall median ms")
    print("run / mark                      | random jump              | 10 back | timeline MB | disk MB | RSS MB")
    for (net, optimizer), trees in results.items():
        for k, after in enumerate(trees["after"]):
            before = trees["before"][k] if "before" in trees and k < len(trees["before"]) else None
            cells = []
            for r in (after, before):
                if r is None:
                    continue
                if r.get("extrapolated"):
                    cells.append(f"~{r['random_median_ms']:.0f} (~{r['random_max_ms']:.0f}) extrapolated | - | "
                                 f"~{r['timeline_mb']:.0f} | ~{r['disk_mb']:.0f} | -")
                else:
                    m, c, d = Spread.of(r["random"]), Spread.of(r["random_cpu"]), Spread.of(r["distance"])
                    cells.append(f"{m.median:.0f} ({m.high:.0f}) | {c.median:.0f} | {d.median:.0f} | "
                                 f"{Spread.of(r['near']['10']).median:.0f} | "
                                 f"{r['timeline_mb']:.0f} | {r['disk_mb']:.0f} | {r['rss_mb']:.0f}")
            head = f"{net} {optimizer} {after['mark']:>7,}"
            print(f"{head:31} | after  {cells[0]}")
            if before is not None:
                print(f"{'':31} | before {cells[1]}")
                a, b = (r["random_median_ms"] if r.get("extrapolated") else Spread.of(r["random"]).median
                        for r in (after, before))
                line = f"after/before random jump median: wall {a / b:.2f}x"
                if not after.get("extrapolated"):
                    cpu = Spread.of(after["random_cpu"]).median / Spread.of(before["random_cpu"]).median
                    line += f", CPU {cpu:.2f}x"
                print(f"{'':31} | {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the old code")
    parser.add_argument("--after", type=Path, default=ROOT, help="the new code (default: this tree)")
    parser.add_argument("--runs", default=None, help=f"NET:OPTIMIZER:MARKS[:EXTRAPOLATE],... (default {FULL})")
    parser.add_argument("--quick", action="store_true", help="784-512-512-10 measured to 10k, 100k extrapolated")
    parser.add_argument("--jumps", type=int, default=20, help="random jumps per mark")
    parser.add_argument("--before-jumps", type=int, default=None, help="random jumps for the old code (default "
                        "--jumps; fewer keep a run short when its jumps take seconds)")
    parser.add_argument("--there", type=int, default=3, help="jumps near a random update per distance and mark")
    parser.add_argument("--budget-mb", type=float, default=None)
    parser.add_argument("--disk-mb", type=float, default=None)
    args = parser.parse_args()
    budget = None if args.budget_mb is None else int(args.budget_mb * 1024**2)
    disk = None if args.disk_mb is None else int(args.disk_mb * 1024**2)
    trees = {"after": args.after.resolve()} | ({"before": args.before.resolve()} if args.before else {})
    results: dict = {}
    for spec in (args.runs or (QUICK if args.quick else FULL)).split(","):
        net, optimizer, marks_text, *rest = spec.split(":")
        layers = [int(n) for n in net.split("-")]
        marks = [int(m) for m in marks_text.split("/")]
        extrapolate = int(rest[0]) if rest else None
        with ThreadPoolExecutor(len(trees)) as pool:  # both trees at once, under the same load
            jumps = {"after": args.jumps, "before": args.jumps if args.before_jumps is None else args.before_jumps}
            futures = {label: pool.submit(run, tree, layers, optimizer, marks, extrapolate, (jumps[label], args.there),
                                          budget, disk, label) for label, tree in trees.items()}
            results[net, optimizer] = {label: future.result() for label, future in futures.items()}
    table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
