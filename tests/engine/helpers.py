"""Shared helpers for the engine tests: scenarios built in memory, state snapshots.

Nothing here computes anything the tests check against: the independent
forward passes and losses live in the test files themselves.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bp_tui.engine import Scenario, TrainingSession, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
SEED_TOML = ROOT / "scenarios" / "seed.toml"


def scenario(
    layers,
    activations,
    inputs,
    targets,
    *,
    loss: str = "mse",
    learning_rate: float = 0.01,
    bias: bool = True,
    weights=None,
    biases=None,
    init: str | None = None,
    seed: int | None = None,
    batch_size: int | None = None,
    epochs: int = 1,
    shuffle: bool = False,
    title: str = "test",
) -> Scenario:
    """A validated ``Scenario`` from plain Python values, as a TOML file would give."""
    network: dict = {"layers": list(layers), "activations": list(activations), "bias": bias}
    if weights is not None:
        network["weights"] = [np.asarray(w, dtype=float).tolist() for w in weights]
    if biases is not None:
        network["biases"] = [np.asarray(b, dtype=float).tolist() for b in biases]
    if init is not None:
        network["init"] = init
    if seed is not None:
        network["seed"] = seed
    training: dict = {"loss": loss, "learning_rate": learning_rate, "epochs": epochs, "shuffle": shuffle}
    if batch_size is not None:
        training["batch_size"] = batch_size
    document = {
        "title": title,
        "network": network,
        "data": {
            "inputs": np.asarray(inputs, dtype=float).tolist(),
            "targets": np.asarray(targets, dtype=float).tolist(),
        },
        "training": training,
    }
    return scenario_from_dict(document)


def random_targets(rng: np.random.Generator, loss: str, samples: int, outputs: int) -> np.ndarray:
    """Targets the loss accepts: any reals (mse), [0, 1] (bce), one-hot rows (cross_entropy)."""
    if loss == "mse":
        return rng.normal(size=(samples, outputs))
    if loss == "bce":
        T = rng.uniform(0.0, 1.0, size=(samples, outputs))
        T[0, 0], T[-1, -1] = 0.0, 1.0  # the edges of [0, 1] too
        return T
    T = np.zeros((samples, outputs))
    T[np.arange(samples), rng.integers(0, outputs, size=samples)] = 1.0
    return T


def random_scenario(
    seed: int,
    layers,
    activations,
    loss: str,
    *,
    bias: bool = True,
    samples: int = 5,
    batch_size: int | None = None,
    learning_rate: float = 0.05,
    epochs: int = 1,
    shuffle: bool = False,
) -> Scenario:
    """A small network with explicit random weights (and biases), inputs and targets."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0.0, 0.8, size=(a, b)) for a, b in zip(layers[:-1], layers[1:])]
    biases = [rng.normal(0.0, 0.5, size=b) for b in layers[1:]] if bias else None
    inputs = rng.normal(size=(samples, layers[0]))
    targets = random_targets(rng, loss, samples, layers[-1])
    return scenario(
        layers, activations, inputs, targets, loss=loss, learning_rate=learning_rate,
        bias=bias, weights=weights, biases=biases, batch_size=batch_size, epochs=epochs,
        shuffle=shuffle,
    )


def _copy(value):
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value


def snapshot(session: TrainingSession) -> dict:
    """Everything in ``session.state`` as plain copies, to compare before/after."""
    state = session.state
    out = {}
    for name in state.__dataclass_fields__:
        value = getattr(state, name)
        if name in ("current", "applied"):
            value = None if value is None else {f: _copy(getattr(value, f)) for f in value.__dataclass_fields__}
        out[name] = _copy(value)
    return out


def _same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        # Bit for bit: same shape, dtype and bytes (NaN equals NaN).
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, float) and isinstance(b, float):
        return np.float64(a).tobytes() == np.float64(b).tobytes()
    return a == b


def assert_same_snapshot(a: dict, b: dict) -> None:
    """Two snapshots are bit-identical; names the first field that differs."""
    assert a.keys() == b.keys()
    for key in a:
        if key in ("current", "applied") and isinstance(a[key], dict) and isinstance(b[key], dict):
            for sub in a[key]:
                assert _same(a[key][sub], b[key][sub]), f"state.{key}.{sub} differs"
        else:
            assert _same(a[key], b[key]), f"state.{key} differs"
