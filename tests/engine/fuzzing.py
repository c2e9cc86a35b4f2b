"""A seeded fuzzer for scenario files and their CSVs (issue 7, "Done when").

``make_case(rng)`` takes a bundled scenario or a good fixture (with its CSV
files) and mutates it one to three times: bytes flipped, inserted or cut,
lines duplicated, removed or swapped, TOML values swapped for other types,
huge numbers, unicode, control characters, deep or long arrays; CSV cells
replaced, rows made ragged, headers duplicated, thousands of labels.
``run_case(case, folder)`` writes it and loads it: the outcome must be a
valid ``Scenario`` (which then trains one update) or a ``ScenarioError``
of one line, free of control characters and of bounded length.  Anything
else is a finding, returned with its kind for the report.

Used by the fast seeded slice in ``test_fuzz.py`` and the long run in
``benchmarks/fuzz.py``.
"""

from __future__ import annotations

import datetime
import json
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bp_tui.engine import ScenarioError, TrainingSession, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((ROOT / "tests" / "fixtures" / "good").glob("*.toml"))


class Digits:
    """An integer literal of ``n`` digits, written as text (Python refuses to print > 4,300)."""

    def __init__(self, n: int):
        self.n = n


@dataclass
class Case:
    source: str
    mutations: list[str]
    toml: bytes
    files: dict[str, bytes] = field(default_factory=dict)  # CSVs, relative to the scenario


# ------------------------------------------------------------------ TOML out
def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else json.dumps(k, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, Digits):
        return "9" * v.n
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if v != v else ("inf" if v == float("inf") else "-inf" if v == -float("inf") else repr(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def dumps(document: dict) -> str:
    """TOML text: top-level values first, then one ``[table]`` per table."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in document.items() if not isinstance(v, dict)]
    for name, table in document.items():
        if isinstance(table, dict):
            lines.append(f"[{_key(name)}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ values
def _odd_values(rng: np.random.Generator) -> list:
    deep: list = []
    for _ in range(int(rng.integers(20, 200))):
        deep = [deep]
    return [
        0, -1, 1, 2, 3, 2**31, 2**63, -(2**63), 10**200, Digits(4200), 1e308, -1e308, 5e-324, float("nan"),
        float("inf"), -float("inf"), 0.5, -0.0, True, False, "", "x" * int(rng.integers(1, 5000)),
        "\x1b[5mblink\x1b[0m", "\x1b]0;title\x07", "tab\there", "line\nbreak", "é😀ñ", "\u202eevil", "relu",
        "softmax", "cross_entropy", "data/iris.csv", "/dev/zero", "..", "~/x.csv", datetime.time(7, 32),
        datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 1, 12, 0), [], [[]], [1, 2], [[1, 2], [3, 4]],
        deep, [0] * int(rng.integers(1, 3000)), {}, {"a": 1},
        [int(x) for x in rng.integers(1, 5, size=int(rng.integers(1, 100)))],
    ]


def _paths(value, prefix=()):
    """Every (path, value) inside a document: keys of tables, indices of arrays."""
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list) and len(value) <= 64:
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _set(document, path, value) -> None:
    node = document
    for step in path[:-1]:
        node = node[step]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()


def mutate_document(document: dict, rng: np.random.Generator) -> str:
    """One change to the parsed TOML; returns its description."""
    paths = [p for p, _ in _paths(document) if p]
    if not paths:
        document["title"] = "t"
        return "empty document: a title added"
    path = paths[int(rng.integers(len(paths)))]
    node = document
    for step in path:
        node = node[step]
    choice = rng.random()
    if choice < 0.55:
        values = _odd_values(rng)
        new = values[int(rng.integers(len(values)))]
        _set(document, path, new)
        shown = f"Digits({new.n})" if isinstance(new, Digits) else repr(new)[:40]
        return f"set {path} = {shown}"
    if choice < 0.7:
        swapped = _swap_type(node)
        _set(document, path, swapped)
        return f"swap type of {path} ({type(node).__name__} -> {type(swapped).__name__})"
    if choice < 0.8:
        _set(document, path, _DELETE)
        return f"delete {path}"
    if choice < 0.9 and isinstance(node, list) and node:
        k = int(rng.integers(len(node)))
        if rng.random() < 0.5:
            node.insert(k, node[k])
            return f"duplicate {path}[{k}]"
        del node[k]
        return f"remove {path}[{k}]"
    if isinstance(node, dict):
        node["unknown_key" if rng.random() < 0.5 else "ke\x1by"] = 1
        return f"add a key to {path}"
    return mutate_document(document, rng)


def _swap_type(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return float(value) if abs(value) < 2**60 else str(value)[:50]
    if isinstance(value, float):
        return str(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value[0] if value else {}
    if isinstance(value, dict):
        return list(value.values())
    return str(value)


# ------------------------------------------------------------------ bytes and lines
_NASTY = [b"\x00", b"\xff", b"\x1b[5m", b"\r", b'"', b"[", b"]", b"=", b",", b"\n", b"#", b"'''", b"\xe2\x80\xae",
          b"\t", b"\\u0000", b"{", b"1e999", b"-", b".", b"9" * 400]


def mutate_bytes(data: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    lines = data.split(b"\n")
    kind = int(rng.integers(7))
    if kind == 0 and data:
        k = int(rng.integers(len(data)))
        return data[:k] + bytes([int(rng.integers(256))]) + data[k + 1:], f"byte {k} replaced"
    if kind == 1:
        k = int(rng.integers(len(data) + 1))
        nasty = _NASTY[int(rng.integers(len(_NASTY)))]
        return data[:k] + nasty + data[k:], f"insert {nasty[:20]!r} at {k}"
    if kind == 2:
        k = int(rng.integers(len(data) + 1))
        return data[:k], f"truncate at {k}"
    if kind == 3 and data:
        k = int(rng.integers(len(data)))
        return data[:k] + data[k + int(rng.integers(1, 40)):], f"cut at {k}"
    k = int(rng.integers(len(lines)))
    if kind == 4:
        return b"\n".join(lines[:k + 1] + lines[k:]), f"duplicate line {k + 1}"
    if kind == 5:
        return b"\n".join(lines[:k] + lines[k + 1:]), f"remove line {k + 1}"
    j = int(rng.integers(len(lines)))
    lines[k], lines[j] = lines[j], lines[k]
    return b"\n".join(lines), f"swap lines {k + 1} and {j + 1}"


_CELLS = ["", " ", "nan", "inf", "-inf", "1e999", "abc", "\x1b[5m", '"', '"1"', "9" * 5000, "-", "1,2", "١", "1_0",
          "0x10", "\x00", "é", "  3.5  ", "+.5", "5.", "1e-400"]


def mutate_csv(data: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    if rng.random() < 0.4:
        return mutate_bytes(data, rng)
    text = data.decode("utf-8", "replace")
    rows = [line.split(",") for line in text.split("\n")]
    r = int(rng.integers(len(rows)))
    kind = int(rng.integers(5))
    if kind == 0 and rows[r]:
        c = int(rng.integers(len(rows[r])))
        rows[r][c] = _CELLS[int(rng.integers(len(_CELLS)))]
        what = f"cell {r + 1},{c + 1} = {rows[r][c][:20]!r}"
    elif kind == 1:
        rows[r] = rows[r][:-1] if rng.random() < 0.5 else rows[r] + ["7"]
        what = f"row {r + 1} ragged"
    elif kind == 2 and len(rows[0]) > 1:
        rows[0][-1] = rows[0][0]
        what = "header name duplicated"
    elif kind == 3:
        labels = int(rng.integers(2, 3000))
        body = [row for row in rows[1:] if len(row) == len(rows[0])] or [["1"] * len(rows[0])]
        rows = rows[:1] + [body[k % len(body)][:-1] + [f"class{k}"] for k in range(labels)]
        what = f"{labels} distinct labels"
    else:
        width = int(rng.integers(100, 20_000))
        rows[0] = rows[0] + [f"extra{k}" for k in range(width)]
        what = f"header widened by {width}"
    return "\n".join(",".join(row) for row in rows).encode(), what


# ------------------------------------------------------------------ cases
def make_case(rng: np.random.Generator) -> Case:
    source = SOURCES[int(rng.integers(len(SOURCES)))]
    toml = source.read_bytes()
    document = tomllib.loads(toml.decode())
    files = {}
    csv_name = document.get("data", {}).get("csv")
    for key in ("csv", "test_csv"):
        name = document.get("data", {}).get(key)
        if isinstance(name, str):
            files[name] = (source.parent / name).read_bytes()
    case = Case(source.name, [], toml, files)
    for _ in range(int(rng.integers(1, 4))):
        target = rng.random()
        if target < 0.3 and files:
            name = list(files)[int(rng.integers(len(files)))]
            files[name], what = mutate_csv(files[name], rng)
            case.mutations.append(f"{name}: {what}")
        elif target < 0.65:
            case.toml, what = mutate_bytes(case.toml, rng)
            case.mutations.append(f"toml bytes: {what}")
        else:
            try:
                document = tomllib.loads(case.toml.decode())
            except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError):
                continue
            what = mutate_document(document, rng)
            case.toml = dumps(document).encode()
            case.mutations.append(f"toml value: {what}")
    if csv_name is None:
        case.files = {}
    return case


@dataclass
class Outcome:
    kind: str  # "valid", "error" (clean ScenarioError) or a finding: "crash", "bad message", "slow"
    detail: str
    seconds: float


def check_message(message: str) -> str | None:
    """Why an error message breaks the rules, or None."""
    if "\n" in message or "\r" in message:
        return "more than one line"
    if any(not ch.isprintable() for ch in message):
        return "control characters"
    if len(message) > 2000:
        return f"{len(message)} characters"
    if "Traceback" in message or "datetime." in message:
        return "a Python repr or traceback"
    return None


def run_case(case: Case, folder: Path, slow: float = 30.0) -> Outcome:
    """Write ``case`` into ``folder`` and load it; classify the outcome."""
    path = folder / "fuzz.toml"
    path.write_bytes(case.toml)
    for name, data in case.files.items():
        target = folder / name
        if target.resolve().is_relative_to(folder.resolve()):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    start = time.perf_counter()
    try:
        scenario = load_scenario(str(path))
        if sum(a * b for a, b in zip(scenario.layers, scenario.layers[1:])) * scenario.samples < 10**7:
            TrainingSession(scenario).finish_update()
        kind, detail = "valid", scenario.title
    except ScenarioError as error:
        problem = check_message(str(error))
        kind, detail = ("bad message", f"{problem}: {str(error)[:300]!r}") if problem else ("error", str(error))
    except Exception as error:  # noqa: BLE001 - a finding, reported with the case
        kind, detail = "crash", f"{type(error).__name__}: {str(error)[:300]}"
    seconds = time.perf_counter() - start
    if seconds > slow and kind in ("valid", "error"):
        kind = "slow"
    return Outcome(kind, detail, seconds)
