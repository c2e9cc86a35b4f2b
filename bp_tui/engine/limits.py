"""Limits on what a scenario may ask for, each with its reason, checked before anything is built.

- ``MAX_LAYERS`` weight layers (64): enough for any lesson on deep networks
  (vanishing gradients show within a dozen layers), while the app still
  draws a step in well under a second per key; a network of thousands of
  layers passed validation before but took the app minutes to draw, and ``q``
  stopped answering.
- ``MAX_NODES`` nodes in one layer (10 million): far beyond any data set's
  width; it also keeps every size computed from the layers a small number
  (``layers = [10**200, ...]`` used to overflow while being checked).
- The arrays' total size (``scenario.MAX_BYTES``), the files' sizes
  (``scenario.MAX_FILE_BYTES``, ``csvrows.MAX_CSV_BYTES``), the CSV columns
  (``csvrows.MAX_COLUMNS``) and classes (``csvrows.MAX_CLASSES``) are set next
  to the code they protect.
"""

from __future__ import annotations

from .fields import Table, describe

MAX_LAYERS = 64
MAX_NODES = 10_000_000


def layers_at(network: Table) -> tuple[int, ...]:
    """``network.layers``: 2 to MAX_LAYERS + 1 node counts of 1 to MAX_NODES each."""
    value = network.get("layers")
    where = network.where("layers")
    if not isinstance(value, list) or len(value) < 2:
        raise network.fail(where, "expected an array of at least 2 node counts (input first)")
    if len(value) > MAX_LAYERS + 1:
        raise network.fail(where, f"{len(value) - 1} layers after the input; at most {MAX_LAYERS} "
                                  "(deeper networks cannot be drawn or stepped through legibly)")
    for k, n in enumerate(value):
        if isinstance(n, bool) or not isinstance(n, int):
            raise network.fail(f"{where}[{k}]", f"expected a whole number of nodes, got {describe(n)}")
        if n < 1:
            raise network.fail(f"{where}[{k}]", f"a layer needs at least 1 node, got {describe(n)}")
        if n > MAX_NODES:
            raise network.fail(f"{where}[{k}]", f"at most {MAX_NODES:,} nodes in a layer, got {describe(n)}")
    return tuple(value)
