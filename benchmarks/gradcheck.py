"""How long the whole-network gradient check (`V` in the app) takes on 784-128-10.

    .venv/bin/python benchmarks/gradcheck.py [--repeats 5]

The check samples about 2,000 of the 101,770 parameters; the goal is well
under 3 s so the app's progress bar is short.  A script, not a test: wall
time depends on the machine and its load (tests/engine/test_gradcheck.py
checks what the sampled check finds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.stats import seconds  # noqa: E402
from bp_tui.engine import TrainingSession  # noqa: E402
from bp_tui.engine.gradcheck import check_network  # noqa: E402
from tests.engine.helpers import scenario  # noqa: E402

GOAL = 3.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    inputs = rng.random((128, 784))
    targets = np.eye(10)[rng.integers(0, 10, 128)]
    session = TrainingSession(scenario([784, 128, 10], ["relu", "softmax"], inputs, targets,
                                       loss="cross_entropy", batch_size=64, init="he", seed=0))
    session.finish_update()
    session.run_phases(4)  # the next batch's forward and backward passes: its gradients are checked
    batch, sc = session.current.view(), session.scenario
    spent = seconds(lambda: check_network(batch, sc.activations, sc.loss), args.repeats)
    print(f"check_network on 784-128-10: {spent.show(unit=' s')}, goal < {GOAL} s: "
          f"{'met' if spent.median < GOAL else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
