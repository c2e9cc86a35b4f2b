"""Samples from a CSV file with a header row.

Feature columns are all columns that are not targets, in file order.  A
numeric target column is used as it is; a non-numeric one (e.g. a species
name) is one-hot encoded with its classes in sorted order, one output node
per class.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from .fields import ScenarioError


def _as_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def read_header(scenario_path: str, where: str, csv_path: Path) -> list[str]:
    """The column names of ``csv_path`` (its first non-empty row)."""
    return [name.strip() for name in _rows(scenario_path, where, csv_path)[0]]


def _rows(scenario_path: str, where: str, csv_path: Path) -> list[list[str]]:
    """The non-empty rows of the file, or a ScenarioError saying why not."""

    def fail(what: str) -> ScenarioError:
        return ScenarioError(scenario_path, where, what)

    try:
        with open(csv_path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise fail(f"no such file: {csv_path}") from None
    except IsADirectoryError:
        raise fail(f"is a folder, not a file: {csv_path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise fail(f"cannot read {csv_path}: {exc}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise fail(f"{csv_path.name} is empty (expected a header row, then samples)")
    return rows


def read_csv(scenario_path: str, where: str, csv_path: Path, target_columns: list[str]):
    """Read ``csv_path``; returns ``(inputs, targets, feature_names, target_names)``."""

    def fail(what: str) -> ScenarioError:
        return ScenarioError(scenario_path, where, what)

    rows = _rows(scenario_path, where, csv_path)
    header = [name.strip() for name in rows[0]]
    body = rows[1:]
    if not body:
        raise fail(f"{csv_path.name} has a header but no samples")
    for name in target_columns:
        if name not in header:
            raise fail(f"target column {name!r} is not in {csv_path.name} (columns: {', '.join(header)})")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise fail(f"{csv_path.name} line {line}: {len(row)} fields, the header has {len(header)}")

    features = [name for name in header if name not in target_columns]
    if not features:
        raise fail(f"{csv_path.name} has no feature columns besides the targets")
    columns = {name: [row[k].strip() for row in body] for k, name in enumerate(header)}

    inputs = np.empty((len(body), len(features)))
    for k, name in enumerate(features):
        for line, text in enumerate(columns[name], start=2):
            value = _as_number(text)
            if value is None or not math.isfinite(value):
                raise fail(f"{csv_path.name} line {line}, column {name!r}: not a finite number: {text!r}")
            inputs[line - 2, k] = value

    target_blocks, target_names = [], []
    for name in target_columns:
        block, names = _target_column(name, columns[name])
        target_blocks.append(block)
        target_names.extend(names)
    return inputs, np.hstack(target_blocks), features, target_names


def _target_column(name: str, cells: list[str]):
    """A numeric column as is; otherwise one-hot over its sorted classes."""
    values = [_as_number(text) for text in cells]
    if all(v is not None and math.isfinite(v) for v in values):
        return np.array(values, dtype=np.float64).reshape(-1, 1), [name]
    classes = sorted(set(cells))
    index = {label: k for k, label in enumerate(classes)}
    one_hot = np.zeros((len(cells), len(classes)))
    one_hot[np.arange(len(cells)), [index[c] for c in cells]] = 1.0
    return one_hot, [f"{name}={label}" for label in classes]
