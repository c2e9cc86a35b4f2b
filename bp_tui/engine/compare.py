"""Two runs side by side: the same network trained two ways, stepped in lockstep.

``Comparison`` holds two ``Debugger``s (each with its own timeline, so each
can go back on its own terms) and moves both by the same command: a phase,
an update, a step back.  A run that has finished simply stays where it is.
``fork`` makes the second run from the first one's current weights with one
setting changed (learning rate, optimizer, batch size): what would have
happened from here if ...?  ``bp-tui compare A.toml B.toml`` builds one from
two files instead; both must have the same layers, so that every weight has
a partner to be shown next to.
"""

from __future__ import annotations

import dataclasses

from .batch_pass import refusal
from .debugger import Debugger
from .fields import ScenarioError
from .scenario import Scenario
from .session import PhaseOrderError
from .state import BACKWARD, FORWARD, UPDATE
from .training_settings import OPTIMIZERS, OptimizerSettings

#: The settings a fork may change, with how to read a value typed by the user.
FORKABLE = ("learning_rate", "optimizer", "batch_size")


class Comparison:
    """Runs ``a`` and ``b`` in lockstep; ``offset`` is the update of ``a`` that ``b`` started from."""

    def __init__(self, a: Scenario | Debugger, b: Scenario | Debugger, offset: int = 0):
        self.runs = tuple(x if isinstance(x, Debugger) else Debugger(x) for x in (a, b))
        self.offset = offset
        check_comparable(self.runs[0].scenario, self.runs[1].scenario)

    @property
    def a(self) -> Debugger:
        return self.runs[0]

    @property
    def b(self) -> Debugger:
        return self.runs[1]

    @property
    def finished(self) -> bool:
        return all(run.session.finished for run in self.runs)

    def _each(self, move) -> list:
        """``move(run)`` for every run that can still move forward."""
        return [move(run) for run in self.runs if not run.session.finished]

    def step(self) -> None:
        """One phase of each run."""
        self._each(lambda run: run.step())

    def forward(self) -> None:
        """The next layer's forward pass in each run (refused, moving neither, unless both are there)."""
        self._phase(FORWARD)

    def backward(self) -> None:
        self._phase(BACKWARD)

    def update(self) -> None:
        self._phase(UPDATE)

    def _phase(self, kind: str) -> None:
        """Phase ``kind`` in each run that has not finished; ``PhaseOrderError`` (neither moves)
        if one of them is elsewhere, so the two stay in lockstep."""
        runs = [(name, run) for name, run in zip("AB", self.runs) if not run.session.finished]
        if not runs:
            raise PhaseOrderError("both runs are finished")
        for name, run in runs:
            s = run.session
            nxt = s.next_phase
            if nxt is not None and nxt.kind != kind:
                raise PhaseOrderError(f"{name}: {refusal(kind, None, nxt, s.current, s.depth)}")
        for _, run in runs:
            getattr(run, kind)()

    def finish_update(self) -> None:
        """Each run to the end of its current update (its breakpoints may stop it earlier)."""
        self._each(lambda run: run.run(until_update=run.session.updates_done + 1))

    def run_updates(self, count: int) -> None:
        for _ in range(count):
            self.finish_update()

    def finish_epoch(self) -> None:
        """Each run to the end of its epoch under way (a shorter epoch ends first)."""
        self._each(lambda run: run.goto_update(run.epoch_end()))

    def back(self) -> bool:
        """One phase back in each run that can go back; False if neither could."""
        return any([run.back() for run in self.runs])

    def redo(self) -> bool:
        return any([run.redo() for run in self.runs])

    def goto_update(self, update: int) -> None:
        """Both runs just after their update ``update`` (or their last)."""
        for run in self.runs:
            run.goto_update(min(update, run.session.schedule.total_updates))

    def differences(self) -> list[str]:
        """The settings that differ, as ``name: A → B`` (what the comparison is about)."""
        a, b = (run.scenario for run in self.runs)
        out = []
        for name in ("learning_rate", "batch_size", "epochs", "shuffle", "loss", "activations", "init", "seed"):
            if getattr(a, name) != getattr(b, name):
                out.append(f"{name}: {getattr(a, name)} → {getattr(b, name)}")
        if a.optimizer != b.optimizer:
            out.append(f"optimizer: {_describe(a.optimizer)} → {_describe(b.optimizer)}")
        if not _same_arrays(a.inputs, b.inputs) or not _same_arrays(a.targets, b.targets):
            out.append("data")
        return out


    def labels(self) -> tuple[str, str]:
        """Each run in a few words, by what differs: ``("learning_rate 0.55", "learning_rate 0.2")``."""
        a, b = (run.scenario for run in self.runs)
        names = [n for n in ("learning_rate", "batch_size") if getattr(a, n) != getattr(b, n)]
        words = [[f"{n} {getattr(s, n):g}" for n in names] for s in (a, b)]
        if a.optimizer != b.optimizer:
            for w, s in zip(words, (a, b)):
                w.append(_describe(s.optimizer))
        return (", ".join(words[0]) or a.title, ", ".join(words[1]) or b.title)


def _describe(o: OptimizerSettings) -> str:
    knobs = ", ".join(f"{k} {v:g}" for k, v in o.hyperparameters().items() if k != "weight_decay" or v)
    frozen = f", freeze {' '.join(o.freeze)}" if o.freeze else ""
    return f"{o.name}" + (f" ({knobs}{frozen})" if knobs or frozen else "")


def _same_arrays(x, y) -> bool:
    return x.shape == y.shape and bool((x == y).all())


def check_comparable(a: Scenario, b: Scenario) -> None:
    """Refuse two scenarios whose weights cannot be shown side by side (user error)."""
    if a.layers != b.layers:
        raise ScenarioError(b.path, "network.layers",
                            f"compare needs the same layers as {a.path} ({list(a.layers)}), got {list(b.layers)}")
    if a.bias != b.bias:
        raise ScenarioError(b.path, "network.bias", f"compare needs bias = {str(a.bias).lower()} as in {a.path}")


def fork(run: Debugger, setting: str, value) -> Comparison:
    """A comparison of ``run`` with a copy of it from its current weights, ``setting`` changed to ``value``.

    The copy starts at the weights of ``run``'s current update (before it, if
    one is under way, and then runs its first update's phases as far as
    ``run`` is into its own), with a fresh optimizer state, and trains the
    scenario's epochs from there; ``run`` stays where it is.
    """
    scenario = forked_scenario(run, setting, value)
    copy = Debugger(scenario)
    for _ in range(run.session.phases_done):  # the same phase of its first update: in lockstep
        copy.step()
    return Comparison(run, copy, offset=run.session.updates_done)


def forked_scenario(run: Debugger, setting: str, value) -> Scenario:
    s, session = run.scenario, run.session
    if setting == "learning_rate":
        if not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"learning_rate must be greater than 0, got {value!r}")
        change: dict = {"learning_rate": float(value)}
    elif setting == "optimizer":
        if value not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {value!r} (expected one of {', '.join(OPTIMIZERS)})")
        change = {"optimizer": OptimizerSettings(name=value, weight_decay=s.optimizer.weight_decay,
                                                 freeze=s.optimizer.freeze)}
    elif setting == "batch_size":
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"batch_size must be a whole number of at least 1, got {value!r}")
        change = {"batch_size": min(value, s.samples)}
    else:
        raise ValueError(f"a fork changes one of {', '.join(FORKABLE)}, not {setting!r}")
    weights = tuple(w.copy() for w in session.W[1:])
    biases = tuple(b.copy() for b in session.b[1:]) if s.bias else None
    title = f"{s.title} ({setting} {_shown(change[setting])})"
    return dataclasses.replace(s, weights=weights, biases=biases, title=title, **change)


def parse_change(text: str) -> tuple[str, object]:
    """``"learning_rate=0.05"``, ``"optimizer adam"``, ``"batch_size: 4"`` -> ``(setting, value)``.

    ``ValueError`` with a message a user can act on otherwise (the values
    themselves are checked by ``fork``).
    """
    name, _, value = text.strip().replace("=", " ").replace(":", " ").partition(" ")
    name, value = name.strip().lower(), value.strip().strip('"')
    aliases = {"lr": "learning_rate", "learning_rate": "learning_rate", "optimizer": "optimizer",
               "batch_size": "batch_size", "batch": "batch_size"}
    if name not in aliases or not value:
        raise ValueError(f"expected one of {', '.join(FORKABLE)} and a value, e.g. learning_rate=0.05")
    setting = aliases[name]
    if setting == "optimizer":
        return setting, value
    try:
        number = float(value) if setting == "learning_rate" else int(value)
    except ValueError:
        kind = "a number" if setting == "learning_rate" else "a whole number"
        raise ValueError(f"{setting} needs {kind}, got {value[:40]!r}") from None
    return setting, number


def _shown(value) -> str:
    return value.name if isinstance(value, OptimizerSettings) else f"{value:g}"
