"""The ``[data]`` table of a scenario: samples given inline, read from a CSV
file, or generated (``generate = "circle"``), and the held-out samples.

``read_data`` returns a ``Data``: float64 arrays of one row per sample,
checked against the network's input and output widths and against the loss,
with the training samples apart from the held-out ones, and the names of the
input and output nodes (from the CSV header and the classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .csvdata import read_csv, read_header
from .datasets import GENERATE_KEYS, read_generated
from .fields import Table, counted, describe, matrix_at
from .heldout import HELDOUT_KEYS, read_heldout
from .losses import LOSSES

DATA_KEYS = ("inputs", "targets", "csv", "target_columns") + GENERATE_KEYS + HELDOUT_KEYS


@dataclass(frozen=True, eq=False)
class Data:
    """The samples of a scenario, split into training and held-out ones.

    ``feature_names`` name the input nodes, ``target_names`` the output nodes
    (a class label such as ``setosa``, or a numeric column's name) and
    ``target_columns`` the column each output node comes from (``species``);
    all three are empty for samples given inline.
    """

    inputs: np.ndarray  # (n_train, inputs)
    targets: np.ndarray  # (n_train, outputs)
    test_inputs: np.ndarray | None = None  # (n_test, inputs), or None: nothing held out
    test_targets: np.ndarray | None = None
    feature_names: tuple[str, ...] = ()
    target_names: tuple[str, ...] = ()
    target_columns: tuple[str, ...] = ()


def read_data(data: Table, layers, loss: str, seed: int, base_dir: Path) -> Data:
    """The samples of ``data``; a csv name is relative to ``base_dir``.

    ``seed`` (the network's) draws a generated data set.
    """
    data.only_keys(DATA_KEYS)
    classes: tuple | None = None
    if "generate" in data.data:
        inputs, targets, features, nodes = read_generated(data, layers, seed)
    elif "csv" in data.data:
        inputs, targets, features, nodes = _csv_data(data, layers, base_dir)
        labels: dict = {}
        for column, label in nodes:
            labels.setdefault(column, []).append(label)
        classes = (features, {column: None if got == [None] else got for column, got in labels.items()})
    else:
        inputs, targets, features, nodes = _inline_data(data, layers)
    check_targets(data, targets, loss)
    inputs, targets, test_inputs, test_targets = read_heldout(data, layers, inputs, targets, classes, base_dir)
    if test_targets is not None:
        check_targets(data, test_targets, loss, data.where("test_csv" if "test_csv" in data.data else "test_targets"))
    return Data(
        inputs, targets, test_inputs, test_targets, tuple(features),
        tuple(column if label is None else label for column, label in nodes),
        tuple(column for column, _ in nodes),
    )


def _inline_data(data: Table, layers):
    for key in ("target_columns",) + GENERATE_KEYS[1:]:
        if key in data.data:
            used = "csv" if key == "target_columns" else "generate"
            raise data.fail(data.where(key), f"only used with {used}")
    if "inputs" not in data.data and "targets" not in data.data:
        raise data.fail(data.where("inputs"), "missing (required): give inputs and targets, csv, or generate")
    inputs = samples_at(data, "inputs", layers[0], "input")
    targets = samples_at(data, "targets", layers[-1], "output")
    if len(inputs) != len(targets):
        raise data.fail(data.where("targets"), f"{counted(len(targets), 'row')}, but inputs has {len(inputs)}")
    return inputs, targets, [], []


def _csv_data(data: Table, layers, base_dir: Path):
    for key in ("inputs", "targets"):
        if key in data.data:
            raise data.fail(data.where(key), "give either csv or inputs and targets, not both")
    for key in GENERATE_KEYS[1:]:
        if key in data.data:
            raise data.fail(data.where(key), "only used with generate")
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
                raise data.fail(f"{columns_where}[{k}]", f"expected a column name (a string), got {describe(name)}")
            if name in columns[:k]:
                raise data.fail(f"{columns_where}[{k}]", f"column {describe(name)} is listed twice")
    csv_path = base_dir / csv_name
    if columns is None:  # default: the last column
        columns = read_header(data.path, data.where("csv"), csv_path)[-1:]
    inputs, targets, features, nodes = read_csv(
        data.path, data.where("csv"), csv_path, list(columns), columns_where
    )
    _check_width(data, "csv", inputs, layers[0], "feature columns", "input nodes")
    key = "target_columns" if "target_columns" in data.data else "csv"
    _check_width(data, key, targets, layers[-1], "target values per sample", "output nodes")
    return inputs, targets, features, nodes


def samples_at(data: Table, key: str, width: int, side: str) -> np.ndarray:
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


def check_targets(data: Table, targets: np.ndarray, loss: str, where: str | None = None) -> None:
    """Targets the loss can take (its ``target_problem``: bce in [0, 1], cross_entropy one-hot rows)."""
    if where is None:
        key = next((k for k in ("csv", "generate") if k in data.data), "targets")
        where = data.where(key)
    problem = LOSSES[loss].target_problem(targets)
    if problem is not None:
        row, what = problem
        raise data.fail(f"{where}[{row}]", what)
