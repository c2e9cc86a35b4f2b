"""History figures: memory the timeline keeps and the time of a jump back.

For a 784-128-10 network (batch 64), after 1,000, 10,000 and 100,000
updates: the bytes the checkpoints pin (weights and optimizer state, shared
arrays counted once, plus the loss history), and the median time to jump to
a random earlier update (and one phase into it).  Targets at 100,000
updates: <= 200 MB with plain SGD, <= 250 MB with Adam (its m and s triple a
checkpoint), median jump <= 200 ms.
Run: python benchmarks/history.py [--max 100000] [--optimizer sgd|adam|both]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bp_tui.engine import TrainingSession, scenario_from_dict  # noqa: E402
from bp_tui.engine.timeline import Timeline  # noqa: E402


def wide_scenario(updates: int, optimizer: str = "sgd"):
    rng = np.random.default_rng(0)
    samples = 1024
    inputs = rng.random((samples, 784)).round(2)
    targets = np.eye(10)[rng.integers(0, 10, samples)]
    epochs = -(-updates * 64 // samples) + 1
    return scenario_from_dict({
        "title": "784-128-10",
        "network": {"layers": [784, 128, 10], "activations": ["relu", "softmax"], "seed": 0},
        "data": {"inputs": inputs.tolist(), "targets": targets.astype(int).tolist()},
        "training": {"loss": "cross_entropy", "learning_rate": 0.01, "batch_size": 64,
                     "epochs": epochs, "shuffle": True, "optimizer": optimizer},
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=100_000)
    parser.add_argument("--jumps", type=int, default=25)
    parser.add_argument("--optimizer", choices=("sgd", "adam", "both"), default="both")
    args = parser.parse_args()
    for optimizer in ("sgd", "adam") if args.optimizer == "both" else (args.optimizer,):
        print(f"optimizer: {optimizer}")
        measure(optimizer, args)


def measure(optimizer: str, args) -> None:
    marks = [m for m in (1_000, 10_000, 100_000) if m <= args.max]
    session = TrainingSession(wide_scenario(marks[-1], optimizer))
    timeline = Timeline(session)
    rng = np.random.default_rng(1)
    print(f"{'updates':>8} {'history MB':>11} {'checkpoints':>12} {'median jump ms':>15} {'max jump ms':>12}  train s")
    trained = 0
    for mark in marks:
        start = time.perf_counter()
        timeline.run_updates(mark - trained)
        train_s = time.perf_counter() - start
        trained = mark
        frontier = timeline.position
        times = []
        for _ in range(args.jumps):
            target = int(rng.integers(0, mark)) * timeline.per_update + 1
            t0 = time.perf_counter()
            timeline.goto(target)
            times.append(time.perf_counter() - t0)
            timeline.goto(frontier)  # back to the frontier (not timed)
        memory = timeline.memory_bytes() / 1e6
        median = statistics.median(times) * 1000
        print(f"{mark:>8,} {memory:>11.1f} {len(timeline._sparse):>12} {median:>15.1f} {max(times) * 1000:>12.1f}"
              f"  {train_s:7.1f}")
    print("targets at 100,000 updates: history <= 200 MB (sgd), <= 250 MB (adam); median jump <= 200 ms\n")


if __name__ == "__main__":
    main()
