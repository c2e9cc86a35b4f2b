"""Scenario files: a network, its data and its training settings, in TOML.

``load_scenario(path)`` reads and validates a file and returns a
``Scenario``, or raises ``ScenarioError`` naming the file, the field and the
problem.  Scenario files are data: nothing in them is ever executed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import activations, losses
from .csvdata import read_csv, read_header
from .fields import ScenarioError, Table, matrix_at, vector_at
from .network import INITS, initial_weights

#: Refuse networks whose arrays would need more memory than this.
MAX_BYTES = 2 * 1024**3

TOP_KEYS = ("title", "description", "network", "data", "training", "breakpoints")
NETWORK_KEYS = ("layers", "activations", "bias", "weights", "biases", "init", "seed")
DATA_KEYS = ("inputs", "targets", "csv", "target_columns")
TRAINING_KEYS = ("loss", "learning_rate", "batch_size", "epochs", "shuffle")


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario.  Arrays are float64; layer sizes input first."""

    title: str
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    learning_rate: float
    inputs: np.ndarray  # (n_samples, layers[0])
    targets: np.ndarray  # (n_samples, layers[-1])
    bias: bool = True
    weights: tuple[np.ndarray, ...] | None = None  # given in the file, else drawn
    biases: tuple[np.ndarray, ...] | None = None
    init: str = "he"
    seed: int = 0
    batch_size: int | None = None  # None: all samples
    epochs: int = 1
    shuffle: bool = False
    description: str = ""
    path: str = "<scenario>"
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    breakpoints: dict = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return self.inputs.shape[0]

    @property
    def effective_batch_size(self) -> int:
        return self.batch_size or self.samples

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.samples // self.effective_batch_size)

    def initial_parameters(self) -> tuple[list[np.ndarray], list[np.ndarray | None]]:
        """The weights and biases training starts from: the file's, or seeded draws."""
        if self.weights is not None:
            W = [w.copy() for w in self.weights]
        else:
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 0]))
            W = initial_weights(self.layers, self.init, rng)
        if not self.bias:
            return W, [None] * len(W)
        if self.biases is not None:
            return W, [b.copy() for b in self.biases]
        return W, [np.zeros(n) for n in self.layers[1:]]


def bundled_dir() -> Path:
    """The bundled scenarios: inside the installed package, or the checkout's."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "scenarios"
    return installed if installed.is_dir() else here.parent / "scenarios"


def bundled_names() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.toml"))


def resolve_scenario(name_or_path: str) -> Path:
    """A path as given, or the bundled scenario of that name (``xor``)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or len(path.parts) > 1:
        return path
    bundled = bundled_dir() / f"{name_or_path}.toml"
    if bundled.is_file():
        return bundled
    raise ScenarioError(
        name_or_path, "scenario",
        f"no such file or bundled scenario (bundled: {', '.join(bundled_names())})",
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file (or a bundled scenario's name)."""
    path = resolve_scenario(str(name_or_path))
    shown = str(name_or_path) if Path(str(name_or_path)).suffix == ".toml" else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(shown, "file", "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(shown, "file", "is a folder, not a scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(shown, "file", "is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(shown, "file", f"cannot read: {exc.strerror or exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(shown, exc) from None
    return scenario_from_dict(document, path=shown, base_dir=path.parent)


def _syntax_error(path: str, exc: tomllib.TOMLDecodeError) -> ScenarioError:
    message = str(exc)
    where = "TOML"
    if "(at line " in message:
        message, _, at = message.rpartition(" (at ")
        line, _, column = at.rstrip(")").partition(", ")
        where = line
        message = f"{message} ({column})" if column else message
    return ScenarioError(path, where, f"invalid TOML: {message}")


def scenario_from_dict(document: dict, path: str = "<scenario>", base_dir: Path = Path(".")) -> Scenario:
    """Validate a parsed document; every problem names its field."""
    top = Table(path, "", document)
    top.only_keys(TOP_KEYS)
    title = top.string("title")
    if not title.strip():
        raise top.fail("title", "must not be empty")
    description = top.string("description", "")

    network = top.table("network")
    network.only_keys(NETWORK_KEYS)
    layers = _layers(network)
    _check_size(network, layers, 1)
    acts = _activations(network, len(layers) - 1)
    bias = network.boolean("bias", True)
    init = network.string("init", "he", choices=INITS)
    seed = network.integer("seed", 0, minimum=0)
    weights = _weights(network, layers)
    biases = _biases(network, layers, bias)

    training = top.table("training")
    training.only_keys(TRAINING_KEYS)
    loss = training.string("loss", choices=tuple(losses.LOSSES))
    _check_pairing(top, acts, loss)
    learning_rate = training.number("learning_rate", positive=True)
    batch_size = training.integer("batch_size", None, minimum=1)
    epochs = training.integer("epochs", 1, minimum=1)
    shuffle = training.boolean("shuffle", False)

    data = top.table("data")
    data.only_keys(DATA_KEYS)
    inputs, targets, feature_names, target_names = _data(data, layers, base_dir)
    _check_targets(data, targets, loss)
    _check_size(network, layers, batch_size or inputs.shape[0])

    from .breakpoints import read_breakpoints  # local: breakpoints import fields only

    return Scenario(
        title=title, description=description, layers=layers, activations=acts,
        bias=bias, weights=weights, biases=biases, init=init, seed=seed,
        inputs=inputs, targets=targets, loss=loss, learning_rate=learning_rate,
        batch_size=batch_size, epochs=epochs, shuffle=shuffle, path=path,
        feature_names=tuple(feature_names), target_names=tuple(target_names),
        breakpoints=read_breakpoints(top.table("breakpoints", required=False)),
    )


def _layers(network: Table) -> tuple[int, ...]:
    value = network.get("layers")
    if not isinstance(value, list) or len(value) < 2:
        raise network.fail(network.where("layers"), "expected an array of at least 2 node counts (input first)")
    for k, n in enumerate(value):
        if isinstance(n, bool) or not isinstance(n, int):
            raise network.fail(f"{network.where('layers')}[{k}]", f"expected a whole number of nodes, got {n!r}")
        if n < 1:
            raise network.fail(f"{network.where('layers')}[{k}]", f"a layer needs at least 1 node, got {n}")
    return tuple(value)


def _activations(network: Table, count: int) -> tuple[str, ...]:
    value = network.get("activations")
    where = network.where("activations")
    if not isinstance(value, list):
        raise network.fail(where, f"expected an array of {count} activation names")
    if len(value) != count:
        raise network.fail(where, f"expected {count} (one per layer after the input), got {len(value)}")
    names = tuple(activations.ACTIVATIONS)
    for k, name in enumerate(value):
        if not isinstance(name, str) or name not in names:
            raise network.fail(f"{where}[{k}]", f"unknown activation {name!r} (expected one of {', '.join(names)})")
        if name == "softmax" and k != count - 1:
            raise network.fail(f"{where}[{k}]", "softmax is only allowed in the last layer")
    return tuple(value)


def _weights(network: Table, layers) -> tuple[np.ndarray, ...] | None:
    value = network.get("weights", None)
    if value is None:
        return None
    where = network.where("weights")
    if not isinstance(value, list) or len(value) != len(layers) - 1:
        raise network.fail(where, f"expected {len(layers) - 1} matrices (one per layer after the input)")
    return tuple(
        matrix_at(network.path, f"{where}[{l}]", m, (layers[l], layers[l + 1]),
                  f"{layers[l]} rows (nodes of layer {l}) of {layers[l + 1]} numbers (nodes of layer {l + 1})")
        for l, m in enumerate(value)
    )


def _biases(network: Table, layers, bias: bool) -> tuple[np.ndarray, ...] | None:
    value = network.get("biases", None)
    if value is None:
        return None
    where = network.where("biases")
    if not bias:
        raise network.fail(where, "given, but bias = false (remove one of them)")
    if not isinstance(value, list) or len(value) != len(layers) - 1:
        raise network.fail(where, f"expected {len(layers) - 1} arrays (one per layer after the input)")
    return tuple(
        vector_at(network.path, f"{where}[{l}]", v, layers[l + 1], f"{layers[l + 1]} numbers (nodes of layer {l + 1})")
        for l, v in enumerate(value)
    )


def _check_pairing(top: Table, acts, loss: str) -> None:
    out = acts[-1]
    if "softmax" in acts and loss != "cross_entropy":
        raise top.fail("training.loss", f"a softmax output needs loss = \"cross_entropy\", got {loss!r}")
    needed = losses.LOSSES[loss].needs_output
    if needed and out != needed:
        raise top.fail("training.loss", f"{loss} needs a {needed} output layer, but the last activation is {out!r}")


def _data(data: Table, layers, base_dir: Path):
    if "csv" in data.data:
        for key in ("inputs", "targets"):
            if key in data.data:
                raise data.fail(data.where(key), "give either csv or inputs and targets, not both")
        csv_name = data.string("csv")
        columns = data.get("target_columns", None)
        if columns is None:
            columns = []
        elif not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
            raise data.fail(data.where("target_columns"), "expected a non-empty array of column names")
        csv_path = base_dir / csv_name
        if not columns:  # default: the last column
            columns = read_header(data.path, data.where("csv"), csv_path)[-1:]
        inputs, targets, features, target_names = read_csv(data.path, data.where("csv"), csv_path, columns)
        _check_width(data, "csv", inputs, layers[0], "feature columns", "input nodes")
        _check_width(data, "target_columns", targets, layers[-1], "target values per sample", "output nodes")
        return inputs, targets, features, target_names
    if "target_columns" in data.data:
        raise data.fail(data.where("target_columns"), "only used with csv")
    inputs = _samples(data, "inputs", layers[0], "input")
    targets = _samples(data, "targets", layers[-1], "output")
    if len(inputs) != len(targets):
        raise data.fail(data.where("targets"), f"{len(targets)} rows, but inputs has {len(inputs)}")
    return inputs, targets, [], []


def _samples(data: Table, key: str, width: int, side: str) -> np.ndarray:
    """Rows of ``width`` numbers; a flat list is accepted when ``width`` is 1."""
    value = data.get(key)
    where = data.where(key)
    if not isinstance(value, list) or not value:
        raise data.fail(where, "expected a non-empty array of samples (one row each)")
    if width == 1 and all(not isinstance(x, list) for x in value):
        value = [[x] for x in value]
    return matrix_at(data.path, where, value, (len(value), width),
                     f"{len(value)} rows of {width} numbers (one per {side} node)")


def _check_width(data: Table, key: str, array: np.ndarray, width: int, got: str, want: str) -> None:
    if array.shape[1] != width:
        raise data.fail(data.where(key), f"{array.shape[1]} {got}, but the network has {width} {want}")


def _check_targets(data: Table, targets: np.ndarray, loss: str) -> None:
    where = data.where("csv" if "csv" in data.data else "targets")
    if loss == "bce" and ((targets < 0) | (targets > 1)).any():
        row = int(np.argwhere((targets < 0) | (targets > 1))[0][0])
        raise data.fail(f"{where}[{row}]", "bce needs targets between 0 and 1")
    if loss == "cross_entropy":
        one_hot = ((targets == 0) | (targets == 1)).all(axis=1) & (targets.sum(axis=1) == 1)
        if not one_hot.all():
            row = int(np.argmin(one_hot))
            raise data.fail(f"{where}[{row}]", "cross_entropy needs one-hot target rows (one 1, the rest 0)")


def _check_size(network: Table, layers, batch_size: int) -> None:
    """Refuse, before allocating anything, a network that cannot fit."""
    params = sum(a * b + b for a, b in zip(layers[:-1], layers[1:]))
    nodes = sum(layers)
    # weights, gradients, the weights before the update, initial copy; per-node arrays.
    needed = 8 * (4 * params + 6 * batch_size * nodes)
    if needed > MAX_BYTES:
        raise network.fail(
            network.where("layers"),
            f"too large: about {needed / 1024**3:.1f} GiB of arrays, the limit is {MAX_BYTES / 1024**3:.0f} GiB",
        )
