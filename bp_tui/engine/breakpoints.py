"""Breakpoints: when ``continue`` stops, preset in a scenario or set in the app.

A non-finite loss, weight, gradient or node value always stops ``continue``;
the others are off unless the file (``[breakpoints]``, see
``breakpoint_settings``) or the user, in the app, turns them on.

``read_breakpoints`` reads that table into a ``BreakpointSettings``;
``BreakpointChecker`` looks at each update once applied and says which
breakpoint fired, and where (``non_finite`` finds the first NaN or inf).  It only reads what the
session computed, so it can follow every update of a long ``continue``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .breakpoint_settings import DEFAULTS, KEYS, KINDS, BreakpointSettings, SettingError
from .fields import Table
from .non_finite import first_non_finite
from .params import Node, Param
from .state import BatchRecord, Phase

#: Units named in a dead-ReLU message before "and n more" (one line).
MAX_NAMED = 6
_RELU_LIKE = ("relu", "leaky_relu")


def read_breakpoints(table: Table | None) -> BreakpointSettings:
    """The breakpoints a scenario presets, checked by the settings' own rules."""
    if table is None:
        return BreakpointSettings()
    table.only_keys(KEYS)
    try:
        return BreakpointSettings.from_values(table.data)
    except SettingError as error:
        raise table.fail(table.where(error.key), error.what) from None


@dataclass(frozen=True)
class BreakpointHit:
    """A breakpoint that fired: which, a one-line message, and when."""

    kind: str  # "non_finite" | "loss_up" | "dead_relu" | "gradient_norm" | "flat" | "at_update" | "at_epoch"
    message: str
    update: int  # the update that fired it (1-based: updates done when it fired)
    phase: Phase | None = None  # non_finite only: the phase that first made a non-finite value
    weight: Param | None = None  # non_finite only: the parameter entry at that place, or the
    # first weight into the node there (for the UI to select); None for the loss
    also: tuple[str, ...] = ()  # other kinds that fired on the same update, most important first
    place: Param | Node | None = None  # non_finite only: where it started (None: the loss)
    sample: int | None = None  # non_finite only: the sample (its index in the data) of that value


def _number(x: float | None) -> str:
    return f"{x:.6g}"


def _nodes(nodes: list[int]) -> str:
    named = ", ".join(str(n) for n in nodes[:MAX_NAMED])
    more = f" and {len(nodes) - MAX_NAMED} more" if len(nodes) > MAX_NAMED else ""
    return f"node{'s' if len(nodes) > 1 else ''} {named}{more}"


class BreakpointChecker:
    """Decides, after each applied update, whether ``continue`` should stop.

    Trigger rules (``u`` is the update just applied, 1-based):

    - ``non_finite`` (always on): a NaN or inf anywhere in update u's passes
      (on every such update), naming the first place in phase order.
    - ``loss_up``: u's batch loss is greater than update u-1's.
    - ``gradient_norm``: sqrt(sum of squares of every weight and bias
      gradient of update u) exceeds the setting.
    - ``flat`` (K = flat_updates): the K+1 batch losses of updates u-K..u,
      which span the effect of K updates, have max - min < flat_tolerance
      (so from update K+1 on).  After firing it is quiet for K-1 updates: a
      flat stretch stops ``continue`` once per K updates, not every update.
    - ``at_update``: u equals the setting.
    - ``at_epoch``: u is the last update of that epoch.
    - ``dead_relu``: at an epoch's last update, some relu/leaky_relu unit's
      pre-activation was never > 0 for any sample of that epoch; only
      epochs observed whole, from their first batch, count (observed even
      while it is off, so turning it on mid-epoch still covers that epoch).

    When several fire on one update, the most important is returned, in the
    order of ``PRIORITY``; its ``also`` names the others.
    """

    KINDS = KINDS  # the kinds the user can turn on and off, in display order
    PRIORITY = ("non_finite", "gradient_norm", "loss_up", "dead_relu", "flat", "at_update", "at_epoch")

    def __init__(self, settings: BreakpointSettings, depth: int, activations: tuple[str, ...],
                 batches_per_epoch: int):
        names = tuple(activations)[-depth:]  # SessionState.activations has a "" in front
        self.depth, self.batches_per_epoch = depth, batches_per_epoch
        self.relu_layers = [l for l in range(1, depth + 1) if names[l - 1] in _RELU_LIKE]
        self.settings = settings
        self._remembered: dict[str, Any] = {}  # settings turned off, restored by set(kind, True)
        self.reset()

    def reset(self) -> None:
        """Forget what was gathered over past updates (after a jump or reset)."""
        self._ever_positive: dict[int, np.ndarray] | None = None  # this epoch, per relu layer
        self._last_update: int | None = None
        self._flat_fired: int | None = None

    def enabled(self, kind: str) -> bool:
        return self.settings.enabled(kind)

    def use(self, settings: BreakpointSettings) -> None:
        """Settings made elsewhere (the dialog), already checked by their type."""
        for kind in KINDS:
            if self.settings.enabled(kind) and not settings.enabled(kind):
                self._remembered[kind] = self.settings.setting(kind)
        if settings.setting("flat") != self.settings.setting("flat"):
            self._flat_fired = None
        self.settings = settings

    def set(self, kind: str, value) -> None:
        """Turn a breakpoint off (False/None), on (True: its last setting, or
        the default), or on with a setting (see ``BreakpointSettings.turned``).
        ``SettingError`` (one line) for anything else."""
        self.use(self.changed([(kind, value)]))

    def changed(self, changes) -> BreakpointSettings:
        """The settings after ``(kind, value)`` changes as ``set`` takes them,
        all checked; nothing is applied (``use`` does that)."""
        settings = self.settings
        for kind, value in changes:
            if kind == "non_finite":
                if value is False or value is None:
                    raise SettingError(kind, "the NaN/inf breakpoint is always on")
                continue
            if value is True:
                value = self._remembered.get(kind) or DEFAULTS.get(kind)
                if value is None:
                    raise SettingError(kind, "needs a number")
            settings = settings.turned(kind, value)
        return settings

    def describe(self) -> list[tuple[str, str, bool]]:
        """``(kind, label with its setting, enabled)``: NaN/inf first, then ``KINDS``."""
        s = self.settings
        rows = [("non_finite", "NaN/inf anywhere (always on)", True)]
        for kind, label in KINDS.items():
            on = s.enabled(kind)
            if on and kind == "gradient_norm":
                label = f"gradient norm > {_number(s.gradient_norm)}"
            elif on and kind == "flat":
                label = f"loss flat: changed < {_number(s.flat_tolerance)} over {s.flat_updates} updates"
            elif on and kind in ("at_update", "at_epoch"):
                label = f"{label} {s.setting(kind)}"
            rows.append((kind, label, on))
        return rows

    def observe(self, update: int, applied: BatchRecord, loss_history: np.ndarray) -> BreakpointHit | None:
        """Look at update ``update`` (1-based), just applied: the hit that
        matters most, or None.  Call once per update, in order, with the
        session's ``loss_history`` (``update`` losses)."""
        where = f"update {update} (epoch {applied.epoch}, batch {applied.batch})"
        dead = self._gather_relu(update, applied)
        s, losses = self.settings, np.asarray(loss_history, dtype=float)
        hits = [self._non_finite(update, applied, where)]
        with np.errstate(all="ignore"):
            if s.gradient_norm is not None and (norm := gradient_norm(applied)) > s.gradient_norm:
                hits.append(BreakpointHit("gradient_norm", f"gradient norm {_number(norm)} > "
                                          f"{_number(s.gradient_norm)} in {where}", update))
            if s.loss_up and len(losses) >= 2 and losses[-1] > losses[-2]:
                hits.append(BreakpointHit("loss_up", f"loss went up: {_number(losses[-2])} -> "
                                          f"{_number(losses[-1])} in {where}", update))
            if s.dead_relu and dead:
                named = "; ".join(f"layer {l} {_nodes(nodes)}" for l, nodes in dead)
                hits.append(BreakpointHit("dead_relu", f"dead ReLU: {named} never positive in all of "
                                          f"epoch {applied.epoch}, at {where}", update))
            if s.flat_tolerance is not None:
                hits.append(self._flat(update, losses, where))
        if s.at_update == update:
            hits.append(BreakpointHit("at_update", f"at update {update}: {where}", update))
        if s.at_epoch == applied.epoch and applied.batch == self.batches_per_epoch:
            hits.append(BreakpointHit("at_epoch", f"end of epoch {applied.epoch}: {where}", update))
        found = sorted((h for h in hits if h is not None), key=lambda h: self.PRIORITY.index(h.kind))
        return replace(found[0], also=tuple(h.kind for h in found[1:])) if found else None

    def _flat(self, update: int, losses: np.ndarray, where: str) -> BreakpointHit | None:
        K, tolerance = self.settings.flat_updates, self.settings.flat_tolerance
        assert tolerance is not None  # called only when the flat breakpoint is on
        if self._flat_fired is not None and not 0 < update - self._flat_fired:
            self._flat_fired = None  # the session went back: start over
        if len(losses) < K + 1 or (self._flat_fired is not None and update - self._flat_fired < K):
            return None
        window = losses[-(K + 1):]
        change = float(window.max() - window.min())
        if not change < tolerance:  # NaN never counts as flat
            return None
        self._flat_fired = update
        return BreakpointHit(
            "flat", f"loss flat: changed by {_number(change)} < {_number(tolerance)} "
                    f"over the last {K} updates, at {where}", update)

    def _gather_relu(self, update: int, applied: BatchRecord) -> list[tuple[int, list[int]]]:
        """Add this batch to the epoch's "ever positive" record; at the
        epoch's last batch, the units that never were (when seen whole)."""
        in_order = self._last_update is not None and update == self._last_update + 1
        self._last_update = update
        if applied.batch == 1:
            self._ever_positive = {l: np.zeros(applied.pre_activations[l].shape[1], dtype=bool)
                                   for l in self.relu_layers}
        elif not in_order:
            self._ever_positive = None  # missed part of this epoch
        if self._ever_positive is None:
            return []
        for l, seen in self._ever_positive.items():
            seen |= np.any(np.asarray(applied.pre_activations[l]) > 0, axis=0)
        if applied.batch != self.batches_per_epoch:
            return []
        dead = [(l, np.flatnonzero(~seen).tolist()) for l, seen in self._ever_positive.items()]
        self._ever_positive = None
        return [(l, nodes) for l, nodes in dead if nodes]

    def _non_finite(self, update: int, applied: BatchRecord, where: str) -> BreakpointHit | None:
        """The first non-finite value in phase order (``non_finite.first_non_finite``)."""
        found = first_non_finite(applied, self.depth)
        if found is None:
            return None
        return BreakpointHit("non_finite", f"NaN/inf: {found.named} is {found.value}, in {found.step} of {where}",
                             update, found.phase, weight=found.weight, place=found.place, sample=found.sample)


def gradient_norm(batch: BatchRecord) -> float:
    """sqrt(sum of squares of every weight and bias gradient of the batch)."""
    grads = [g for g in (*batch.grad_weights[1:], *batch.grad_biases[1:]) if g is not None]
    with np.errstate(all="ignore"):
        return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
