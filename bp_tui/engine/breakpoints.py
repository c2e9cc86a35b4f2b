"""Breakpoint settings: the optional ``[breakpoints]`` table of a scenario.

A non-finite loss, weight, gradient or node value always stops ``continue``;
the others are off unless the file (or the user, in the app) turns them on:

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

from .fields import Table

BREAKPOINT_KEYS = (
    "loss_up", "dead_relu", "gradient_norm", "flat_tolerance", "flat_updates",
    "at_update", "at_epoch",
)
FLAT_UPDATES_DEFAULT = 20


def read_breakpoints(table: Table | None) -> dict:
    """The breakpoints a scenario presets, validated; ``{}`` when none."""
    if table is None:
        return {}
    table.only_keys(BREAKPOINT_KEYS)
    settings: dict = {}
    for key in ("loss_up", "dead_relu"):
        if key in table.data and table.boolean(key):
            settings[key] = True
    if "gradient_norm" in table.data:
        settings["gradient_norm"] = table.number("gradient_norm", positive=True)
    if "flat_tolerance" in table.data:
        settings["flat_tolerance"] = table.number("flat_tolerance", positive=True)
        settings["flat_updates"] = table.integer("flat_updates", FLAT_UPDATES_DEFAULT, minimum=2)
    elif "flat_updates" in table.data:
        raise table.fail(table.where("flat_updates"), "only used with flat_tolerance")
    for key in ("at_update", "at_epoch"):
        if key in table.data:
            settings[key] = table.integer(key, minimum=1)
    return settings
