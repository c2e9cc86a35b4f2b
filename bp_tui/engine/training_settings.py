"""The optimizer fields of ``[training]`` (contract section 5), read and checked.

``read_optimizer`` turns the table's ``optimizer``, its hyperparameters,
``weight_decay`` and ``freeze`` into one ``OptimizerSettings``, or raises a
``ScenarioError`` naming the field.  The ranges are PyTorch's: a scenario
bp-tui accepts is one ``torch.optim`` would run, and the other way round.
A hyperparameter the chosen optimizer does not use is refused, because a
user who writes ``beta1`` under ``optimizer = "momentum"`` expects it to do
something.
"""

from __future__ import annotations

from dataclasses import dataclass

from .fields import Table, describe

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw")

#: Which optimizers use each hyperparameter (weight_decay: all of them).
USED_BY = {
    "momentum": ("momentum", "nesterov"),
    "beta1": ("adam", "adamw"),
    "beta2": ("adam", "adamw"),
    "alpha": ("rmsprop",),
    "eps": ("rmsprop", "adam", "adamw"),
}
DEFAULTS = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "alpha": 0.99, "eps": 1e-8}

OPTIMIZER_KEYS = ("optimizer", *USED_BY, "weight_decay", "freeze")


@dataclass(frozen=True)
class OptimizerSettings:
    """The chosen optimizer and its hyperparameters (defaults as contract section 5)."""

    name: str = "sgd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    freeze: tuple[str, ...] = ()  # parameter names: "W1", "b2", ...

    @property
    def plain(self) -> bool:
        """Exactly contract section 3: sgd, no weight decay, nothing frozen."""
        return self.name == "sgd" and self.weight_decay == 0 and not self.freeze

    def hyperparameters(self) -> dict[str, float]:
        """The hyperparameters this optimizer uses, by name (weight_decay always)."""
        used = {k: getattr(self, k) for k, users in USED_BY.items() if self.name in users}
        return used | {"weight_decay": self.weight_decay}


def parameter_names(layers, bias: bool) -> tuple[str, ...]:
    """``W1, b1, W2, b2, ...``: the names ``freeze`` may use for this network."""
    names: list[str] = []
    for l in range(1, len(layers)):
        names += [f"W{l}", f"b{l}"] if bias else [f"W{l}"]
    return tuple(names)


def read_optimizer(training: Table, layers, bias: bool) -> OptimizerSettings:
    """Validate the optimizer fields of ``training`` (its keys already checked)."""
    name = training.string("optimizer", "sgd", choices=OPTIMIZERS)
    values: dict[str, float] = {}
    for key, users in USED_BY.items():
        if key in training.data:
            if name not in users:
                chosen = f"optimizer {name!r}" + ("" if "optimizer" in training.data else " (the default)")
                raise training.fail(training.where(key), f"not used by {chosen}; only by {', '.join(users)}")
            values[key] = _fraction(training, key) if key != "eps" else training.number(key, positive=True)
    if name == "nesterov" and values.get("momentum", DEFAULTS["momentum"]) == 0:
        raise training.fail(training.where("momentum"), "nesterov needs momentum > 0, got 0")
    decay = training.number("weight_decay", 0.0)
    if decay < 0:
        raise training.fail(training.where("weight_decay"), f"must be 0 or more, got {decay:g}")
    return OptimizerSettings(name=name, weight_decay=decay, freeze=_freeze(training, layers, bias), **values)


def _fraction(training: Table, key: str) -> float:
    """A number in [0, 1), as PyTorch requires of momentum, betas and alpha."""
    value = training.number(key)
    if not 0 <= value < 1:
        raise training.fail(training.where(key), f"must lie in [0, 1), got {value:g}")
    return value


def _freeze(training: Table, layers, bias: bool) -> tuple[str, ...]:
    value = training.get("freeze", [])
    where = training.where("freeze")
    if not isinstance(value, list):
        raise training.fail(where, 'expected an array of parameter names, e.g. ["b1", "W2"]')
    known = parameter_names(layers, bias)
    for k, name in enumerate(value):
        if not isinstance(name, str):
            raise training.fail(f"{where}[{k}]", f'expected a parameter name such as "W1", got {describe(name)}')
        if name not in known:
            why = " (bias = false)" if not bias and name[:1] == "b" and f"W{name[1:]}" in known else ""
            raise training.fail(f"{where}[{k}]",
                                f"unknown parameter {name!r}{why}; this network has {', '.join(known)}")
        if name in value[:k]:
            raise training.fail(f"{where}[{k}]", f"{name!r} is named twice")
    return tuple(value)
