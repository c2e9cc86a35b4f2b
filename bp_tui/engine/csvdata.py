"""Samples from a CSV file with a header row.

Feature columns are all columns that are not targets, in file order.  A
numeric target column is used as it is; a non-numeric one (e.g. a species
name) is one-hot encoded with its classes in sorted order, one output node
per class.  Errors name the file's line (counting the header as line 1).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from .fields import MAX_PART, ScenarioError, printable
from .files import FileProblem, open_regular

#: Refuse CSV files larger than this (everything is held in memory).
MAX_CSV_BYTES = 256 * 1024**2


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_header(scenario_path: str, where: str, csv_path: Path) -> list[str]:
    """The column names of ``csv_path`` (its first non-empty row)."""
    return _header(scenario_path, where, csv_path, _rows(scenario_path, where, csv_path))


def _rows(scenario_path: str, where: str, csv_path: Path) -> list[tuple[int, list[str]]]:
    """The non-empty rows of the file with their line numbers, or a ScenarioError."""

    def fail(what: str) -> ScenarioError:
        return ScenarioError(scenario_path, where, what)

    try:
        with open_regular(csv_path, MAX_CSV_BYTES) as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(handle)
            rows = [(reader.line_num, row) for row in reader]
    except FileProblem as problem:
        raise fail(f"{printable(csv_path, MAX_PART)}: {problem}") from None
    except UnicodeDecodeError:
        raise fail(f"{printable(csv_path, MAX_PART)} is not UTF-8 text") from None
    except (OSError, csv.Error) as exc:
        raise fail(f"cannot read {printable(csv_path, MAX_PART)}: {exc}") from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise fail(f"{csv_path.name} is empty (expected a header row, then samples)")
    return rows


def _header(scenario_path: str, where: str, csv_path: Path, rows) -> list[str]:
    header = [name.strip() for name in rows[0][1]]
    for k, name in enumerate(header):
        if not name:
            raise ScenarioError(scenario_path, where, f"{csv_path.name} header: column {k + 1} has no name")
        if name in header[:k]:
            raise ScenarioError(scenario_path, where, f"{csv_path.name} header: column {name!r} appears twice")
    return header


def read_csv(scenario_path: str, where: str, csv_path: Path, target_columns: list[str],
             columns_where: str | None = None, classes: dict | None = None):
    """Read ``csv_path``; returns ``(inputs, targets, feature_names, target_nodes)``.

    ``target_nodes`` has one ``(column, class label)`` pair per output node; the
    label is None for a numeric column.  ``classes`` (for held-out samples)
    maps each target column to the classes to encode it with (None: numeric),
    so held-out rows get the training file's output nodes.
    Problems with the file are reported at ``where`` (``data.csv``); a target
    column missing from the file at ``columns_where`` (``data.target_columns``).
    """

    def fail(what: str) -> ScenarioError:
        return ScenarioError(scenario_path, where, what)

    rows = _rows(scenario_path, where, csv_path)
    header = _header(scenario_path, where, csv_path, rows)
    body = rows[1:]
    if not body:
        raise fail(f"{csv_path.name} has a header but no samples")
    for k, name in enumerate(target_columns):
        if name not in header:
            at = f"{columns_where}[{k}]" if columns_where else where
            raise ScenarioError(
                scenario_path, at, f"no column {name!r} in {csv_path.name} (columns: {', '.join(header)})"
            )
    for line, row in body:
        if len(row) != len(header):
            raise fail(f"{csv_path.name} line {line}: {len(row)} fields, the header has {len(header)}")

    features = [name for name in header if name not in target_columns]
    if not features:
        raise fail(f"{csv_path.name} has no feature columns besides the targets")
    lines = [line for line, _ in body]
    columns = {name: [row[k].strip() for _, row in body] for k, name in enumerate(header)}

    inputs = np.empty((len(body), len(features)))
    for k, name in enumerate(features):
        for r, text in enumerate(columns[name]):
            value = _as_number(text)
            if value is None or not math.isfinite(value):
                raise fail(f"{csv_path.name} line {lines[r]}, column {name!r}: not a finite number: {text!r}")
            inputs[r, k] = value

    target_blocks, target_nodes = [], []
    for name in target_columns:
        given = (classes or {}).get(name)
        block, labels = _target_column(fail, csv_path.name, name, columns[name], lines, given, classes is not None)
        target_blocks.append(block)
        target_nodes.extend((name, label) for label in labels)
    return inputs, np.hstack(target_blocks), features, target_nodes


def _target_column(fail, file_name: str, name: str, cells: list[str], lines: list[int],
                   given: list[str] | None = None, numeric: bool = False):
    """A numeric column as is; otherwise one-hot over its sorted classes.

    With ``given`` classes, one-hot over those (a label outside them is an
    error); with ``numeric``, the column must be numbers.  Returns the block
    and one label per output node (``[None]`` for a numeric column).
    """
    for r, text in enumerate(cells):
        if not text:
            raise fail(f"{file_name} line {lines[r]}, column {name!r}: empty target")
    values = [_as_number(text) for text in cells]
    if given is None and (numeric or all(v is not None for v in values)):
        for r, v in enumerate(values):
            if v is None or not math.isfinite(v):
                raise fail(f"{file_name} line {lines[r]}, column {name!r}: not a finite number: {cells[r]!r}")
        return np.array(values, dtype=np.float64).reshape(-1, 1), [None]
    classes = sorted(set(cells)) if given is None else list(given)
    index = {label: k for k, label in enumerate(classes)}
    for r, text in enumerate(cells):
        if text not in index:
            raise fail(f"{file_name} line {lines[r]}, column {name!r}: class {text!r} is not one of "
                       f"the csv's classes ({', '.join(classes)})")
    one_hot = np.zeros((len(cells), len(classes)))
    one_hot[np.arange(len(cells)), [index[c] for c in cells]] = 1.0
    return one_hot, classes
