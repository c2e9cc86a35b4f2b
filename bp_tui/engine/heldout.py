"""Held-out samples: data the network never trains on, to see whether it generalises.

A scenario holds samples out in one of three ways (contract section 6):
``test_fraction`` (the last share of the samples, in file order),
``test_inputs`` + ``test_targets`` given inline, or ``test_csv`` (a second
file with the csv's header; its classes are the csv's).  ``read_heldout``
validates that part of ``[data]`` and splits the samples.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .csvdata import read_csv
from .fields import Table, counted, number_at

HELDOUT_KEYS = ("test_fraction", "test_inputs", "test_targets", "test_csv")
_WAYS = ("test_fraction", "test_inputs", "test_csv")


def heldout_count(samples: int, fraction: float) -> int:
    """How many of ``samples`` a ``test_fraction`` holds out: ``max(1, floor(n x f))``."""
    return max(1, math.floor(samples * fraction))


def read_heldout(data: Table, layers, inputs: np.ndarray, targets: np.ndarray,
                 csv_columns: tuple | None, base_dir: Path):
    """``(inputs, targets, test_inputs, test_targets)``; the test ones None when nothing is held out.

    ``csv_columns`` is the csv's ``(feature columns, {target column: its classes,
    None for a numeric column})``, or None when the samples are not a csv's.
    """
    given = [key for key in HELDOUT_KEYS if key in data.data]
    ways = [key for key in _WAYS if key in given or (key == "test_inputs" and "test_targets" in given)]
    if len(ways) > 1:
        second = ways[1] if ways[1] in given else "test_targets"
        raise data.fail(data.where(second), f"give only one of test_fraction, test_inputs and test_targets, "
                                            f"or test_csv (found {' and '.join(ways[:2])})")
    if not ways:
        return inputs, targets, None, None
    if ways[0] == "test_fraction":
        return _split(data, inputs, targets)
    if ways[0] == "test_inputs":
        return (inputs, targets) + _inline(data, layers)
    return (inputs, targets) + _test_csv(data, csv_columns, base_dir)


def _split(data: Table, inputs: np.ndarray, targets: np.ndarray):
    """The last ``max(1, floor(n x f))`` samples in file order are held out."""
    where = data.where("test_fraction")
    fraction = number_at(data.path, where, data.get("test_fraction"))
    if not 0 < fraction < 1:
        raise data.fail(where, f"must be between 0 and 1 (both excluded), got {fraction:g}")
    n = len(inputs)
    held = heldout_count(n, fraction)
    if held >= n:
        raise data.fail(where, f"holds out {held} of {counted(n, 'sample')}: at least 1 must remain for training")
    keep = n - held
    return inputs[:keep], targets[:keep], inputs[keep:], targets[keep:]


def _inline(data: Table, layers):
    from .scenario_data import samples_at  # the same rules as inputs and targets

    for key, other in (("test_inputs", "test_targets"), ("test_targets", "test_inputs")):
        if key not in data.data:
            raise data.fail(data.where(key), f"missing: {other} needs {key} (give both or neither)")
    test_inputs = samples_at(data, "test_inputs", layers[0], "input")
    test_targets = samples_at(data, "test_targets", layers[-1], "output")
    if len(test_inputs) != len(test_targets):
        raise data.fail(data.where("test_targets"),
                        f"{counted(len(test_targets), 'row')}, but test_inputs has {len(test_inputs)}")
    return test_inputs, test_targets


def _test_csv(data: Table, csv_columns: tuple | None, base_dir: Path):
    """The held-out file: the csv's header, its target columns and its classes."""
    where = data.where("test_csv")
    if csv_columns is None:
        raise data.fail(where, "only used with csv (for inline samples give test_inputs and test_targets)")
    name = data.string("test_csv")
    if not name.strip():
        raise data.fail(where, "must name a CSV file")
    features, classes = csv_columns
    test_inputs, test_targets, test_features, _ = read_csv(
        data.path, where, base_dir / name, list(classes), None, classes)
    if test_features != features:
        raise data.fail(where, f"its feature columns ({', '.join(test_features)}) are not the csv's "
                               f"({', '.join(features)})")
    return test_inputs, test_targets
