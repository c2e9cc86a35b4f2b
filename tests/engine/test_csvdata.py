"""CSV reading at scale: the fast paths give exactly Python's numbers, errors keep their line numbers.

Every number is compared bit for bit with ``float(text)`` computed here, cell
by cell, independently of the reader; the same file read through the fast
path (plain numbers), NumPy's loadtxt (spaces) and the careful path (quotes)
must give the same arrays.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from bp_tui.engine import ScenarioError
from bp_tui.engine.csvdata import MAX_CLASSES, MAX_COLUMNS, read_csv, read_header
from bp_tui.engine.csvfast import plain_numbers


def random_cells(rng: np.random.Generator, n: int) -> list[str]:
    """Decimal texts of many shapes: integers, signs, leading dots, trailing dots, zeros."""
    cells = []
    for _ in range(n):
        value = rng.random() * 10.0 ** int(rng.integers(-4, 9))
        text = f"{value:.{int(rng.integers(0, 8))}f}"
        r = rng.random()
        if r < 0.2:
            text = "-" + text
        elif r < 0.25:
            text = "+" + text
        if rng.random() < 0.1:
            text = text.lstrip("0") or "0"
        if rng.random() < 0.1 and "." in text:
            text = text.rstrip("0")
        cells.append(text if any(c.isdigit() for c in text) else "0")
    return cells


def write(path: Path, header: list[str], rows: list[list[str]], quote_all: bool = False, crlf: bool = False,
          pad: bool = False) -> Path:
    end = "\r\n" if crlf else "\n"

    def shown(cell: str) -> str:
        return f'"{cell}"' if quote_all else (f" {cell} " if pad else cell)

    path.write_text(",".join(header) + end + "".join(",".join(map(shown, row)) + end for row in rows))
    return path


def expected(rows: list[list[str]]) -> np.ndarray:
    return np.array([[float(cell) for cell in row] for row in rows])


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and bool((a.view(np.int64) == b.view(np.int64)).all())


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(7)
    rows = 3000  # one block; the test of many blocks makes its own file
    cells = random_cells(rng, rows * 5)
    return [cells[k * 5:(k + 1) * 5] for k in range(rows)]


@pytest.mark.parametrize("form", ["plain", "quoted", "padded", "crlf"])
def test_every_path_gives_pythons_floats_bit_for_bit(tmp_path, table, form):
    header = ["a", "b", "y", "c", "d"]
    path = write(tmp_path / "t.csv", header, table, quote_all=form == "quoted", pad=form == "padded",
                 crlf=form == "crlf")
    inputs, targets, features, nodes = read_csv("s.toml", "data.csv", path, ["y"])
    want = expected(table)
    assert features == ["a", "b", "c", "d"] and nodes == [("y", None)]
    assert same_bits(inputs, want[:, [0, 1, 3, 4]])
    assert same_bits(targets, want[:, [2]])


def test_the_vectorised_parser_alone_matches_float(table):
    data = "".join(",".join(row) + "\n" for row in table).encode()
    assert same_bits(plain_numbers(data, 5), expected(table))


@pytest.mark.parametrize("data", [b"1,2\n3\n", b"1,2\n\n", b"1,,\n", b"1,2-\n", b"1e5,2\n", b"1.2.3,4\n", b".,1\n",
                                  b"1,2", b" 1,2\n", b"1,2\r\n", b"1," + b"1" * 16 + b"\n", b"inf,1\n", b"0x1,2\n"])
def test_the_vectorised_parser_declines_anything_not_plain(data):
    assert plain_numbers(data, 2) is None


def test_many_blocks_and_blank_lines_keep_rows_and_line_numbers(tmp_path):
    rows = [[str(k), str(k % 7), str(k % 3)] for k in range(200_000)]  # about 3 MiB: several blocks
    text = "x1,x2,y\n\n" + "".join(",".join(r) + "\n" + ("\n  ,  \n" if k % 50_000 == 0 else "")
                                   for k, r in enumerate(rows))
    path = tmp_path / "big.csv"
    path.write_text(text)
    inputs, targets, _, _ = read_csv("s.toml", "data.csv", path, ["y"])
    assert inputs.shape == (200_000, 2) and inputs[-1].tolist() == [199_999, 199_999 % 7]
    assert targets[:, 0].tolist() == [k % 3 for k in range(200_000)]
    lines = text.split("\n")
    bad_line = 150_003 + 2 * 3  # after the header, a blank line and three inserted blank pairs
    assert lines[bad_line - 1] == "150000,4,0"
    lines[bad_line - 1] = "150000,abc,0"
    path.write_text("\n".join(lines))
    with pytest.raises(ScenarioError) as info:
        read_csv("s.toml", "data.csv", path, ["y"])
    assert info.value.what == f"big.csv line {bad_line}, column 'x2': not a finite number: 'abc'"
    lines[bad_line - 1] = "150000,4"
    path.write_text("\n".join(lines))
    with pytest.raises(ScenarioError) as info:
        read_csv("s.toml", "data.csv", path, ["y"])
    assert info.value.what == f"big.csv line {bad_line}: 2 fields, the header has 3"


def test_a_number_only_python_reads_is_still_read(tmp_path):
    path = write(tmp_path / "t.csv", ["x", "y"], [["1_000", "1"], ["٣", "2"], ["1e3", "3"]])
    inputs, _, _, _ = read_csv("s.toml", "data.csv", path, ["y"])
    assert inputs[:, 0].tolist() == [1000.0, 3.0, 1000.0]


def test_text_targets_after_many_numbers_become_classes(tmp_path):
    rows = [[str(k), "1" if k % 2 else "2"] for k in range(5000)] + [["0", "cat"]]
    path = write(tmp_path / "t.csv", ["x", "y"], rows)
    _, targets, _, nodes = read_csv("s.toml", "data.csv", path, ["y"])
    assert [label for _, label in nodes] == ["1", "2", "cat"]
    assert targets[0].tolist() == [0, 1, 0] and targets[1].tolist() == [1, 0, 0] and targets[-1].tolist() == [0, 0, 1]


def test_too_many_classes_is_refused_before_the_one_hot_matrix(tmp_path):
    rows = [["1", f"label{k}"] for k in range(20_000)]
    path = write(tmp_path / "t.csv", ["x", "y"], rows)
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as info:
            read_csv("s.toml", "data.csv", path, ["y"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"more than {MAX_CLASSES} different values" in info.value.what
    assert peak < 50 * 1024**2  # the one-hot matrix would be 20,000 x 20,000 x 8 bytes = 3 GB


def test_a_very_wide_header_is_refused_and_duplicates_are_found_in_linear_time(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{k}" for k in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n")
    with pytest.raises(ScenarioError) as info:
        read_header("s.toml", "data.csv", path)
    assert info.value.what == f"wide.csv header: 100000 columns, at most {MAX_COLUMNS}"
    names = [f"c{k}" for k in range(MAX_COLUMNS)]
    names[-1] = "c5"
    path.write_text(",".join(names) + "\n")
    with pytest.raises(ScenarioError) as info:
        read_header("s.toml", "data.csv", path)
    assert info.value.what == "wide.csv header: column 'c5' appears twice"


def test_a_missing_column_never_echoes_a_whole_first_line(tmp_path):
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n" * 3)
    with pytest.raises(ScenarioError) as info:
        read_csv("s.toml", "data.csv", path, ["y"])
    assert "/bin/bash" not in info.value.what
    path.write_text(",".join(f"name{k}" for k in range(500)) + "\n")
    with pytest.raises(ScenarioError) as info:
        read_csv("s.toml", "data.csv", path, ["y"])
    assert info.value.what.endswith("..., (500 in all))") or "(500 in all)" in info.value.what
    assert len(info.value.what) < 400


def test_escape_codes_in_a_header_are_escaped(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("\x1b[5mx\x1b[0m,\x1b[5mx\x1b[0m,y\n1,2,3\n")
    with pytest.raises(ScenarioError) as info:
        read_csv("s.toml", "data.csv", path, ["y"])
    assert "\x1b" not in str(info.value) and "\\x1b[5mx" in info.value.what
    path.write_text("\x1b]0;evil\x07,y\n1,2\n")
    _, _, features, _ = read_csv("s.toml", "data.csv", path, ["y"])
    assert features == ["\\x1b]0;evil\\x07"]


@pytest.mark.parametrize("text, fragment", [
    ("", "is empty"), ("\n \n,,\n", "is empty"), ("x,y\n", "header but no samples"),
    ("x,y\n1,2\n3,4,5\n", "line 3: 3 fields, the header has 2"), ("x,y\n1,\n", "line 2, column 'y': empty target"),
    ('x,y\n"1,2\n', "line 2: 1 fields, the header has 2"), ("x,y\n1,inf\n", "line 2, column 'y': not a finite number"),
])
def test_small_broken_files(tmp_path, text, fragment):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        read_csv("s.toml", "data.csv", path, ["y"])
    assert fragment in info.value.what and "\n" not in str(info.value)


def test_non_blank_lines_counted_as_a_line_by_line_reading_counts_them():
    """The row count (taken before any array is allocated) against Python's own reading of the lines:
    chunks of data lines, empty lines, lines of only spaces/commas/tabs, lines starting with a blank
    byte but holding a number, with and without a final newline, and a chunk of many empty lines."""
    from bp_tui.engine.csvrows import count_nonblank_lines

    rng = np.random.default_rng(11)
    shapes = ["1,2,3", "", " ", ",,", " \t, ", " 5,6", ",7", "\r", "8,9\r", "  ,  x", "0.5"]
    for trial in range(300):
        n = int(rng.integers(0, 200)) if trial % 50 else 5000
        lines = [shapes[k] for k in rng.integers(0, len(shapes), n)]
        if trial % 50 == 0:
            lines = [""] * n + ["1"]  # many blank-looking starts: the vectorised count
        text = "\n".join(lines) + ("\n" if rng.random() < 0.5 else "")
        expected = sum(1 for line in text.split("\n") if line.strip(" \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f,"))
        assert count_nonblank_lines(text.encode()) == expected, (trial, lines[:20])
