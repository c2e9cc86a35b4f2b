"""TensorFlow Playground's data sets, generated: two inputs, two classes.

``[data] generate = "circle"`` (or ``xor``, ``gaussian``, ``spiral``,
``moons``) draws ``samples`` points with ``noise`` from the scenario's
``[network] seed``, so the same file always gives the same points.  The
recipes follow Playground's ``dataset.ts`` (its points lie in about -6..6;
its noise slider 0-50 is ``noise`` 0-0.5); ``moons`` is scikit-learn's
``make_moons``, scaled to the same range.  Class 1 is Playground's blue
(positive) class, class 0 its orange one.  The points come in a seeded random
order, so a ``test_fraction`` taken from the end holds out both classes.
"""

from __future__ import annotations

import numpy as np

from .fields import Table, number_at

GENERATORS = ("circle", "xor", "gaussian", "spiral", "moons")
GENERATE_KEYS = ("generate", "samples", "noise")
DEFAULT_SAMPLES = 200
MAX_SAMPLES = 100_000
FEATURES = ("x1", "x2")


def _circle(rng, n0, n1, noise):
    """Class 1 inside radius 2.5, class 0 on a ring from 3.5 to 5; noise flips labels near the edge."""
    radius = 5.0

    def points(n, low, high):
        r = rng.uniform(low, high, n)
        angle = rng.uniform(0, 2 * np.pi, n)
        X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        noisy = X + rng.uniform(-radius, radius, (n, 2)) * noise
        return X, (np.hypot(noisy[:, 0], noisy[:, 1]) < radius * 0.5).astype(float)

    (X1, y1), (X0, y0) = points(n1, 0, radius * 0.5), points(n0, radius * 0.7, radius)
    return np.vstack([X1, X0]), np.concatenate([y1, y0])


def _xor(rng, n0, n1, noise):
    """Uniform in the square -5..5 (kept 0.3 off the axes); class 1 where x1 x x2 >= 0."""
    X = rng.uniform(-5, 5, (n0 + n1, 2))
    X += np.where(X > 0, 0.3, -0.3)
    noisy = X + rng.uniform(-5, 5, X.shape) * noise
    return X, (noisy[:, 0] * noisy[:, 1] >= 0).astype(float)


def _gaussian(rng, n0, n1, noise):
    """Two round clouds around (2, 2) (class 1) and (-2, -2); noise widens them."""
    variance = 0.5 + noise * (4 - 0.5)
    X1 = rng.normal(2, np.sqrt(variance), (n1, 2))
    X0 = rng.normal(-2, np.sqrt(variance), (n0, 2))
    return np.vstack([X1, X0]), np.concatenate([np.ones(n1), np.zeros(n0)])


def _spiral(rng, n0, n1, noise):
    """Two arms winding 1.75 turns out to radius 5, half a turn apart."""

    def arm(n, delta):
        i = np.arange(n)
        r = i / n * 5
        t = 1.75 * i / n * 2 * np.pi + delta
        X = np.column_stack([r * np.sin(t), r * np.cos(t)])
        return X + rng.uniform(-1, 1, (n, 2)) * noise

    return np.vstack([arm(n1, 0.0), arm(n0, np.pi)]), np.concatenate([np.ones(n1), np.zeros(n0)])


def _moons(rng, n0, n1, noise):
    """Two interleaving half circles (scikit-learn's make_moons), x 2.5 about the centre."""
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    X0 = np.column_stack([np.cos(t0), np.sin(t0)])
    X1 = np.column_stack([1 - np.cos(t1), 1 - np.sin(t1) - 0.5])
    X = np.vstack([X1, X0]) + rng.normal(0, noise, (n0 + n1, 2))
    return (X - [0.5, 0.25]) * 2.5, np.concatenate([np.ones(n1), np.zeros(n0)])


_RECIPES = {"circle": _circle, "xor": _xor, "gaussian": _gaussian, "spiral": _spiral, "moons": _moons}


def generate(name: str, samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(points, labels)``: ``(samples, 2)`` inputs and ``(samples,)`` labels 0/1, in a seeded order."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    n0 = samples // 2
    X, y = _RECIPES[name](rng, n0, samples - n0, noise)
    order = rng.permutation(samples)
    return X[order], y[order]


def read_generated(data: Table, layers, seed: int):
    """``(inputs, targets, feature_names, target_nodes)`` of ``generate``, validated.

    One output node gets the label (0 or 1) as its target; two output nodes
    get it one-hot (class 0, class 1), for a softmax output.
    """
    for key in ("inputs", "targets", "csv", "target_columns"):
        if key in data.data:
            raise data.fail(data.where(key), "give either generate or " +
                            ("csv" if key in ("csv", "target_columns") else "inputs and targets") + ", not both")
    name = data.string("generate", choices=GENERATORS)
    samples = data.integer("samples", DEFAULT_SAMPLES, minimum=2)
    if samples > MAX_SAMPLES:
        raise data.fail(data.where("samples"), f"at most {MAX_SAMPLES}, got {samples}")
    noise = number_at(data.path, data.where("noise"), data.get("noise", 0.0))
    if not 0 <= noise <= 1:
        raise data.fail(data.where("noise"), f"must be between 0 and 1 (Playground's 0-50 is 0-0.5), got {noise:g}")
    if layers[0] != 2:
        raise data.fail(data.where("generate"), f"{name} has 2 inputs (x1, x2), but the network has "
                                                f"{layers[0]} input nodes")
    if layers[-1] not in (1, 2):
        raise data.fail(data.where("generate"), f"{name} has 2 classes: the network needs 1 output node "
                                                f"(target 0 or 1) or 2 (one-hot), not {layers[-1]}")
    X, y = generate(name, samples, noise, seed)
    if layers[-1] == 1:
        return X, y.reshape(-1, 1), list(FEATURES), [("label", None)]
    return X, np.column_stack([1 - y, y]), list(FEATURES), [("label", "0"), ("label", "1")]
