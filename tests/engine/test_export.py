"""Exports: the trace, the CSV of weights, and .npz weights; all written atomically.

The JSON Lines file must be byte for byte what ``bp-tui trace`` prints (the
CLI runs in a subprocess here); the CSV must give back the trace's numbers
exactly; a failed write must leave the old file as it was and no temporary
file behind; a weights file must load back bit for bit, and anything that
does not fit the network must be refused with one line saying why.
"""

from __future__ import annotations

import csv
import errno
import math
import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, export, load_scenario
from bp_tui.engine.export import (
    ExportError,
    atomic_write,
    load_weights,
    save_weights,
    trace_lines,
    write_csv,
    write_trace,
)
from bp_tui.engine.trace import trace_records
from tests.engine.helpers import ROOT

OLD = "the old contents\n"


def cli_trace(*args: str) -> bytes:
    result = subprocess.run([sys.executable, "-m", "bp_tui", "trace", *args], cwd=ROOT,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def leftovers(folder) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def assert_one_line(exc: ExportError, path) -> None:
    message = str(exc)
    assert "\n" not in message and message.startswith(f"cannot write {path}: ")


# -------------------------------------------------------------------- trace
@pytest.mark.parametrize("name, updates", [("seed", None), ("iris", 12), ("diverging", 366)])
def test_the_trace_file_is_what_bp_tui_trace_prints(tmp_path, name, updates):
    path = tmp_path / "trace.jsonl"
    args = [name] if updates is None else [name, "--updates", str(updates)]
    count = write_trace(path, load_scenario(name), updates)
    expected = cli_trace(*args)
    assert path.read_bytes() == expected  # including NaN/Infinity in diverging
    assert count == expected.count(b"\n") == (6 if updates is None else updates + 1)
    assert list(trace_lines(name, updates)) == expected.decode().splitlines()


# ---------------------------------------------------------------------- csv
def read_csv(path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def same_float(a: float, b: float) -> bool:
    return np.float64(a).tobytes() == np.float64(b).tobytes() or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("name, updates", [("iris", 13), ("seed", 5), ("diverging", 370)])
def test_csv_rows_give_back_the_trace_exactly(tmp_path, name, updates):
    scn = load_scenario(name)
    path = tmp_path / "weights.csv"
    assert write_csv(path, scn, updates) == updates
    header, rows = read_csv(path)
    layers = scn.layers
    names = [f"W{l}[{i},{j}]" for l in range(1, len(layers)) for i in range(layers[l - 1]) for j in range(layers[l])]
    if scn.bias:
        names += [f"b{l}[{j}]" for l in range(1, len(layers)) for j in range(layers[l])]
    assert header == ["update", "epoch", "batch", "loss"] + names
    assert len(rows) == updates and all(len(row) == len(header) for row in rows)
    for row, record in zip(rows, list(trace_records(TrainingSession(scn), updates))[1:]):
        assert [int(x) for x in row[:3]] == [record["step"], record["epoch"], record["batch"]]
        expected = [record["loss"]] + list(np.ravel(np.concatenate(
            [np.ravel(w) for w in record["weights"]] + [np.ravel(b) for b in record["biases"]])))
        assert all(same_float(float(x), y) for x, y in zip(row[3:], expected))


def test_csv_and_trace_stop_at_the_end_of_training(tmp_path):
    assert write_csv(tmp_path / "a.csv", load_scenario("seed"), 100) == 5
    assert write_trace(tmp_path / "a.jsonl", load_scenario("seed"), 100) == 6


# ----------------------------------------------------------------- atomicity
def test_a_write_replaces_the_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text(OLD)
    path.chmod(0o640)
    atomic_write(path, lambda handle: handle.write("new\n"))
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    umask = os.umask(0)
    os.umask(umask)
    fresh = tmp_path / "fresh.txt"
    atomic_write(fresh, lambda handle: handle.write("x"))
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_a_missing_folder_fails_cleanly(tmp_path):
    path = tmp_path / "nowhere" / "trace.jsonl"
    with pytest.raises(ExportError) as info:
        write_trace(path, load_scenario("seed"), 2)
    assert str(info.value) == f"cannot write {path}: no such folder"
    assert not path.parent.exists()


def test_a_parent_that_is_a_file_fails_cleanly(tmp_path):
    (tmp_path / "file").write_text(OLD)
    path = tmp_path / "file" / "trace.jsonl"
    with pytest.raises(ExportError) as info:
        write_csv(path, load_scenario("seed"), 2)
    assert_one_line(info.value, path)
    assert "not a folder" in str(info.value)
    assert (tmp_path / "file").read_text() == OLD


def test_a_folder_as_the_target_fails_cleanly(tmp_path):
    with pytest.raises(ExportError) as info:
        write_trace(tmp_path, load_scenario("seed"), 1)
    assert str(info.value) == f"cannot write {tmp_path}: is a folder"


@pytest.mark.allowed_skip_in_ci  # root writes into a read-only folder: nothing to test there
def test_a_read_only_folder_fails_cleanly(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "trace.jsonl"
    path.write_text(OLD)
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root: permissions are not enforced
            pytest.skip("permissions are not enforced for this user (see the simulated failures)")
        with pytest.raises(ExportError) as info:
            write_trace(path, load_scenario("seed"), 2)
        assert str(info.value) == f"cannot write {path}: permission denied"
        assert path.read_text() == OLD and leftovers(folder) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize("code, why", [(errno.EACCES, "permission denied"), (errno.EROFS, "read-only file system")])
def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, code, why):
    path = tmp_path / "trace.jsonl"
    path.write_text(OLD)

    def refuse(src, dst):
        raise OSError(code, os.strerror(code), str(dst))

    monkeypatch.setattr(export.os, "replace", refuse)
    with pytest.raises(ExportError) as info:
        write_trace(path, load_scenario("seed"), 2)
    assert str(info.value) == f"cannot write {path}: {why}"
    assert path.read_text() == OLD and leftovers(tmp_path) == []


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text(OLD)

    def disk_full(handle):
        handle.write("half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportError) as info:
        atomic_write(path, disk_full)
    assert str(info.value) == f"cannot write {path}: no space left on the device"

    def bug(handle):
        handle.write("half a file")
        raise RuntimeError("a bug, not a file problem")

    with pytest.raises(RuntimeError):  # not disguised as an export problem
        atomic_write(path, bug)
    assert path.read_text() == OLD and leftovers(tmp_path) == []


def test_a_failed_fsync_is_a_failed_write(tmp_path, monkeypatch):
    path = tmp_path / "w.npz"
    path.write_bytes(b"old")
    monkeypatch.setattr(export.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(ExportError) as info:
        save_weights(path, [None, np.ones((1, 1))], [None, None])
    assert str(info.value) == f"cannot write {path}: I/O error"
    assert path.read_bytes() == b"old" and leftovers(tmp_path) == []


# ------------------------------------------------------------------ weights
@pytest.mark.parametrize("name", ["iris", "seed", "vanishing"])
def test_weights_round_trip_bit_for_bit(tmp_path, name):
    session = TrainingSession(load_scenario(name))
    session.run_updates(3)
    path = tmp_path / "weights.npz"
    save_weights(path, session.W, session.b)
    with np.load(path, allow_pickle=False) as npz:
        depth = session.depth
        expected = [f"W{l}" for l in range(1, depth + 1)] + ([f"b{l}" for l in range(1, depth + 1)]
                                                              if session.scenario.bias else [])
        assert sorted(npz.files) == sorted(expected)
    W, b = load_weights(path, session.scenario)
    assert W[0] is None and b[0] is None and len(W) == len(b) == len(session.W)
    for got, want in zip(W[1:] + b[1:], session.W[1:] + session.b[1:]):
        if want is None:
            assert got is None
        else:
            assert got.dtype == np.float64 and got.shape == want.shape and got.tobytes() == want.tobytes()


class Marker:
    """Unpickling this would create a file: proof that nothing was executed."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def bad_files(folder):
    """(file, what the message must say) for every refused case, for seed's 2-2-1 network."""
    ok_W2 = np.ones((2, 1))
    cases = {}

    def npz(name, **arrays):
        np.savez(folder / name, **arrays)
        return folder / name

    (folder / "text.npz").write_text("W1 = 1\n")
    cases[folder / "text.npz"] = "not an .npz file"
    np.save(folder / "single.npy", np.ones((2, 2)))
    cases[folder / "single.npy"] = "not an .npz file (a single .npy array)"
    (folder / "damaged.npz").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    cases[folder / "damaged.npz"] = "not a readable .npz file (damaged?)"
    cases[npz("missing.npz", W1=np.ones((2, 2)))] = "missing W2 (expected W1, W2)"
    cases[npz("unknown.npz", W1=np.ones((2, 2)), W2=ok_W2, W3=ok_W2)] = "unknown key 'W3' (expected W1, W2)"
    cases[npz("bias.npz", W1=np.ones((2, 2)), W2=ok_W2, b1=np.ones(2))] = \
        "unknown key 'b1' (this network has no biases; expected W1, W2)"
    cases[npz("shape.npz", W1=np.ones((2, 3)), W2=ok_W2)] = "W1 has shape (2, 3), expected (2, 2)"
    cases[npz("vector.npz", W1=np.ones((2, 2)), W2=np.ones(2))] = "W2 has shape (2,), expected (2, 1)"
    cases[npz("nan.npz", W1=np.ones((2, 2)), W2=np.array([[1.0], [np.nan]]))] = "W2 holds NaN or inf (at [1][0])"
    cases[npz("inf.npz", W1=np.array([[1.0, np.inf], [1, 1]]), W2=ok_W2)] = "W1 holds NaN or inf (at [0][1])"
    pickled = np.empty((2, 2), dtype=object)
    pickled[0, 0] = Marker(str(folder / "executed"))
    np.savez(folder / "pickled.npz", W1=pickled, W2=ok_W2, allow_pickle=True)
    cases[folder / "pickled.npz"] = "W1 holds Python objects (pickled data), which are never loaded"
    cases[npz("text_values.npz", W1=np.array([["a", "b"], ["c", "d"]]), W2=ok_W2)] = \
        "W1 holds text, expected real numbers"
    cases[npz("complex.npz", W1=np.ones((2, 2)) * 1j, W2=ok_W2)] = \
        "W1 holds complex128 values, expected real numbers"
    cases[folder / "absent.npz"] = "no such file"
    cases[folder] = "is a folder"
    return cases


def test_load_weights_refuses_each_bad_case(tmp_path):
    seed = load_scenario("seed")
    for path, why in bad_files(tmp_path).items():
        with pytest.raises(ExportError) as info:
            load_weights(path, seed)
        assert str(info.value) == f"cannot load {path}: {why}"
    assert not (tmp_path / "executed").exists()  # the pickled object was never rebuilt


def test_integer_weights_are_accepted_as_float64(tmp_path):
    np.savez(tmp_path / "ints.npz", W1=np.array([[1, 2], [1, 3]]), W2=np.array([[1], [2]]))
    W, b = load_weights(tmp_path / "ints.npz", load_scenario("seed"))
    assert W[1].dtype == np.float64 and W[1].tolist() == [[1.0, 2.0], [1.0, 3.0]] and b == [None, None, None]


def test_saving_into_a_missing_folder_fails_cleanly(tmp_path):
    path = tmp_path / "nowhere" / "w.npz"
    with pytest.raises(ExportError) as info:
        save_weights(path, [None, np.ones((1, 1))], [None, np.zeros(1)])
    assert str(info.value) == f"cannot write {path}: no such folder"
