"""Samples from a CSV file with a header row.

Feature columns are all columns that are not targets, in file order.  A
numeric target column is used as it is; a non-numeric one (e.g. a species
name) is one-hot encoded with its classes in sorted order, one output node
per class.  Errors name the file's line (counting the header as line 1).

Data-set sized files (MNIST's 60,000 x 785) load in seconds and in bounded
memory: the file is read twice in blocks, never whole.  The first pass
counts the rows, so the arrays are allocated once at their final size; the
second parses each block of lines with NumPy's C parser (``np.loadtxt``) and
falls back to the careful cell-by-cell reading (``csvrows``) only for a block
it refuses, to find the exact line and column, or for files with quotes.
Blocks of plain decimal numbers (the usual data set) skip even that: see
``csvfast``.
Sizes are checked before anything is allocated.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from .csvfast import plain_numbers
from .csvrows import MAX_CLASSES, MAX_COLUMNS, MAX_CSV_BYTES, CsvFile, Targets, as_number, cell, is_blank, quote
from .fields import ScenarioError, printable

__all__ = ["MAX_CLASSES", "MAX_COLUMNS", "MAX_CSV_BYTES", "read_csv", "read_header"]

#: Refuse one-hot targets bigger than this (rows x classes x 8 bytes).
MAX_TARGET_BYTES = 1024**3


def read_header(scenario_path: str, where: str, csv_path: Path) -> list[str]:
    """The column names of ``csv_path`` (its first non-empty row)."""
    with CsvFile(scenario_path, where, csv_path) as source:
        return source.header


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
    with CsvFile(scenario_path, where, csv_path) as source:
        header = source.header
        index = {name: k for k, name in enumerate(header)}
        for k, name in enumerate(target_columns):
            if name not in index:
                at = f"{columns_where}[{k}]" if columns_where else where
                raise ScenarioError(scenario_path, at, f"no column {quote(name)} in {source.name} "
                                                       f"(columns: {source.column_list()})")
        if source.rows == 0:
            raise source.fail(f"{source.name} has a header but no samples")
        wanted = set(target_columns)
        features = [name for name in header if name not in wanted]
        if not features:
            raise source.fail(f"{source.name} has no feature columns besides the targets")
        feature_idx = [index[name] for name in features]
        inputs = np.empty((source.rows, len(features)))
        targets = [Targets(source, name, index[name], source.rows, (classes or {}).get(name),
                           classes is not None) for name in target_columns]
        count = _fill(source, feature_idx, features, inputs, targets)
    if count < len(inputs):  # quoted cells spanning lines: fewer rows than lines
        inputs = inputs[:count].copy()
    blocks: list[np.ndarray] = []
    target_nodes: list[tuple[str, str]] = []
    for column in targets:
        block, labels = column.finish(count, MAX_TARGET_BYTES)
        blocks.append(block)
        target_nodes.extend((column.name, label) for label in labels)
    shown = [printable(name, 100) for name in features]  # names from the file, shown in the app
    return inputs, np.hstack(blocks), shown, target_nodes


def _fill(source: CsvFile, feature_idx: list[int], features: list[str], inputs: np.ndarray,
          targets: list[Targets]) -> int:
    """Parse every row into ``inputs`` and ``targets``; returns the number of rows."""
    if not source.plain:
        row = 0
        for line, cells in source.careful_rows():
            _careful_row(source, line, cells, feature_idx, features, inputs, row, targets)
            row += 1
        return row
    row = 0
    width = len(source.header)
    span = feature_idx[-1] - feature_idx[0] + 1
    columns = slice(feature_idx[0], feature_idx[-1] + 1) if span == len(feature_idx) else None
    for first_line, data in source.blocks():
        data = data if data.endswith(b"\n") else data + b"\n"
        kept, line_numbers = drop_empty_lines(data, first_line)
        numbers = plain_numbers(kept, width) if kept else np.empty((0, width))
        if numbers is None:
            row = _block(source, first_line, source.lines(first_line, data), feature_idx, features, inputs,
                         row, targets)
            continue
        chosen = numbers[:, columns] if isinstance(columns, slice) else numbers.take(feature_idx, axis=1)
        inputs[row:row + len(numbers)] = chosen
        lines = kept.decode("ascii").split("\n")[:-1]  # plain numbers are ASCII
        for column in targets:
            column.add_cells(row, [cell(text, column.index, width) for text in lines], line_numbers)
        row += len(numbers)
    return row


def drop_empty_lines(data: bytes, first_line: int) -> tuple[bytes, list[int]]:
    """``data`` without its empty lines, and the line numbers of the lines kept (vectorised:
    a file of millions of empty lines costs seconds, not minutes)."""
    b = np.frombuffer(data, dtype=np.uint8)
    newline = b == ord("\n")
    empty = newline.copy()
    empty[1:] &= newline[:-1]  # a newline right after a newline (or at the start) ends an empty line
    line_numbers = first_line + np.flatnonzero(~empty[newline])
    if not empty.any():
        return data, line_numbers.tolist()
    return b[~empty].tobytes(), line_numbers.tolist()


def _block(source: CsvFile, first_line: int, lines: list[str], feature_idx, features,
           inputs: np.ndarray, row: int, targets: list[Targets]) -> int:
    """A block of lines without quotes: NumPy's ``loadtxt``, or cell by cell where it refuses."""
    width = len(source.header)
    good, numbers = [], []
    for k, text in [(k, text) for k, text in enumerate(lines) if text]:  # empty lines cost nothing
        if text.count(",") == width - 1:
            good.append(text)
            numbers.append(first_line + k)
        elif not is_blank(text):
            raise source.fail(f"{source.name} line {first_line + k}: {text.count(',') + 1} fields, "
                              f"the header has {width}")
    if not good:
        return row
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data" and the like: refused below
            block = np.loadtxt(good, delimiter=",", comments=None, quotechar=None, usecols=feature_idx,
                               dtype=np.float64, ndmin=2, encoding=None)
        ok = block.shape == (len(good), len(feature_idx)) and bool(np.isfinite(block).all())
    except ValueError:
        ok = False
    if not ok:  # a bad cell, a blank row, a number only Python reads: cell by cell
        for line, text in zip(numbers, good):
            cells = text.split(",")
            if is_blank(text):
                continue
            _careful_row(source, line, cells, feature_idx, features, inputs, row, targets)
            row += 1
        return row
    inputs[row:row + len(good)] = block
    for column in targets:
        column.add_cells(row, [cell(text, column.index, width) for text in good], numbers)
    return row + len(good)


def _careful_row(source: CsvFile, line: int, cells: list[str], feature_idx, features,
                 inputs: np.ndarray, row: int, targets: list[Targets]) -> None:
    """One row, cell by cell with Python's ``float``: the exact line and column of a problem."""
    if len(cells) != len(source.header):
        raise source.fail(f"{source.name} line {line}: {len(cells)} fields, the header has {len(source.header)}")
    for k, (c, name) in enumerate(zip(feature_idx, features)):
        text = cells[c].strip()
        value = as_number(text)
        if value is None or not np.isfinite(value):
            raise source.fail(f"{source.name} line {line}, column {quote(name)}: not a finite number: {quote(text)}")
        inputs[row, k] = value
    for column in targets:
        column.add_cells(row, [cells[column.index].strip()], [line])
