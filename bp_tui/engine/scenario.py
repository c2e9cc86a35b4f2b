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
from .breakpoint_settings import BreakpointSettings
from .breakpoints import read_breakpoints
from .fields import ScenarioError, Table, counted, describe, matrix_at, printable, vector_at
from .files import FileProblem, check_path, read_regular, why
from .limits import layers_at
from .network import INITS, initial_weights
from .scenario_data import read_data
from .training_settings import OPTIMIZER_KEYS, OptimizerSettings, read_optimizer

#: Refuse networks whose arrays would need more memory than this.
MAX_BYTES = 2 * 1024**3
#: Refuse scenario files larger than this (a scenario is a few lines of text).
MAX_FILE_BYTES = 64 * 1024**2

TOP_KEYS = ("title", "description", "network", "data", "training", "breakpoints")
NETWORK_KEYS = ("layers", "activations", "bias", "weights", "biases", "init", "seed")
TRAINING_KEYS = ("loss", "learning_rate", "batch_size", "epochs", "shuffle", *OPTIMIZER_KEYS)


@dataclass(frozen=True, eq=False)
class Scenario:
    """A validated scenario.  Arrays are float64; layer sizes input first."""

    title: str
    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    learning_rate: float
    inputs: np.ndarray  # (n_samples, layers[0]): the training samples
    targets: np.ndarray  # (n_samples, layers[-1])
    test_inputs: np.ndarray | None = None  # held-out samples (contract section 6), or None
    test_targets: np.ndarray | None = None
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
    feature_names: tuple[str, ...] = ()  # input nodes' names (a CSV's header), or ()
    target_names: tuple[str, ...] = ()  # output nodes' names: class labels or columns, or ()
    target_columns: tuple[str, ...] = ()  # the column each output node comes from, or ()
    breakpoints: BreakpointSettings = field(default_factory=BreakpointSettings)
    optimizer: OptimizerSettings = OptimizerSettings()  # contract section 5

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
    """A path as given, or the bundled scenario of that name (``xor``).

    An existing file wins; a bare name (no folder, no ``.toml``) is then looked
    up among the bundled scenarios.
    """
    if not str(name_or_path).strip():
        raise ScenarioError(describe(str(name_or_path)), "scenario",
                            "empty name (expected a file or a bundled scenario)")
    try:
        path = Path(check_path(name_or_path))
        if path.suffix == ".toml" or len(path.parts) > 1 or path.is_file():
            return path
        bundled = bundled_dir() / f"{name_or_path}.toml"
        if bundled.is_file():
            return bundled
        if path.exists():  # e.g. a folder: load_scenario says what it is
            return path
    except FileProblem as problem:
        raise ScenarioError(str(name_or_path), "file", str(problem)) from None
    except OSError as exc:  # a name longer than the system allows
        raise ScenarioError(str(name_or_path), "file", why(exc)) from None
    raise ScenarioError(
        str(name_or_path), "scenario",
        f"no such file or bundled scenario (bundled: {', '.join(bundled_names())})",
    )


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file (or a bundled scenario's name).

    Errors name the file as the user gave it.
    """
    shown = str(name_or_path)
    path = resolve_scenario(shown)
    text = _read_text(shown, path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(shown, text, exc) from None
    except RecursionError:  # thousands of nested arrays or inline tables
        raise ScenarioError(shown, "file", "invalid TOML: values nested too deeply") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise ScenarioError(shown, "file", "invalid TOML: an integer with too many digits") from None
    return scenario_from_dict(document, path=shown, base_dir=path.parent)


def _read_text(shown: str, path: Path) -> str:
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except FileProblem as problem:
        what = "is a folder, not a scenario file" if str(problem) == "is a folder" else str(problem)
        raise ScenarioError(shown, "file", what) from None
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark is tolerated
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            shown, f"line {line}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None


def _syntax_error(path: str, text: str, exc: tomllib.TOMLDecodeError) -> ScenarioError:
    """``line N: invalid TOML: WHAT (column C)``; always with a line number."""
    message = str(exc)
    line = f"line {max(1, len(text.splitlines()))}"  # "at end of document"
    if " (at " in message:
        message, _, at = message.rpartition(" (at ")
        at = at.rstrip(")")
        if at.startswith("line "):
            line, _, column = at.partition(", ")
            message = f"{message} ({column})" if column else message
    return ScenarioError(path, line, f"invalid TOML: {message}")


def scenario_from_dict(document: dict, path: str = "<scenario>", base_dir: Path = Path(".")) -> Scenario:
    """Validate a parsed document; every problem names its field."""
    top = Table(path, "", document)
    top.only_keys(TOP_KEYS)
    title = printable(top.string("title"), 200)  # shown in the app and the terminal: no escape codes
    if not title.strip():
        raise top.fail("title", "must not be empty")
    description = "\n".join(printable(line, 10_000) for line in top.string("description", "").split("\n"))

    network = top.table("network")
    network.only_keys(NETWORK_KEYS)
    layers = layers_at(network)
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
    optimizer = read_optimizer(training, layers, bias)

    d = read_data(top.table("data"), layers, loss, seed, base_dir)
    _check_size(network, layers, min(batch_size or len(d.inputs), len(d.inputs)))

    return Scenario(
        title=title, description=description, layers=layers, activations=acts,
        bias=bias, weights=weights, biases=biases, init=init, seed=seed,
        inputs=d.inputs, targets=d.targets, test_inputs=d.test_inputs, test_targets=d.test_targets,
        loss=loss, learning_rate=learning_rate, batch_size=batch_size, epochs=epochs, shuffle=shuffle,
        path=path, feature_names=d.feature_names, target_names=d.target_names, target_columns=d.target_columns,
        breakpoints=read_breakpoints(top.table("breakpoints", required=False)), optimizer=optimizer,
    )


def _activations(network: Table, count: int) -> tuple[str, ...]:
    value = network.get("activations")
    where = network.where("activations")
    if not isinstance(value, list):
        raise network.fail(where, f"expected an array of {count} activation names")
    if len(value) != count:
        raise network.fail(where, f"expected {counted(count, 'activation')} (one per layer after the input), "
                                  f"got {len(value)}")
    names = tuple(activations.ACTIVATIONS)
    for k, name in enumerate(value):
        if not isinstance(name, str) or name not in names:
            what = f"unknown activation {describe(name)}" if isinstance(name, str) else \
                f"expected an activation name, got {describe(name)}"
            raise network.fail(f"{where}[{k}]", f"{what} (expected one of {', '.join(names)})")
        if name == "softmax" and k != count - 1:
            raise network.fail(f"{where}[{k}]", "softmax is only allowed in the last layer")
    return tuple(value)


def _weights(network: Table, layers) -> tuple[np.ndarray, ...] | None:
    value = network.get("weights", None)
    if value is None:
        return None
    where = network.where("weights")
    if not isinstance(value, list) or len(value) != len(layers) - 1:
        n = len(layers) - 1
        matrices = "1 matrix" if n == 1 else f"{n} matrices"
        raise network.fail(where, f"expected {matrices} (one per layer after the input)")
    return tuple(
        matrix_at(network.path, f"{where}[{l}]", m, (layers[l], layers[l + 1]),
                  f"{counted(layers[l], 'row')} (nodes of layer {l}) of "
                  f"{counted(layers[l + 1], 'number')} (nodes of layer {l + 1})")
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
        raise network.fail(where, f"expected {counted(len(layers) - 1, 'array')} (one per layer after the input)")
    return tuple(
        vector_at(network.path, f"{where}[{l}]", v, layers[l + 1],
                  f"{counted(layers[l + 1], 'number')} (nodes of layer {l + 1})")
        for l, v in enumerate(value)
    )


def _check_pairing(top: Table, acts, loss: str) -> None:
    out = acts[-1]
    for name in acts:  # an activation whose slope is taken with the loss (softmax) needs that loss
        if activations.ACTIVATIONS[name].combined_with_loss and losses.LOSSES[loss].needs_output != name:
            partner = next(k for k, v in losses.LOSSES.items() if v.needs_output == name)
            raise top.fail("training.loss", f"a {name} output needs loss = \"{partner}\", got {describe(loss)}")
    needed = losses.LOSSES[loss].needs_output
    if needed and out != needed:
        raise top.fail("training.loss", f"{loss} needs a {needed} output layer, but the last activation is {out!r}")


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
