"""The careful side of CSV reading: the file, its header, its rows, its target columns.

``CsvFile`` opens a regular file only (``files.open_regular``), scans it once
in blocks to count its rows and to see whether NumPy's parser can read it
(no quotes, no bare carriage returns), checks the header in linear time, and
gives the body back as blocks of lines (``blocks``) or as parsed rows
(``careful_rows``, Python's csv module) with their line numbers.

``Targets`` collects one target column: numbers, or labels one-hot encoded
later; the number of distinct labels is bounded (``MAX_CLASSES``) while
reading, so a column of 20,000 different labels is refused before a one-hot
matrix is ever allocated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import numpy as np

from .fields import MAX_PART, ScenarioError, printable
from .files import FileProblem, open_regular

#: Refuse CSV files larger than this (MNIST's training set as CSV is about 110 MiB).
MAX_CSV_BYTES = 256 * 1024**2
#: Refuse more columns than this: one input node each, far beyond what can be drawn or stepped.
MAX_COLUMNS = 10_000
#: Refuse a text target column with more distinct labels than this (one output node each).
MAX_CLASSES = 1_000
#: Bytes read at a time (then completed to the end of a line).
CHUNK = 256 * 1024
#: Bytes that make a line blank when it holds nothing else (cells that strip to nothing).
_BLANK_BYTES = b" \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f,"
_BLANK = np.zeros(256, dtype=bool)
_BLANK[list(_BLANK_BYTES)] = True
#: Lines of a chunk starting with a blank byte that are looked at one by one; more: a running sum.
_FEW = 64


def count_nonblank_lines(chunk: bytes) -> int:
    """How many lines of ``chunk`` hold something besides spaces and commas.

    A line whose first byte is not blank is counted at once (a data set's
    every line: the scan costs a comparison per byte, not a running sum);
    the few others are looked at one by one, and a chunk of many blank-looking
    starts (a file of millions of empty lines) is counted vectorised, in
    seconds, not minutes.
    """
    b = np.frombuffer(chunk, dtype=np.uint8)
    if len(b) == 0:
        return 0
    ends = np.flatnonzero(b == ord("\n"))
    starts = np.concatenate(([0], ends + 1))
    if b[-1] == ord("\n"):
        starts = starts[:-1]  # nothing after the last newline
    unsure = np.flatnonzero(_BLANK[b[starts]])
    if len(unsure) > _FEW:
        return _count_by_running_sum(b)
    count = len(starts) - len(unsure)
    for k in unsure.tolist():
        end = int(ends[k]) if k < len(ends) else len(b)
        count += bool(chunk[int(starts[k]):end].translate(None, _BLANK_BYTES))
    return count


def _count_by_running_sum(b: np.ndarray) -> int:
    filled = np.cumsum(~_BLANK[b], dtype=np.int64)
    ends = np.flatnonzero(b == ord("\n"))
    if b[-1] != ord("\n"):
        ends = np.append(ends, len(b) - 1)
    at_ends = filled[ends]
    return int(np.count_nonzero(np.diff(at_ends, prepend=0)))


def quote(text: str) -> str:
    """A value from the file, quoted, control characters escaped, at most 60 characters."""
    return printable(text, quote=True)


def listing(names, most: int = 8) -> str:
    """``a, b, c`` or ``a, b, ... (120 in all)``: never a whole header of an arbitrary file."""
    names = list(names)
    shown = ", ".join(printable(n, 30) for n in names[:most])
    return shown if len(names) <= most else f"{shown}, ... ({len(names)} in all)"


def as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def is_blank(text: str) -> bool:
    """A row whose every cell strips to nothing (skipped, as an empty line is)."""
    return not text.replace(",", "").strip()


def cell(text: str, k: int, width: int) -> str:
    """Field ``k`` of a plain line of ``width`` fields, stripped; splits only as far as needed."""
    if k < width // 2:
        return text.split(",", k + 1)[k].strip()
    return text.rsplit(",", width - k)[1].strip()


class CsvFile:
    """An open CSV file: ``header``, ``rows`` (an upper bound, exact for plain files), ``plain``."""

    def __init__(self, scenario_path: str, where: str, csv_path: Path):
        self.scenario_path, self.where, self.path = scenario_path, where, csv_path
        self.name = printable(csv_path.name, 100)
        self.header: list[str] = []
        self.rows = 0
        self.plain = True
        self.header_line = 0

    def fail(self, what: str) -> ScenarioError:
        return ScenarioError(self.scenario_path, self.where, what)

    def column_list(self) -> str:
        return listing(self.header)

    def __enter__(self) -> CsvFile:
        try:
            self.handle = open_regular(self.path, MAX_CSV_BYTES)
        except FileProblem as problem:
            raise self.fail(f"{printable(self.path, MAX_PART)}: {problem}") from None
        try:
            lines = self._scan()
            if lines == 0:
                raise self.fail(f"{self.name} is empty (expected a header row, then samples)")
            self._read_header()
            self.rows = lines - 1
        except BaseException:
            self.handle.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.handle.close()

    def _chunks(self) -> Iterator[bytes]:
        """The file from its start, in blocks of whole lines."""
        self.handle.seek(0)
        try:
            while chunk := self.handle.read(CHUNK):
                if not chunk.endswith(b"\n"):
                    chunk += self.handle.readline()
                yield chunk
        except OSError as exc:
            raise self.fail(f"cannot read {self.name}: {exc.strerror or exc}") from None

    def _scan(self) -> int:
        """Count the non-blank lines; see whether the fast parser may read the file."""
        lines = 0
        for chunk in self._chunks():
            if self.plain and (b'"' in chunk or chunk.count(b"\r") != chunk.count(b"\r\n")):
                self.plain = False
            lines += count_nonblank_lines(chunk)
        return lines

    def _read_header(self) -> None:
        empty = self.fail(f"{self.name} is empty (expected a header row, then samples)")
        if self.plain:
            found = next(((n, t) for first, data in self._blocks(0)
                          for n, t in enumerate(self.lines(first, data), first) if not is_blank(t)), None)
            if found is None:
                raise empty
            line, text = found
            if text.count(",") >= MAX_COLUMNS:
                raise self.fail(f"{self.name} header: {text.count(',') + 1} columns, at most {MAX_COLUMNS}")
            cells = text.split(",")
        else:
            rows = self._careful(0)
            try:
                first = next(rows, None)
            finally:
                rows.close()
            if first is None:
                raise empty
            line, cells = first
            if len(cells) > MAX_COLUMNS:
                raise self.fail(f"{self.name} header: {len(cells)} columns, at most {MAX_COLUMNS}")
        self.header_line = line
        header = [name.strip() for name in cells]
        seen = set()
        for k, name in enumerate(header):
            if not name:
                raise self.fail(f"{self.name} header: column {k + 1} has no name")
            if name in seen:
                raise self.fail(f"{self.name} header: column {quote(name)} appears twice")
            seen.add(name)
        self.header = header

    def blocks(self) -> Iterator[tuple[int, bytes]]:
        """``(line number of the first, bytes of whole lines)`` after the header; plain files only."""
        return self._blocks(self.header_line)

    def _blocks(self, after: int) -> Iterator[tuple[int, bytes]]:
        line = 1
        for chunk in self._chunks():
            first, line = line, line + chunk.count(b"\n") + (not chunk.endswith(b"\n"))
            if line - 1 <= after:
                continue
            offset = 0
            for _ in range(max(0, after - first + 1)):
                offset = chunk.index(b"\n", offset) + 1
            yield first + max(0, after - first + 1), chunk[offset:] if offset else chunk

    def lines(self, first: int, data: bytes) -> list[str]:
        """The lines of a block as text (a byte-order mark at the start of the file dropped)."""
        try:
            text = data.decode("utf-8-sig" if first == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            at = first + data[: exc.start].count(b"\n")
            raise self.fail(f"{self.name} line {at}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None
        lines = text.replace("\r\n", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()
        return lines

    def careful_rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line number, cells)`` of each non-blank row after the header, by Python's csv module."""
        return self._careful(self.header_line)

    def _careful(self, after: int) -> Generator[tuple[int, list[str]], None, None]:
        self.handle.seek(0)
        text = io.TextIOWrapper(self.handle, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        try:
            for row in reader:
                if reader.line_num > after and any(c.strip() for c in row):
                    yield reader.line_num, row
        except UnicodeDecodeError:
            raise self.fail(f"{self.name} after line {reader.line_num}: not UTF-8 text") from None
        except csv.Error as exc:
            raise self.fail(f"{self.name} line {reader.line_num}: {printable(exc, 100)}") from None
        finally:
            text.detach()


class Targets:
    """One target column being read: its numbers, or its labels (to be one-hot encoded)."""

    def __init__(self, source: CsvFile, name: str, index: int, rows: int, given: list | None, numeric: bool):
        self.source, self.name, self.index = source, name, index
        self.given = None if given is None else {label: k for k, label in enumerate(given)}
        self.numeric = numeric and given is None  # held-out file: must be numbers like the csv's
        self.values = np.empty(rows)
        self.codes = np.empty(rows, dtype=np.int32)
        self.labels: dict[str, int] = {}
        self.too_many = False
        self.first_text: tuple[int, str] | None = None  # the first cell that is not a number
        self.first_bad: tuple[int, str] | None = None  # the first NaN or inf

    def _fail(self, line: int, what: str) -> ScenarioError:
        return self.source.fail(f"{self.source.name} line {line}, column {quote(self.name)}: {what}")

    def add_cells(self, row: int, cells: list[str], lines: Sequence[int]) -> None:
        for k, (text, line) in enumerate(zip(cells, lines)):
            if not text:
                raise self._fail(line, "empty target")
            value = as_number(text)
            if value is None:
                if self.numeric:
                    raise self._fail(line, f"not a finite number: {quote(text)}")
                self.first_text = self.first_text or (line, text)
                value = np.nan
            elif not np.isfinite(value):
                self.first_bad = self.first_bad or (line, text)
            self.values[row + k] = value
            if self.given is not None:
                if text not in self.given:
                    raise self._fail(line, f"class {quote(text)} is not one of the csv's classes "
                                           f"({listing(self.given)})")
                self.codes[row + k] = self.given[text]
                continue
            code = self.labels.get(text)
            if code is None and not self.too_many:
                if len(self.labels) >= MAX_CLASSES:
                    self.too_many = True
                else:
                    code = self.labels[text] = len(self.labels)
            self.codes[row + k] = -1 if code is None else code

    def finish(self, count: int, max_bytes: int) -> tuple[np.ndarray, list]:
        """The column's block of the target array and one label per output node (None: a number)."""
        if self.given is None and self.first_text is None:
            if self.first_bad is not None:
                raise self._fail(self.first_bad[0], f"not a finite number: {quote(self.first_bad[1])}")
            return self.values[:count].reshape(-1, 1), [None]
        if self.given is not None:
            classes, codes = list(self.given), self.codes[:count]
        else:
            line, text = self.first_text or (0, "")
            if self.too_many:
                raise self._fail(line, f"{quote(text)} is not a number, "
                                 f"and the column has more than {MAX_CLASSES} different values: too many "
                                 f"classes (one output node each; at most {MAX_CLASSES})")
            classes = sorted(self.labels)
            order = np.empty(len(self.labels), dtype=np.int32)
            rank = {label: k for k, label in enumerate(classes)}
            for label, code in self.labels.items():
                order[code] = rank[label]
            codes = order[self.codes[:count]]
        if count * len(classes) * 8 > max_bytes:
            raise self.source.fail(f"{self.source.name} column {quote(self.name)}: {len(classes)} classes x "
                                   f"{count} rows would need {count * len(classes) * 8 / 1024**3:.1f} GiB")
        one_hot = np.zeros((count, len(classes)))
        one_hot[np.arange(count), codes] = 1.0
        return one_hot, classes
