"""Which breakpoints are on, and their numbers: one type, one set of rules.

The scenario file's ``[breakpoints]`` table and the app's ``B`` dialog both
end in a ``BreakpointSettings``; building one checks every value, so the
rules (a threshold greater than 0, an update of at least 1, ...) are
written once, here.  A bad value raises ``SettingError`` naming the key,
which the scenario reader turns into ``PATH: breakpoints.KEY: WHAT`` and
the dialog shows as it is.

```toml
[breakpoints]
loss_up = true            # the loss went up this update
dead_relu = true          # a (leaky) ReLU unit was never positive for a whole epoch
gradient_norm = 10.0      # the gradient's norm exceeded this
flat_tolerance = 1e-6     # the loss changed by less than this ...
flat_updates = 50         # ... over the last this many updates (default 20)
at_update = 100           # stop when this many updates are done
at_epoch = 3              # stop when this epoch is done
```
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .fields import describe

KEYS = ("loss_up", "dead_relu", "gradient_norm", "flat_tolerance", "flat_updates", "at_update", "at_epoch")
FLAT_UPDATES_DEFAULT = 20
#: The kinds a user turns on and off, in display order, with their labels.
KINDS = {"loss_up": "loss went up", "dead_relu": "dead ReLU for a whole epoch",
         "gradient_norm": "gradient norm too large", "flat": "loss flat",
         "at_update": "at update", "at_epoch": "at end of epoch"}
#: The setting a kind takes when turned on without one (the others need a number).
DEFAULTS: dict[str, Any] = {"loss_up": True, "dead_relu": True, "gradient_norm": 10.0,
                            "flat": (1e-6, FLAT_UPDATES_DEFAULT)}
_SWITCHES = ("loss_up", "dead_relu")
_THRESHOLDS = ("gradient_norm", "flat_tolerance")
_MINIMUM = {"flat_updates": 2, "at_update": 1, "at_epoch": 1}


class SettingError(ValueError):
    """A setting that breaks a rule: ``key`` is the setting, ``what`` why (one line)."""

    def __init__(self, key: str, what: str):
        super().__init__(f"{key}: {what}")
        self.key, self.what = key, what


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(type(value), describe(value))


def check(key: str, value: Any) -> Any:
    """``value`` for setting ``key`` if it keeps the rules (as the type it is stored as), else ``SettingError``."""
    if key in _SWITCHES:
        if not isinstance(value, bool):
            raise SettingError(key, f"expected true or false, got {_type_name(value)}")
        return value
    if value is None and key != "flat_updates":
        return None  # off
    if key in _THRESHOLDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingError(key, f"expected a number, got {_type_name(value)}")
        try:
            number = float(value)
        except OverflowError:
            raise SettingError(key, "too large for a float64 number") from None
        if not math.isfinite(number):
            raise SettingError(key, f"must be a finite number, got {value}")
        if not number > 0:
            raise SettingError(key, f"must be greater than 0, got {number:g}")
        return number
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingError(key, f"expected an integer, got {_type_name(value)}")
    if value < _MINIMUM[key]:
        raise SettingError(key, f"must be at least {_MINIMUM[key]}, got {value}")
    return int(value)


@dataclass(frozen=True)
class BreakpointSettings:
    """The breakpoints that are on (NaN/inf always is) and their numbers; None: off."""

    loss_up: bool = False
    dead_relu: bool = False
    gradient_norm: float | None = None
    flat_tolerance: float | None = None  # flat is on when this is set
    flat_updates: int = FLAT_UPDATES_DEFAULT
    at_update: int | None = None
    at_epoch: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, check(f.name, getattr(self, f.name)))

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> BreakpointSettings:
        """From a scenario's ``[breakpoints]`` table (its keys already known to be ``KEYS``)."""
        if "flat_updates" in values and "flat_tolerance" not in values:
            raise SettingError("flat_updates", "only used with flat_tolerance")
        return cls(**values)

    def enabled(self, kind: str) -> bool:
        """Is ``kind`` (``non_finite``, ``flat`` or a key) on?"""
        if kind == "non_finite":
            return True
        value = self.flat_tolerance if kind == "flat" else getattr(self, kind)
        return value is not None and value is not False

    def setting(self, kind: str) -> Any:
        """What turns ``kind`` on as it is now: True, a number, or (tolerance, updates) for flat; None when off."""
        if not self.enabled(kind):
            return None
        return (self.flat_tolerance, self.flat_updates) if kind == "flat" else getattr(self, kind)

    def turned(self, kind: str, value: Any) -> BreakpointSettings:
        """These settings with ``kind`` off (``value`` False or None) or on with
        ``value``: True (loss_up, dead_relu), a number, or for flat a
        tolerance or a (tolerance, updates) pair."""
        if kind not in KINDS:
            raise SettingError(kind, f"unknown breakpoint (expected one of {', '.join(KINDS)})")
        off = value is False or value is None
        if kind in _SWITCHES and not off and value is not True:
            raise SettingError(kind, f"is turned on with true, got {_type_name(value)}")
        if kind == "flat":
            tolerance, updates = (None, self.flat_updates) if off else (
                value if isinstance(value, tuple) else (value, FLAT_UPDATES_DEFAULT))
            return replace(self, flat_tolerance=tolerance, flat_updates=updates)
        change: dict[str, Any] = {kind: (not off) if kind in _SWITCHES else (None if off else value)}
        return replace(self, **change)

    def text(self, kind: str) -> str:
        """The setting as typed in the dialog: ``2.5``, ``1e-06, 20``; "" when off or a switch."""
        value = self.setting(kind)
        if value is None or value is True:
            return ""
        return f"{value[0]:g}, {value[1]}" if kind == "flat" else f"{value:g}"


def setting_from_text(kind: str, text: str) -> Any:
    """A setting typed for ``kind`` (``text`` as in ``BreakpointSettings.text``),
    checked by the same rules as the file's; "" means "on, as before"
    (True).  ``SettingError`` when it is not a setting."""
    text = text.strip()
    if not text:
        return True
    keys = ("flat_tolerance", "flat_updates") if kind == "flat" else (kind,)
    parts = [p.strip() for p in text.split(",")] if kind == "flat" else [text]
    if len(parts) > len(keys):
        raise SettingError(kind, f"expected {' and '.join(keys)}, got {describe(text)}")
    values = []
    for key, part in zip(keys, parts):
        try:
            value: Any = float(part) if key in _THRESHOLDS else int(part)
        except (ValueError, OverflowError):
            raise SettingError(key, f"not {'a number' if key in _THRESHOLDS else 'an integer'}: "
                                    f"{describe(part)}") from None
        values.append(check(key, value))
    return tuple(values) if len(values) == 2 else values[0]
