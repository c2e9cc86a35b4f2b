"""BLAS threads: training speed on 784-128-10 as users run it, quiet and with the other core busy.

    .venv/bin/python benchmarks/threads.py [--before DIR] [--repeats 5] [--seconds 1.5]

Each figure is updates per second of one fresh process, median of --repeats
with min-max, the variants taking turns so they share the machine's load:

- ``engine``: ``TrainingSession.run_updates`` with the tree's own settings
  (this tree chooses its threads as ``bp-tui trace`` and the app do: one;
  the old tree, --before, inherits OpenBLAS's default: one thread per core),
  and this tree with ``BP_TUI_BLAS_THREADS`` set to every core ("all cores");
- ``continue``: ``Debugger.run``, the app's continue mode without drawing;
- ``numpy``: a minimal hand-written NumPy loop (benchmarks/engine.py's), at
  1 thread and at the default;
- ``torch``: the same network in PyTorch (float64, CPU), 1 thread and default.

"busy" starts one process spinning on a core for the duration (as a
compile or a browser tab would), "quiet" does not; the machine's own load is
printed with each.  Goal (issue 11): continue mode with the other core busy
within 2x of the quiet figure.
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
import json, sys, time
import numpy as np
kind, threads, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
if threads.isdigit():
    from threadpoolctl import threadpool_limits
    threadpool_limits(int(threads), user_api="blas")
from bp_tui.engine import scenario_from_dict
rng = np.random.default_rng(0)
inputs = rng.random((1024, 784)).round(2)
targets = np.eye(10)[rng.integers(0, 10, 1024)]
scenario = scenario_from_dict({
    "title": "784-128-10", "network": {"layers": [784, 128, 10], "activations": ["relu", "softmax"], "seed": 0},
    "data": {"inputs": inputs.tolist(), "targets": targets.astype(int).tolist()},
    "training": {"loss": "cross_entropy", "learning_rate": 0.01, "batch_size": 64, "epochs": 1000}})

def rate(step):
    step(5)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step(5)
        n += 5
    return n / (time.perf_counter() - start)

if threads == "cores":  # the engine's override: every core, as OpenBLAS's default would
    import os
    os.environ["BP_TUI_BLAS_THREADS"] = str(os.cpu_count())
if kind in ("engine", "continue"):
    try:
        from bp_tui.engine.threads import use_threads_for  # the new code chooses, as its CLI and app do
        use_threads_for(scenario)
    except ImportError:
        pass  # the old code: OpenBLAS's default
    if kind == "engine":
        from bp_tui.engine import TrainingSession
        session = TrainingSession(scenario)
        print(rate(session.run_updates))
    else:
        from bp_tui.engine.debugger import Debugger
        debugger = Debugger(scenario)
        print(rate(lambda k: debugger.run(until_update=debugger.session.updates_done + k)))
elif kind == "numpy":
    from benchmarks.engine import minimal_train
    W, b = scenario.initial_parameters()
    params = (W[0].copy(), W[1].copy(), b[0].copy(), b[1].copy())
    print(rate(lambda k: minimal_train(scenario, k, params)))
else:
    import torch
    if threads.isdigit():
        torch.set_num_threads(int(threads))
    X, T = torch.tensor(scenario.inputs), torch.tensor(scenario.targets.argmax(axis=1))
    W, b = scenario.initial_parameters()
    params = [torch.tensor(a, requires_grad=True) for a in (W[0], b[0], W[1], b[1])]
    opt = torch.optim.SGD(params, lr=0.01)
    state = {"at": 0}
    def step(k):
        for _ in range(k):
            i = state["at"]
            state["at"] = (i + 64) % 1024
            x, y = X[i:i + 64], T[i:i + 64]
            loss = torch.nn.functional.cross_entropy(torch.relu(x @ params[0] + params[1]) @ params[2] + params[3], y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    print(rate(step))
'''


def measure(tree: Path, kind: str, threads: str, seconds: float) -> float | None:
    env = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{ROOT}"}
    result = subprocess.run([sys.executable, "-c", CHILD, kind, threads, str(seconds)], cwd=tree, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        if "No module named 'torch'" in result.stderr:
            return None
        raise SystemExit(result.stderr[-2000:])
    return float(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the old code")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    variants = [("engine", ROOT, "after", "default"), ("engine", ROOT, "after, all cores", "cores"),
                ("continue", ROOT, "after", "default")]
    if args.before:
        variants += [("engine", args.before.resolve(), "before", "default"),
                     ("continue", args.before.resolve(), "before", "default")]
    variants += [(kind, ROOT, "", threads) for kind in ("numpy", "torch") for threads in ("1", "default")]
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    for condition in ("quiet", "busy"):
        busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if condition == "busy" else None
        try:
            for _ in range(args.repeats):
                for kind, tree, label, threads in variants:
                    rate = measure(tree, kind, threads, args.seconds)
                    if rate is not None:
                        results.setdefault((kind, label or f"{threads} thread(s)"), {}).setdefault(
                            condition, []).append(rate)
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
        print(f"-- {condition} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
        for (kind, label), by in results.items():
            print(f"  {kind:9} {label:18} {Spread.of(by[condition]).show('{:.0f}', ' updates/s')}", flush=True)
    print("-- busy / quiet (medians)")
    for (kind, label), by in results.items():
        print(f"  {kind:9} {label:18} {Spread.of(by['busy']).median / Spread.of(by['quiet']).median:.2f}x")
    for condition in ("quiet", "busy"):
        # the variants took turns, so repeat i of each saw the same load: ratios run by run
        engine = results[("engine", "after")][condition]
        ratios = [f"{kind} {label}: {ratio(engine, by[condition]).show('{:.2f}', 'x')}"
                  for (kind, label), by in results.items() if (kind, label) != ("engine", "after")
                  and len(by[condition]) == len(engine)]
        print(f"-- engine (after, its own threads) / each, {condition}, run by run: " + "; ".join(ratios))
    print(json.dumps({f"{k}|{label}": v for (k, label), v in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
