"""The ``bp-tui`` command: exit codes, one-line errors, and the trace format.

The bulk runs ``bp_tui.cli.main(argv)`` in-process; a smaller set runs the real
command in a subprocess (``python -m bp_tui``, stdin and stdout not a tty).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bp_tui.cli import main
from bp_tui.engine import TrainingSession, load_scenario

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = REPO / "tests" / "fixtures"
BAD = sorted((FIXTURES / "bad").glob("*.toml"))
GOOD = sorted((FIXTURES / "good").glob("*.toml"))

SEED_STEP0 = {"step": 0, "weights": [[[1.0, 2.0], [1.0, 3.0]], [[1.0], [2.0]]], "biases": [[], []]}
SEED_STEP1 = {
    "step": 1, "epoch": 1, "batch": 1, "loss": 9.0,
    "weights": [[[1.0, 2.0], [0.94, 2.88]], [[0.94], [1.82]]], "biases": [[], []],
    "grad_weights": [[[0.0, 0.0], [6.0, 12.0]], [[6.0], [18.0]]], "grad_biases": [[], []],
}
UPDATE_KEYS = ["step", "epoch", "batch", "loss", "weights", "biases", "grad_weights", "grad_biases"]

DIVERGING = """\
title = "Diverges"
[network]
layers = [1, 1]
activations = ["identity"]
weights = [[[1.0]]]
[data]
inputs = [[10.0], [-10.0]]
targets = [1, 2]
[training]
loss = "mse"
learning_rate = 100.0
epochs = 300
"""


def relative(path: Path) -> str:
    return str(path.relative_to(REPO))


def expected_where(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    return first.removeprefix("# expect: ").partition(": ")[0]


def run(*args: str, cwd: Path = REPO, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """The real command, stdin and stdout not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "bp_tui", *args], cwd=cwd, stdin=stdin,
        capture_output=True, text=True, timeout=60,
    )


def assert_user_error(code: int, out: str, err: str, starts: str = "", contains: str = "") -> None:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert err.endswith("\n")
    assert lines[0].startswith(starts), lines[0]
    assert contains in lines[0]


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- bad files: in-process, every fixture, every command ------------------------


@pytest.mark.parametrize("command", [("check",), ("trace",), ()], ids=["check", "trace", "app"])
@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_file_in_process(path, command, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    name = relative(path)
    where = expected_where(path)
    code, out, err = call(capsys, *command, name)
    assert_user_error(code, out, err, starts=f"{name}: {where}: ")


# --- bad files: the real command --------------------------------------------------

SUBPROCESS_BAD = [
    "syntax_missing_equals", "not_utf8", "activation_unknown", "layers_too_large",
    "csv_ragged_row", "top_newline_in_key",
]


@pytest.mark.parametrize("stem", SUBPROCESS_BAD)
def test_bad_file_check_subprocess(stem):
    path = FIXTURES / "bad" / f"{stem}.toml"
    name = relative(path)
    result = run("check", name)
    assert_user_error(result.returncode, result.stdout, result.stderr,
                      starts=f"{name}: {expected_where(path)}: ")


def test_bad_file_trace_subprocess_path_printed_as_given():
    name = "./tests/fixtures/bad/activation_unknown.toml"
    result = run("trace", name, "--updates", "1")
    assert_user_error(result.returncode, result.stdout, result.stderr,
                      starts=f"{name}: network.activations[1]: unknown activation 'rellu' "
                             "(expected one of identity, relu")


@pytest.mark.parametrize("name,where", [
    ("nonexistent.toml", "file"),
    ("tests/fixtures/bad/activation_unknown.toml", "network.activations[1]"),
])
def test_app_refuses_a_bad_file_before_any_ui(name, where):
    result = run(name)
    assert_user_error(result.returncode, result.stdout, result.stderr, starts=f"{name}: {where}: ")
    assert "\x1b" not in result.stderr  # no terminal control codes: no UI started


def test_missing_folder_and_unknown_bundled_name(capsys, tmp_path):
    code, out, err = call(capsys, "trace", "no_such_scenario")
    assert_user_error(code, out, err, starts="no_such_scenario: scenario: no such file or bundled scenario")
    code, out, err = call(capsys, "check", str(tmp_path))
    assert_user_error(code, out, err, starts=f"{tmp_path}: file: is a folder")
    code, out, err = call(capsys, "no_such_scenario")
    assert_user_error(code, out, err, starts="no_such_scenario: scenario: ")


# --- options ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "", "1e3"])
def test_bad_updates_value(value, capsys):
    code, out, err = call(capsys, "trace", "seed", "--updates", value)
    assert_user_error(code, out, err, starts="bp-tui trace: argument --updates: ")


@pytest.mark.parametrize("argv", [
    ["trace", "seed", "--bogus"],
    ["trace", "seed", "--updates"],
    ["trace"],
    ["check"],
    ["check", "--bogus", "seed"],
    ["--bogus"],
    ["seed", "xor", "extra"],
])
def test_bad_options(argv, capsys):
    code, out, err = call(capsys, *argv)
    assert_user_error(code, out, err, starts="bp-tui")


def test_bad_option_subprocess():
    result = run("trace", "seed", "--updates", "many")
    assert_user_error(result.returncode, result.stdout, result.stderr,
                      starts="bp-tui trace: argument --updates: expected a whole number, got 'many'")
    result = run("--no-such-option")
    assert_user_error(result.returncode, result.stdout, result.stderr, starts="bp-tui: ")


# --- check ------------------------------------------------------------------------


def test_check_all_valid(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    names = ["seed", "scenarios/seed.toml", *map(relative, GOOD)]
    code, out, err = call(capsys, "check", *names)
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{n}: ok ({load_scenario(n).title})" for n in names]


def test_check_one_bad_among_several():
    bad = "tests/fixtures/bad/epochs_zero.toml"
    good = [relative(p) for p in GOOD[:2]]
    result = run("check", good[0], bad, good[1])
    assert_user_error(result.returncode, result.stdout, result.stderr,
                      starts=f"{bad}: training.epochs: must be at least 1")


def test_check_reports_every_bad_file(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    bad = [relative(p) for p in BAD[:3]]
    code, out, err = call(capsys, "check", *bad, "seed")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert [line.partition(": ")[0] for line in lines] == bad


# --- trace ------------------------------------------------------------------------


def test_trace_seed_one_update_matches_the_contract():
    result = run("trace", "scenarios/seed.toml", "--updates", "1")
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first == SEED_STEP0
    assert list(first) == ["step", "weights", "biases"]
    assert second == SEED_STEP1
    assert list(second) == UPDATE_KEYS


def test_console_script_is_the_same_command():
    script = Path(sys.executable).with_name("bp-tui")
    if not script.exists():
        pytest.skip("console script not installed next to this python")
    result = subprocess.run([str(script), "trace", "seed", "--updates", "1"], cwd=REPO,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == [SEED_STEP0, SEED_STEP1]


def test_trace_updates_zero_prints_only_step_zero(capsys):
    code, out, err = call(capsys, "trace", "seed", "--updates", "0")
    assert (code, err) == (0, "")
    assert [json.loads(line) for line in out.splitlines()] == [SEED_STEP0]


def test_trace_default_runs_all_epochs_and_stops_early_when_asked(capsys):
    code, out, _ = call(capsys, "trace", "seed")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["step"] for r in records] == list(range(6))  # 5 epochs x 1 batch
    assert [(r["epoch"], r["batch"]) for r in records[1:]] == [(e, 1) for e in range(1, 6)]
    code, out, _ = call(capsys, "trace", "seed", "--updates", "100")
    assert len(out.splitlines()) == 6  # fewer when training ends first


def test_trace_batches_restart_each_epoch(capsys):
    code, out, _ = call(capsys, "trace", str(FIXTURES / "good" / "flat_targets.toml"), "--updates", "4")
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["epoch"], r["batch"]) for r in records[1:]] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert all(len(r["biases"]) == 2 and r["biases"][0] for r in records)


def test_bundled_name_works_from_another_cwd(tmp_path):
    result = run("trace", "seed", "--updates", "1", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert [json.loads(line) for line in result.stdout.splitlines()] == [SEED_STEP0, SEED_STEP1]


def test_trace_numbers_round_trip_exactly():
    path = FIXTURES / "good" / "csv_string_target.toml"
    result = run("trace", str(path), "--updates", "3")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    # Python's json writes repr(float): printing again gives the same text.
    assert [json.dumps(r) for r in records] == lines
    session = TrainingSession(load_scenario(str(path)))
    for record in records[1:]:
        session.finish_update()
        for l, W in enumerate(session.W[1:]):
            assert record["weights"][l] == W.tolist()  # exact float64 equality
            assert record["biases"][l] == session.b[l + 1].tolist()
    floats = [x for r in records for x in _numbers(r["weights"])]
    assert any(len(repr(x)) > 15 for x in floats)  # full precision, not rounded


def _numbers(nested):
    if isinstance(nested, list):
        for item in nested:
            yield from _numbers(item)
    else:
        yield nested


def test_diverging_run_prints_nan_and_exits_zero(tmp_path):
    (tmp_path / "diverges.toml").write_text(DIVERGING)
    result = run("trace", "diverges.toml", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert len(lines) == 301  # training goes on to the end
    assert "NaN" in result.stdout or "Infinity" in result.stdout
    last = json.loads(lines[-1])
    assert math.isnan(last["loss"]) or math.isinf(last["loss"])
    assert not any(token in result.stdout for token in ("nan,", "inf,", "null"))


def test_help_exits_zero(capsys):
    assert main(["trace", "--help"]) == 0
    assert "--updates" in capsys.readouterr().out
