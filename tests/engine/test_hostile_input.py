"""Hostile and odd input (issue 7 section 3): each case is a clear one-line error, quickly.

FIFOs, devices, huge numbers, NUL bytes, over-long paths, deep networks,
damaged weights files, exports onto special files or through symlinks,
control characters and megabyte values in messages.  Anything that could
block runs in a thread with a deadline, so a regression fails instead of
hanging the suite.
"""

from __future__ import annotations

import os
import stat
import struct
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bp_tui.engine import ScenarioError, load_scenario
from bp_tui.engine.export import ExportError, load_weights, save_weights, write_trace
from bp_tui.engine.fields import describe, printable, whole_number
from bp_tui.engine.limits import MAX_LAYERS

SEED_NETWORK = """
[network]
layers = [2, 2, 1]
activations = ["relu", "identity"]
bias = false
weights = [[[1, 2], [1, 3]], [[1], [2]]]
"""
TRAINING = """
[training]
loss = "mse"
learning_rate = 0.01
"""


def scenario_text(title: str = "t", network: str = SEED_NETWORK, data: str = "inputs = [[0, 1]]\ntargets = [[4]]",
                  training: str = TRAINING) -> str:
    return f'title = "{title}"\n{network}\n[data]\n{data}\n{training}'


def within(seconds: float, run):
    """``run()``'s result or exception, failing if it takes longer than ``seconds`` (it may be blocked)."""
    box: dict = {}

    def target():
        try:
            box["value"] = run()
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked?)"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def refused(path, seconds: float = 20) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        within(seconds, lambda: load_scenario(str(path)))
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and len(message) < 1500
    return info.value


# --------------------------------------------------------------- special files
def test_a_fifo_as_scenario_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    error = refused(fifo)
    assert (error.where, error.what) == ("file", "is a FIFO (named pipe), not a regular file")


@pytest.mark.parametrize("key", ["csv", "test_csv"])
def test_a_fifo_as_csv_or_test_csv_is_refused_at_once(tmp_path, key):
    (tmp_path / "ok.csv").write_text("x1,x2,y\n1,2,3\n4,5,6\n")
    os.mkfifo(tmp_path / "pipe.csv")
    data = 'csv = "pipe.csv"' if key == "csv" else 'csv = "ok.csv"\ntest_csv = "pipe.csv"'
    (tmp_path / "s.toml").write_text(scenario_text(data=data, network='[network]\nlayers = [2, 1]\n'
                                                   'activations = ["identity"]'))
    error = refused(tmp_path / "s.toml")
    assert error.where == f"data.{key}" and "is a FIFO (named pipe), not a regular file" in error.what


def test_dev_zero_as_csv_and_as_scenario(tmp_path):
    (tmp_path / "s.toml").write_text(scenario_text(data='csv = "/dev/zero"'))
    assert "/dev/zero: is a device, not a regular file" in refused(tmp_path / "s.toml").what
    assert refused("/dev/zero").what == "is a device, not a regular file"


def test_a_fifo_as_weights_file_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "w.npz")
    with pytest.raises(ExportError) as info:
        within(20, lambda: load_weights(tmp_path / "w.npz", load_scenario("seed")))
    assert str(info.value) == f"cannot load {tmp_path / 'w.npz'}: is a FIFO (named pipe), not a regular file"


# --------------------------------------------------------------- paths
def test_a_nul_byte_in_a_path(tmp_path):
    assert refused(f"{tmp_path}/a\0b.toml").what == "the path contains a NUL byte"
    (tmp_path / "s.toml").write_text(scenario_text(data='csv = "a\\u0000b.csv"'))
    assert "NUL byte" in refused(tmp_path / "s.toml").what
    with pytest.raises(ExportError, match="NUL byte"):
        write_trace(f"{tmp_path}/t\0.jsonl", load_scenario("seed"), 1)


def test_a_path_longer_than_the_system_allows(tmp_path):
    long = str(tmp_path / ("x" * 300)) + ".toml"  # one name over 255 bytes
    assert refused(long).what in ("no such file", "the path is too long")
    longer = "/".join(["y" * 200] * 30) + ".toml"  # over PATH_MAX
    error = refused(longer)
    assert error.what == "the path is too long (over 4096 bytes)"
    assert len(error.path) < 700  # the path is quoted shortened
    with pytest.raises(ExportError, match="too long"):
        write_trace(longer, load_scenario("seed"), 1)


# --------------------------------------------------------------- numbers
def test_layers_of_astronomical_size(tmp_path):
    huge = 10**200
    network = f'[network]\nlayers = [{huge}, {huge}, 1]\nactivations = ["relu", "identity"]'
    (tmp_path / "s.toml").write_text(scenario_text(network=network))
    error = refused(tmp_path / "s.toml")
    assert error.where == "network.layers[0]" and "at most 10,000,000 nodes" in error.what
    assert len(error.what) < 120  # the 201-digit number is not echoed


def test_an_integer_of_more_than_4300_digits(tmp_path):
    (tmp_path / "s.toml").write_text(scenario_text(training=TRAINING + "epochs = " + "9" * 5000))
    error = refused(tmp_path / "s.toml")
    assert (error.where, error.what) == ("file", "invalid TOML: an integer with too many digits")


@pytest.mark.parametrize("text, expected", [("120", 120), (" +7 ", 7), ("-3", -3)])
def test_whole_number_reads_plain_numbers(text, expected):
    assert whole_number(text) == expected


@pytest.mark.parametrize("text, why", [
    ("9" * 5000, "too large: a whole number of 5000 digits"), ("١٢", "expected a whole number"),
    ("1_000", "expected a whole number"), ("", "expected a whole number"), ("--1", "expected a whole number"),
])
def test_whole_number_refuses_with_one_line(text, why):
    with pytest.raises(ValueError) as info:
        whole_number(text)
    assert str(info.value).startswith(why) and len(str(info.value)) < 120


def test_the_goto_dialog_reads_a_huge_number_as_not_a_target():
    from bp_tui.ui.goto_screen import parse_target

    assert parse_target("u 12") == ("update", 12)
    assert parse_target("9" * 5000) is None
    assert parse_target("e ٣") is None  # Arabic-Indic digits are not an epoch


def test_a_network_deeper_than_the_limit(tmp_path):
    n = 2000
    network = (f'[network]\nlayers = [{", ".join(["2"] * n)}, 1]\n'
               "activations = [" + ", ".join(['"tanh"'] * n) + "]")
    (tmp_path / "s.toml").write_text(scenario_text(network=network))
    error = refused(tmp_path / "s.toml", seconds=10)
    assert error.where == "network.layers"
    assert error.what.startswith(f"{n} layers after the input; at most {MAX_LAYERS} (deeper networks")
    depth = MAX_LAYERS  # the limit itself loads
    network = (f'[network]\nlayers = [{", ".join(["2"] * depth)}, 1]\n'
               "activations = [" + ", ".join(['"tanh"'] * depth) + "]")
    (tmp_path / "ok.toml").write_text(scenario_text(network=network))
    assert load_scenario(str(tmp_path / "ok.toml")).layers == (2,) * depth + (1,)


# --------------------------------------------------------------- echoed text
def test_control_characters_never_reach_a_message(tmp_path):
    bad_key = '"k\\u001b]0;evil\\u0007" = 1'
    (tmp_path / "s.toml").write_text(scenario_text().replace('title = "t"', 'title = "t"\n' + bad_key))
    error = refused(tmp_path / "s.toml")
    assert error.where == "k\\x1b]0;evil\\x07" and "\x1b" not in str(error)


def test_a_title_with_escape_codes_is_shown_escaped(tmp_path):
    (tmp_path / "s.toml").write_text(scenario_text(title="blink \\u001b[5mnow\\u001b[0m"))
    scenario = load_scenario(str(tmp_path / "s.toml"))
    assert scenario.title == "blink \\x1b[5mnow\\x1b[0m"


def test_a_megabyte_value_is_quoted_short(tmp_path):
    name = "r" * 5_000_000
    network = f'[network]\nlayers = [2, 1]\nactivations = ["{name}"]'
    (tmp_path / "s.toml").write_text(scenario_text(network=network))
    error = refused(tmp_path / "s.toml")
    assert error.what.startswith("unknown activation '" + "r" * 60 + "…'") and len(error.what) < 200


def test_no_python_repr_in_messages(tmp_path):
    (tmp_path / "s.toml").write_text(scenario_text(
        network='[network]\nlayers = [2, 07:32:00, 1]\nactivations = ["relu", "identity"]'))
    error = refused(tmp_path / "s.toml")
    assert error.what == "expected a whole number of nodes, got a time"
    assert describe(1.5) == "1.5" and describe(True) == "true" and describe([1]) == "an array"


def test_printable_escapes_and_shortens():
    assert printable("a\x1b[5mb\nc") == "a\\x1b[5mb\\nc"
    assert printable("x" * 100) == "x" * 60 + "…"
    assert printable("x" * 100, quote=True) == "'" + "x" * 60 + "…'"


# --------------------------------------------------------------- damaged weights files
def _weights_file(tmp_path: Path, compression=zipfile.ZIP_DEFLATED) -> Path:
    """A valid weights file for the seed network, written with ``compression``."""
    path = tmp_path / "w.npz"
    good = tmp_path / "good.npz"
    save_weights(good, [None, np.ones((2, 2)), np.ones((2, 1))], [None, None, None])
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", compression) as out:
        for name in source.namelist():
            out.writestr(name, source.read(name))
    return path


def _damage(path: Path, at: int, value: bytes) -> None:
    data = bytearray(path.read_bytes())
    data[at:at + len(value)] = value
    path.write_bytes(bytes(data))


def _first_data_offset(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    name_len, extra_len = struct.unpack("<HH", path.read_bytes()[info.header_offset + 26:info.header_offset + 30])
    return info.header_offset + 30 + name_len + extra_len


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_corrupt_compressed_data_is_a_damaged_file(tmp_path, compression):
    path = _weights_file(tmp_path, compression)
    assert load_weights(path, load_scenario("seed"))[0][1].tolist() == [[1, 1], [1, 1]]
    _damage(path, _first_data_offset(path) + 2, b"\xff\x00\xff\x00\xff\x00")
    with pytest.raises(ExportError) as info:
        load_weights(path, load_scenario("seed"))
    assert str(info.value) == f"cannot load {path}: not a readable .npz file (damaged?)"


def test_an_encrypted_member_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    for info in infos:  # set the "encrypted" flag in the local and the central headers
        _damage(path, info.header_offset + 6, struct.pack("<H", info.flag_bits | 1))
    data = path.read_bytes()
    central = data.index(b"PK\x01\x02")
    _damage(path, central + 8, struct.pack("<H", infos[0].flag_bits | 1))
    with pytest.raises(ExportError) as info:
        load_weights(path, load_scenario("seed"))
    assert "is encrypted (password-protected), which is not supported" in str(info.value)


def test_an_unsupported_compression_method_is_refused(tmp_path):
    path = _weights_file(tmp_path)
    data = path.read_bytes()
    central = data.index(b"PK\x01\x02")
    _damage(path, central + 10, struct.pack("<H", 99))  # AES, for instance
    with pytest.raises(ExportError) as info:
        load_weights(path, load_scenario("seed"))
    assert "uses compression method 99, which is not supported" in str(info.value)


# --------------------------------------------------------------- exports onto special files
def test_an_export_onto_a_fifo_or_a_device_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ExportError) as info:
        within(20, lambda: write_trace(tmp_path / "pipe", load_scenario("seed"), 1))
    assert str(info.value).endswith("is a FIFO (named pipe): only regular files are replaced")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    with pytest.raises(ExportError) as info:
        write_trace("/dev/null", load_scenario("seed"), 1)
    assert str(info.value) == "cannot write /dev/null: is a device: only regular files are replaced"
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_an_export_never_writes_through_a_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "shared").mkdir()
    link = tmp_path / "shared" / "trace.jsonl"
    link.symlink_to(victim)
    with pytest.raises(ExportError) as info:
        write_trace(link, load_scenario("seed"), 1)
    assert "is a symbolic link (not followed" in str(info.value)
    assert victim.read_text() == "precious\n" and link.is_symlink()
    assert sorted(os.listdir(tmp_path / "shared")) == ["trace.jsonl"]  # no temporary left


def test_a_symlinked_folder_on_the_way_is_fine(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "via").symlink_to(tmp_path / "real")
    assert write_trace(tmp_path / "via" / "t.jsonl", load_scenario("seed"), 1) == 2
    assert (tmp_path / "real" / "t.jsonl").is_file()
