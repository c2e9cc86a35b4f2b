"""How fast does the engine train, next to a minimal hand-written NumPy loop?

    .venv/bin/python benchmarks/engine.py [--seconds 1.0] [--repeats 5] [--only NET] [--optimizer NAME]

For each network the engine is driven the way a user drives it headless:
``TrainingSession.run_updates(n)``, which goes phase by phase (forward per
layer, backward per layer, update) with all the engine's per-phase
bookkeeping (phase order checks, the per-batch record a UI reads, the loss
history).  Next to it, a minimal loop does the same maths for the same
shapes, activations and loss (forward, batch loss, backward, update) and
nothing else.  Both start from the same weights and see the same batches
(consecutive slices, no shuffling), and a short check first confirms that
they compute the same weights.

Each loop runs ``--repeats`` times for about ``--seconds`` each, from a
fresh session (or fresh copies of the weights), the loops taking turns; a
round's ``engine/minimal`` is the ratio of the two loops' updates per second
in that round, and the table shows the median of the rounds' ratios and
their range (min-max), all measured in the same run.  For momentum and
Adam, PyTorch CPU eager (float64, ``torch.optim``, as many threads as
NumPy's BLAS) trains the same nets on the same batches, where torch is
installed: ``engine/torch`` likewise.  This is a script,
not a test: it prints a table and exits 0 whether or not the targets are met
(1 only if the engine and the minimal loop disagree, which is a bug).

On a machine with few CPUs the numbers move with the load of other
processes: OpenBLAS runs a large matrix product on several threads, and one
of them waiting for a busy CPU slows the whole product down.  The runs of
the engine and of the minimal loop therefore take turns, so that both see
the same load, and the environment line shows the BLAS variables that were
set (e.g. OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS); the script leaves them as
they are.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bp_tui.engine.scenario import scenario_from_dict  # noqa: E402
from bp_tui.engine.session import TrainingSession  # noqa: E402

#: Enough epochs that no timed run reaches the end of training.
EPOCHS = 10**8
#: What a timed run reads: wall time (``--clock wall``) or this process's CPU time (``--clock cpu``).
clock = time.perf_counter


@dataclass
class Case:
    name: str
    document: dict  # a scenario, as a parsed TOML file
    base_dir: Path
    target: float  # the engine/minimal ratio it should reach

    def scenario(self):
        return scenario_from_dict(self.document, path=f"<{self.name}>", base_dir=self.base_dir)

    def with_optimizer(self, name: str) -> Case:
        """The same case trained by ``name`` (contract section 5, default hyperparameters)."""
        document = dict(self.document, training=self.document["training"] | {"optimizer": name})
        return Case(self.name, document, self.base_dir, self.target)


def bundled(name: str, target: float) -> Case:
    path = ROOT / "scenarios" / f"{name}.toml"
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    document["training"]["epochs"] = EPOCHS
    return Case(name, document, path.parent, target)


def random_net(sizes: tuple[int, int, int], samples: int, batch: int, target: float) -> Case:
    """relu hidden layer, softmax output, cross-entropy; random inputs and one-hot labels."""
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((samples, sizes[0]))
    targets = np.eye(sizes[2])[rng.integers(0, sizes[2], samples)]
    document = {
        "title": "-".join(map(str, sizes)),
        "network": {"layers": list(sizes), "activations": ["relu", "softmax"], "init": "he", "seed": 0},
        "data": {"inputs": inputs.tolist(), "targets": targets.tolist()},
        "training": {"loss": "cross_entropy", "learning_rate": 0.01, "batch_size": batch, "epochs": EPOCHS},
    }
    return Case("-".join(map(str, sizes)), document, ROOT, target)


# --------------------------------------------------------------- the minimal loop
def minimal_train(scenario, updates: int, params=None):
    """``updates`` updates of a two-layer net, written out by hand.

    Same maths as the engine: per-sample loss, batch loss = mean over the
    batch, gradients = mean over the batch, every weight moves by
    ``-learning_rate * gradient``.  Returns the final parameters.
    """
    hidden, output = scenario.activations
    assert hidden in ("relu", "tanh"), hidden
    assert (output, scenario.loss) in (("softmax", "cross_entropy"), ("sigmoid", "bce"), ("identity", "mse"))
    X, T = scenario.inputs, scenario.targets
    labels = T.argmax(axis=1)
    n_samples, bs, lr = scenario.samples, scenario.effective_batch_size, scenario.learning_rate
    if params is None:
        W, b = scenario.initial_parameters()
        params = (W[0].copy(), W[1].copy(), *(None if bias is None else bias.copy() for bias in b[:2]))
    W1, W2, b1, b2 = params
    step = MinimalOptimizer(scenario.optimizer, lr, [p for p in params if p is not None])
    start = 0
    for _ in range(updates):
        x, t, y = X[start:start + bs], T[start:start + bs], labels[start:start + bs]
        n = x.shape[0]
        start = 0 if start + bs >= n_samples else start + bs
        # forward
        z1 = x @ W1
        if b1 is not None:
            z1 += b1
        a1 = np.maximum(z1, 0.0) if hidden == "relu" else np.tanh(z1)
        z2 = a1 @ W2
        if b2 is not None:
            z2 += b2
        # loss, and the slope of the loss w.r.t. the output pre-activation, / n
        if output == "softmax":
            e = np.exp(z2 - z2.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            batch_loss = -np.mean(np.log(p[np.arange(n), y]))
            d2 = (p - t) / n
        elif output == "sigmoid":  # with bce
            p = 1.0 / (1.0 + np.exp(-z2))
            batch_loss = -np.mean(t * np.log(p) + (1.0 - t) * np.log(1.0 - p))
            d2 = (p - t) / (n * p.shape[1])
        else:  # identity, mse
            err = z2 - t
            batch_loss = np.mean(err * err)
            d2 = 2.0 * err / (n * err.shape[1])
        del batch_loss  # computed, as the engine does, but not kept
        # backward
        d1 = d2 @ W2.T
        d1 *= (z1 > 0) if hidden == "relu" else (1.0 - a1 * a1)
        gW2, gW1 = a1.T @ d2, x.T @ d1
        # update
        if step.name != "sgd":
            step([gW1, gW2] if b1 is None else [gW1, gW2, d1.sum(axis=0), d2.sum(axis=0)])
            continue
        W2 -= lr * gW2
        W1 -= lr * gW1
        if b2 is not None:
            b2 -= lr * d2.sum(axis=0)
            b1 -= lr * d1.sum(axis=0)
    return params


class MinimalOptimizer:
    """Momentum or Adam (contract section 5, no weight decay) written out by hand, in place."""

    def __init__(self, settings, lr: float, params: list):
        self.name, self.o, self.lr, self.t = settings.name, settings, lr, 0
        self.params = params  # W1, W2 and then b1, b2: the order the loop passes gradients
        self.m = [np.zeros_like(p) for p in self.params]
        self.s = [np.zeros_like(p) for p in self.params]
        assert self.name in ("sgd", "momentum", "adam") and not settings.weight_decay, self.name

    def __call__(self, grads: list) -> None:
        self.t += 1
        o, t, lr = self.o, self.t, self.lr
        for p, g, m, s in zip(self.params, grads, self.m, self.s):
            if self.name == "momentum":
                if t == 1:
                    m[...] = g
                else:
                    m *= o.momentum
                    m += g
                p -= lr * m
                continue
            m *= o.beta1
            m += (1 - o.beta1) * g
            s *= o.beta2
            s += (1 - o.beta2) * (g * g)
            denom = np.sqrt(s)
            denom /= np.sqrt(1 - o.beta2**t)
            denom += o.eps
            p -= (lr / (1 - o.beta1**t)) * (m / denom)


def check_same_maths(case: Case, updates: int = 20) -> float:
    """Largest relative difference of the weights after ``updates`` updates."""
    scenario = case.scenario()
    session = TrainingSession(scenario)
    session.run_updates(updates)
    W1, W2, b1, b2 = minimal_train(scenario, updates)
    worst = 0.0
    pairs = [(session.W[1], W1), (session.W[2], W2)]
    if b1 is not None:
        pairs += [(session.b[1], b1), (session.b[2], b2)]
    for engine, minimal in pairs:
        scale = max(np.abs(minimal).max(), 1e-300)
        worst = max(worst, float(np.abs(engine - minimal).max() / scale))
    return worst


# --------------------------------------------------------------------- timing
def calibrate(run, seconds: float) -> int:
    """How many updates ``run`` does in about ``seconds``."""
    run(2)  # warm up
    n = 4
    while True:
        elapsed = run(n)
        if elapsed >= 0.2 * seconds or n >= 10**8:
            return max(1, int(n * seconds / max(elapsed, 1e-9)))
        n *= 2 if elapsed > 0.02 * seconds else 8


def timed(runs: dict, seconds: float, repeats: int) -> dict[str, list[float]]:
    """Updates per second of each ``run(n)`` (which returns the seconds n updates took), per round.

    The runs take turns (A, B, A, B, ...), so that a burst of load from other
    processes hits both alike; ``repeats`` rounds.
    """
    counts = {name: calibrate(run, seconds) for name, run in runs.items()}
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            rates[name].append(counts[name] / run(counts[name]))
    return rates


def ratios(rates: dict[str, list[float]], of: str, to: str) -> str:
    """The median of the rounds' ``of/to`` ratios and their range: ``0.93 (0.88-0.97)``."""
    each = [a / b for a, b in zip(rates[of], rates[to])]
    return f"{statistics.median(each):.2f} ({min(each):.2f}-{max(each):.2f})"


def blas_threads() -> int | None:
    """The threads NumPy's BLAS uses (threadpoolctl), so that torch can be given as many."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [pool["num_threads"] for pool in threadpool_info() if pool.get("user_api") == "blas"]
    return min(counts) if counts else None


def engine_runner(scenario):
    def run(n: int) -> float:
        session = TrainingSession(scenario)
        start = clock()
        session.run_updates(n)
        elapsed = clock() - start
        assert session.updates_done == n
        return elapsed
    return run


def minimal_runner(scenario):
    W, b = scenario.initial_parameters()

    def run(n: int) -> float:
        params = (W[0].copy(), W[1].copy(), None if b[0] is None else b[0].copy(),
                  None if b[1] is None else b[1].copy())
        start = clock()
        minimal_train(scenario, n, params)
        return clock() - start
    return run


def torch_runner(scenario):
    """The same training in PyTorch CPU eager (float64) with ``torch.optim``; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    threads = blas_threads()
    if threads:
        torch.set_num_threads(threads)
    hidden, output = scenario.activations
    W, b = scenario.initial_parameters()
    X, T = torch.from_numpy(scenario.inputs), torch.from_numpy(scenario.targets)
    bs, o = scenario.effective_batch_size, scenario.optimizer
    act = torch.relu if hidden == "relu" else torch.tanh

    def run(n: int) -> float:
        params = [torch.tensor(a, requires_grad=True) for a in W + [x for x in b if x is not None]]
        W1, W2, *biases = params
        opt: torch.optim.Optimizer
        if o.name == "adam":
            opt = torch.optim.Adam(params, lr=scenario.learning_rate, betas=(o.beta1, o.beta2), eps=o.eps)
        else:
            opt = torch.optim.SGD(params, lr=scenario.learning_rate, momentum=o.momentum if o.name == "momentum" else 0)
        start_time, start = clock(), 0
        for _ in range(n):
            x, t = X[start:start + bs], T[start:start + bs]
            start = 0 if start + bs >= len(X) else start + bs
            z1 = x @ W1 + biases[0] if biases else x @ W1
            z2 = act(z1) @ W2 + biases[1] if biases else act(z1) @ W2
            if output == "softmax":
                loss = -(t * torch.log_softmax(z2, dim=1)).sum(dim=1).mean()
            elif output == "sigmoid":
                loss = torch.nn.functional.binary_cross_entropy_with_logits(z2, t)
            else:
                loss = ((z2 - t) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return clock() - start_time
    return run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="length of each timed run (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="rounds per measurement, median shown (default 5)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time by the wall clock (default) or by this process's CPU time, which other "
                             "processes' load disturbs less (fair with one BLAS thread: OPENBLAS_NUM_THREADS=1)")
    parser.add_argument("--only", action="append", help="run only the net of this name (repeatable)")
    parser.add_argument("--optimizer", action="append", help="run only this optimizer (sgd, momentum, adam; "
                        "repeatable)")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    plain = [
        bundled("seed", 0.5),
        bundled("xor", 0.5),
        random_net((64, 32, 10), 1024, 32, 0.5),
        random_net((784, 128, 10), 2048, 64, 0.9),
    ]
    cases = plain + [case.with_optimizer(name) for name in ("momentum", "adam") for case in plain]
    if args.only:
        cases = [c for c in cases if c.name in args.only]
    if args.optimizer:
        cases = [c for c in cases if c.document["training"].get("optimizer", "sgd") in args.optimizer]

    blas = np.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})
    print(f"Python {sys.version.split()[0]}, NumPy {np.__version__}, BLAS {blas.get('name', '?')} "
          f"{blas.get('version', '')}; {os.cpu_count()} CPUs")
    shown = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                         "MKL_NUM_THREADS") if k in os.environ}
    print("environment: " + (", ".join(f"{k}={v}" for k, v in shown.items()) or "no BLAS variables set")
          + f"; BLAS threads {blas_threads() or '?'} (torch gets as many)")
    print(f"{args.repeats} rounds of ~{args.seconds:g} s ({args.clock} clock) per loop, taking turns; engine = "
          "TrainingSession.run_updates(n); upd/s: medians; ratios: median of the rounds' (min-max)\n")

    header = (f"{'net':<12} {'activations / loss':<26} {'optimizer':<9} {'batch':>5} {'engine upd/s':>13} "
              f"{'minimal upd/s':>14} {'engine/minimal':>18} {'overhead/upd':>13}  target        "
              f"{'torch upd/s':>12} {'engine/torch':>18}")
    print(header)
    print("-" * len(header))
    status = 0
    for case in cases:
        scenario = case.scenario()
        diff = check_same_maths(case)
        if not diff < 1e-9:
            print(f"{case.name}: the engine and the minimal loop disagree (relative difference {diff:.3g})")
            status = 1
            continue
        runs = {"engine": engine_runner(scenario), "minimal": minimal_runner(scenario)}
        torch_run = torch_runner(scenario) if scenario.optimizer.name != "sgd" else None
        if torch_run is not None:
            runs["torch"] = torch_run
        rates = timed(runs, args.seconds, args.repeats)
        median = {name: statistics.median(each) for name, each in rates.items()}
        engine, minimal = median["engine"], median["minimal"]
        ratio = statistics.median(a / b for a, b in zip(rates["engine"], rates["minimal"]))
        overhead_us = (1 / engine - 1 / minimal) * 1e6
        layers = "-".join(map(str, scenario.layers))
        kind = f"{'/'.join(scenario.activations)} {scenario.loss}"
        verdict = "ok" if ratio >= case.target else "MISSED"
        vs_torch = (f"{median['torch']:>12,.0f} {ratios(rates, 'engine', 'torch'):>18}" if "torch" in rates
                    else f"{'-':>12} {'-':>18}")
        print(f"{layers:<12} {kind:<26} {scenario.optimizer.name:<9} {scenario.effective_batch_size:>5} "
              f"{engine:>13,.0f} {minimal:>14,.0f} {ratios(rates, 'engine', 'minimal'):>18} "
              f"{overhead_us:>10.1f} us  >= {case.target:g} {verdict:<6} {vs_torch}", flush=True)
    print("\noverhead/upd = 1/engine - 1/minimal: the engine's extra time per update."
          "\ntorch: PyTorch CPU eager, float64, torch.optim.Adam / SGD(momentum) on the same nets and batches,"
          "\n       as many threads as NumPy's BLAS.")
    return status


if __name__ == "__main__":
    sys.exit(main())
