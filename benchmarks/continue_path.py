"""The app's continue mode without drawing (``Debugger.run``: timeline, breakpoints, watches) against
the engine alone (``TrainingSession.run_updates``), on small networks, this tree and an older one.

    .venv/bin/python benchmarks/continue_path.py [--before DIR] [--repeats 5] [--updates 4000]

Both run in one fresh process per tree and repeat, taking turns; the figure is
updates/s and the ratio continue/engine of each repeat.  Goal (issue 11):
continue >= 0.6x the engine alone on xor.
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

from benchmarks.stats import Spread, ratio  # noqa: E402

CHILD = r'''
import json, re, sys, tempfile, time
from pathlib import Path
from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.debugger import Debugger
from bp_tui.engine.scenario import resolve_scenario
name, updates = sys.argv[1], int(sys.argv[2])
source = resolve_scenario(name)
text = re.sub(r"(?m)^epochs\s*=.*$", "epochs = 1000000", source.read_text())
text = text.replace('csv = "data/', f'csv = "{source.parent}/data/')  # the copy lives elsewhere
path = Path(tempfile.mkdtemp()) / "long.toml"
path.write_text(text)
scenario = load_scenario(path)
def engine():
    session = TrainingSession(scenario)
    start = time.perf_counter(); session.run_updates(updates); return updates / (time.perf_counter() - start)
def debugger():
    d = Debugger(scenario)
    start = time.perf_counter(); d.run(until_update=updates); return updates / (time.perf_counter() - start)
engine(); debugger()  # warm up
print(json.dumps([engine(), debugger()]))
'''


def measure(tree: Path, name: str, updates: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = subprocess.run([sys.executable, "-c", CHILD, name, str(updates)], cwd=tree, env=env,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--updates", type=int, default=4000)
    args = parser.parse_args()
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    for name in ("xor", "seed", "iris"):
        got: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in trees}
        for _ in range(args.repeats):
            for label, tree in trees.items():
                e, d = measure(tree, name, args.updates)
                got[label][0].append(e)
                got[label][1].append(d)
        for label, (engine, debugger) in got.items():
            print(f"{name:5} {label:6} engine {Spread.of(engine).show('{:.0f}', '/s')}, continue "
                  f"{Spread.of(debugger).show('{:.0f}', '/s')}, continue/engine "
                  f"{ratio(debugger, engine).show('{:.2f}', 'x')}", flush=True)
        if "before" in got:
            print(f"{name:5} after/before: engine {ratio(got['after'][0], got['before'][0]).show('{:.2f}', 'x')}, "
                  f"continue {ratio(got['after'][1], got['before'][1]).show('{:.2f}', 'x')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
