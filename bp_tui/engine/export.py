"""Saving what training did: its trace, a CSV of the weights, the weights.

Every write is atomic: the file is written under a temporary name in the
same folder, flushed to disk, then renamed over the target in one step.  So
a file the user already has is either the old one or the new one, never half
of each, even if the disk fills up or the app is killed mid-write; and a
failed write leaves no temporary file behind.  Failures raise
``ExportError`` with one line saying why, for the app to show as it is.

Weights are saved as NumPy ``.npz`` (``W1``..``WL``, ``b1``..``bL``) and
loaded back with ``allow_pickle=False``: a weights file is data, and nothing
in it is ever executed.
"""

from __future__ import annotations

import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import TextIO

import numpy as np
import numpy.lib.format as npy_format

from .fields import MAX_PART, printable
from .files import FileProblem, open_regular, why
from .files import atomic_write as atomic_write_file
from .params import all_params
from .scenario import Scenario, load_scenario
from .session import TrainingSession
from .trace import dumps, trace_records


class ExportError(Exception):
    """A file could not be written or loaded; the message is one line saying why."""

    def __init__(self, message: str):
        super().__init__(printable(message, 2 * MAX_PART))


def atomic_write(path, write: Callable[[TextIO], None]) -> None:
    """Write a UTF-8 text file (``\\n`` line ends) through ``write(handle)``, atomically."""
    _atomic(path, write, binary=False)


def _atomic(path, write: Callable, binary: bool) -> None:
    try:
        atomic_write_file(path, write, binary=binary)
    except FileProblem as problem:
        raise ExportError(f"cannot write {printable(os.fspath(path), MAX_PART)}: {problem}") from None


def _session(scenario: Scenario | str | os.PathLike) -> TrainingSession:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(os.fspath(scenario))
    return TrainingSession(scenario)


def trace_lines(scenario, updates: int | None = None) -> Iterator[str]:
    """The lines ``bp-tui trace SCENARIO --updates N`` prints (without line
    ends), from a fresh session: the step-0 record, then one per update."""
    for record in trace_records(_session(scenario), updates):
        yield dumps(record)


def write_trace(path, scenario, updates: int | None = None) -> int:
    """The trace as a JSON Lines file; returns how many lines were written."""
    count = 0

    def write(handle):
        nonlocal count
        for line in trace_lines(scenario, updates):
            handle.write(line + "\n")
            count += 1

    atomic_write(path, write)
    return count


def _floats(array) -> list[str]:
    return [repr(x) for x in np.asarray(array, dtype=float).ravel().tolist()]  # repr round-trips


def csv_lines(scenario, updates: int | None = None) -> Iterator[str]:
    """The CSV's lines (without line ends), header first: one row per update: update,
    epoch, batch, loss, then every weight after the update (``W1[0,1]``: matrix 1, from
    node 0 to node 1; quoted, as it holds a comma) and every bias (``b1[0]``), at full
    float64 precision.  (A served app delivers these as a download.)"""
    session = _session(scenario)
    s = session.scenario
    params = sorted(all_params(s.layers, s.bias), key=lambda p: p.is_bias)  # weights first, then biases
    header = ["update", "epoch", "batch", "loss"] + [p.name for p in params]
    yield ",".join(f'"{name}"' if "," in name else name for name in header)
    count = 0
    while not session.finished and (updates is None or count < updates):
        session.finish_update()
        applied = session.applied
        assert applied is not None  # finish_update applied one
        a = applied.view()
        assert a.batch_loss is not None and a.weights_after is not None and a.biases_after is not None
        row = [str(session.updates_done), str(a.epoch), str(a.batch), repr(float(a.batch_loss))]
        row += [x for w in a.weights_after[1:] for x in _floats(w)]
        row += [x for b in a.biases_after[1:] if b is not None for x in _floats(b)]
        yield ",".join(row)
        count += 1


def write_csv(path, scenario, updates: int | None = None) -> int:
    """``csv_lines`` as a file; returns the rows written, header not counted."""
    count = -1

    def write(handle):
        nonlocal count
        for line in csv_lines(scenario, updates):
            handle.write(line + "\n")
            count += 1

    atomic_write(path, write)
    return count


def _weight_arrays(W: list, b: list) -> dict:
    arrays = {f"W{l}": np.asarray(W[l], dtype=float) for l in range(1, len(W))}
    arrays.update({f"b{l}": np.asarray(b[l], dtype=float) for l in range(1, len(b)) if b[l] is not None})
    return arrays


def save_weights(path, W: list, b: list) -> None:
    """``W``/``b`` (index 0 None, like ``session.W``) as ``.npz`` with keys
    ``W1``..``WL`` and ``b1``..``bL`` (biases only where there are some)."""
    arrays = _weight_arrays(W, b)
    _atomic(path, lambda handle: np.savez(handle, **arrays), binary=True)


def weights_bytes(W: list, b: list) -> bytes:
    """The same ``.npz`` as ``save_weights``, in memory (a served app's download)."""
    buffer = io.BytesIO()
    np.savez(buffer, **_weight_arrays(W, b))
    return buffer.getvalue()


# ------------------------------------------------------------------ loading
def load_weights(path, scenario: Scenario) -> tuple[list, list]:
    """Weights saved by ``save_weights`` for ``scenario``'s network, as
    ``(W, b)`` indexed like ``session.W`` (index 0 None; ``b[l]`` None when
    the network has no biases).  Refuses, with ``ExportError``, anything that
    does not fit the network exactly."""
    shown = os.fspath(path)

    def fail(why: str) -> ExportError:
        return ExportError(f"cannot load {shown}: {why}")

    layers = scenario.layers
    shapes: dict[str, tuple[int, ...]] = {f"W{l}": (layers[l - 1], layers[l]) for l in range(1, len(layers))}
    if scenario.bias:
        shapes.update({f"b{l}": (layers[l],) for l in range(1, len(layers))})
    limit = sum(8 * int(np.prod(shape)) + 4096 for shape in shapes.values()) + 1024**2
    try:
        with open_regular(shown, limit) as handle:
            magic = handle.read(4)
            if magic[:2] != b"PK":
                single = " (a single .npy array)" if magic.startswith(b"\x93NUM") else ""
                raise fail(f"not an .npz file{single}")
            handle.seek(0)
            arrays = _read_npz(handle, shapes, fail, scenario.bias)
    except FileProblem as problem:
        raise fail(str(problem)) from None
    except OSError as exc:  # bzip2's "Invalid data stream" is an OSError without errno
        raise fail(why(exc) if exc.errno else "not a readable .npz file (damaged?)") from None
    except DAMAGED:
        raise fail("not a readable .npz file (damaged?)") from None
    W = [None] + [arrays[f"W{l}"] for l in range(1, len(layers))]
    b = [None] + [arrays.get(f"b{l}") for l in range(1, len(layers))]
    return W, b


#: What a damaged zip member raises while it is read (bad CRC, bad deflate or LZMA or bzip2 data...).
DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, ValueError, EOFError, KeyError, OSError)
#: Compression methods Python's zipfile reads: stored, deflate, bzip2, LZMA.
READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _read_npz(handle, shapes: dict, fail, bias: bool) -> dict:
    """The arrays named in ``shapes``, each checked; anything else in the file refused."""
    expected = f"expected {', '.join(shapes)}"
    with np.load(handle, allow_pickle=False) as npz:
        for info in npz.zip.infolist():
            name = printable(info.filename, quote=True)
            if info.flag_bits & 0x1:
                raise fail(f"member {name} is encrypted (password-protected), which is not supported")
            if info.compress_type not in READABLE:
                raise fail(f"member {name} uses compression method {info.compress_type}, which is not supported")
        for key in npz.files:
            if key not in shapes:
                no_bias = "this network has no biases; " if key[:1] == "b" and not bias else ""
                raise fail(f"unknown key {printable(key, quote=True)} ({no_bias}{expected})")
        arrays = {}
        for key, shape in shapes.items():
            if key not in npz.files:
                raise fail(f"missing {key} ({expected})")
            arrays[key] = _array(npz, key, shape, fail)
    return arrays


def _array(npz, key: str, shape: tuple, fail) -> np.ndarray:
    """One array, checked from its header before its data is read."""
    member = key + ".npy" if key + ".npy" in npz.zip.namelist() else key
    with npz.zip.open(member) as entry:
        version = npy_format.read_magic(entry)
        read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
        got, _, dtype = read_header(entry)
    if dtype.hasobject:
        raise fail(f"{key} holds Python objects (pickled data), which are never loaded")
    if dtype.kind not in "biuf":
        what = "text" if dtype.kind in "SU" else f"{dtype.name} values"
        raise fail(f"{key} holds {what}, expected real numbers")
    if tuple(got) != shape:
        raise fail(f"{key} has shape {tuple(got)}, expected {shape}")
    array = np.asarray(npz[key], dtype=float)
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        raise fail(f"{key} holds NaN or inf (at {''.join(f'[{k}]' for k in bad[0])})")
    return array
