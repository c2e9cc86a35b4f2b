"""The ``[data]`` table of a scenario: samples given inline or read from a CSV file.

``read_data`` returns ``(inputs, targets, feature_names, target_names)`` as
float64 arrays of one row per sample, checked against the network's input and
output widths; ``check_targets`` checks the targets against the loss.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .csvdata import read_csv, read_header
from .fields import Table, counted, matrix_at

DATA_KEYS = ("inputs", "targets", "csv", "target_columns")


def read_data(data: Table, layers, base_dir: Path):
    """The samples of ``data``; a csv name is relative to ``base_dir``."""
    data.only_keys(DATA_KEYS)
    if "csv" in data.data:
        return _csv_data(data, layers, base_dir)
    if "target_columns" in data.data:
        raise data.fail(data.where("target_columns"), "only used with csv")
    if "inputs" not in data.data and "targets" not in data.data:
        raise data.fail(data.where("inputs"), "missing (required): give inputs and targets, or csv")
    inputs = _samples(data, "inputs", layers[0], "input")
    targets = _samples(data, "targets", layers[-1], "output")
    if len(inputs) != len(targets):
        raise data.fail(data.where("targets"), f"{counted(len(targets), 'row')}, but inputs has {len(inputs)}")
    return inputs, targets, [], []


def _csv_data(data: Table, layers, base_dir: Path):
    for key in ("inputs", "targets"):
        if key in data.data:
            raise data.fail(data.where(key), "give either csv or inputs and targets, not both")
    csv_name = data.string("csv")
    if not csv_name.strip():
        raise data.fail(data.where("csv"), "must name a CSV file")
    columns_where = data.where("target_columns")
    columns = data.get("target_columns", None)
    if columns is not None:
        if not isinstance(columns, list) or not columns:
            raise data.fail(columns_where, "expected a non-empty array of column names")
        for k, name in enumerate(columns):
            if not isinstance(name, str):
                raise data.fail(f"{columns_where}[{k}]", f"expected a column name (a string), got {name!r}")
            if name in columns[:k]:
                raise data.fail(f"{columns_where}[{k}]", f"column {name!r} is listed twice")
    csv_path = base_dir / csv_name
    if columns is None:  # default: the last column
        columns = read_header(data.path, data.where("csv"), csv_path)[-1:]
    inputs, targets, features, target_names = read_csv(
        data.path, data.where("csv"), csv_path, list(columns), columns_where
    )
    _check_width(data, "csv", inputs, layers[0], "feature columns", "input nodes")
    key = "target_columns" if "target_columns" in data.data else "csv"
    _check_width(data, key, targets, layers[-1], "target values per sample", "output nodes")
    return inputs, targets, features, target_names


def _samples(data: Table, key: str, width: int, side: str) -> np.ndarray:
    """Rows of ``width`` numbers; a flat list is accepted when ``width`` is 1."""
    value = data.get(key)
    where = data.where(key)
    if not isinstance(value, list) or not value:
        raise data.fail(where, "expected a non-empty array of samples (one row each)")
    if width == 1 and all(not isinstance(x, list) for x in value):
        value = [[x] for x in value]
    return matrix_at(data.path, where, value, (len(value), width),
                     f"{counted(len(value), 'row')} of {counted(width, 'number')} (one per {side} node)")


def _check_width(data: Table, key: str, array: np.ndarray, width: int, got: str, want: str) -> None:
    if array.shape[1] != width:
        raise data.fail(data.where(key), f"{array.shape[1]} {got}, but the network has {width} {want}")


def check_targets(data: Table, targets: np.ndarray, loss: str) -> None:
    """bce: targets in [0, 1]; cross_entropy: one-hot rows."""
    where = data.where("csv" if "csv" in data.data else "targets")
    if loss == "bce" and ((targets < 0) | (targets > 1)).any():
        row, col = (int(k) for k in np.argwhere((targets < 0) | (targets > 1))[0])
        raise data.fail(f"{where}[{row}]", f"bce needs targets between 0 and 1, got {targets[row, col]:g}")
    if loss == "cross_entropy":
        one_hot = ((targets == 0) | (targets == 1)).all(axis=1) & (targets.sum(axis=1) == 1)
        if not one_hot.all():
            row = int(np.argmin(one_hot))
            raise data.fail(f"{where}[{row}]", "cross_entropy needs one-hot target rows (one 1, the rest 0)")
