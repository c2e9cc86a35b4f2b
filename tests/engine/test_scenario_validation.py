"""Scenario-file validation: every mistake is refused with its field and a reason.

Each file in ``tests/fixtures/bad`` breaks one rule; its first line says what
the error must be: ``# expect: WHERE: WHAT`` where WHERE is the exact field and
WHAT a (case-insensitive) fragment of the message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bp_tui.engine import ScenarioError, load_scenario, scenario_from_dict
from bp_tui.engine.breakpoint_settings import BreakpointSettings
from bp_tui.engine.scenario import bundled_names

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD = sorted((FIXTURES / "bad").glob("*.toml"))
GOOD = FIXTURES / "good"


def expectation(path: Path) -> tuple[str, str]:
    """``(where, what fragment)`` from the file's ``# expect:`` first line."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    assert first.startswith("# expect: "), f"{path.name}: no '# expect:' first line"
    where, _, what = first.removeprefix("# expect: ").partition(": ")
    return where, what


def refused(name: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(name)
    return info.value


def test_there_is_a_bad_fixture_per_rule():
    assert len(BAD) >= 35


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_fixture_is_refused_at_its_field(path):
    where, what = expectation(path)
    error = refused(str(path))
    assert error.path == str(path)
    assert error.where == where
    assert what.lower() in error.what.lower()
    assert str(error) == f"{path}: {error.where}: {error.what}"
    assert "\n" not in str(error)


# --- files that cannot carry an expect line --------------------------------


def test_missing_file(tmp_path):
    name = str(tmp_path / "nope.toml")
    error = refused(name)
    assert (error.path, error.where, error.what) == (name, "file", "no such file")


def test_missing_file_without_toml_suffix_in_a_folder(tmp_path):
    error = refused(str(tmp_path / "nope"))
    assert error.where == "file" and "no such file" in error.what


def test_folder(tmp_path):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    error = refused(str(folder))
    assert error.where == "file" and "folder" in error.what


def test_unknown_bundled_name_lists_the_bundled_ones():
    error = refused("no_such_scenario")
    assert error.path == "no_such_scenario"
    assert error.where == "scenario"
    assert "no such file or bundled scenario" in error.what
    assert "seed" in error.what


def test_empty_name():
    error = refused("")
    assert error.where == "scenario" and "empty" in error.what


def test_path_is_printed_as_given(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    error = refused("./bad//activation_unknown.toml")
    assert error.path == "./bad//activation_unknown.toml"
    assert str(error).startswith("./bad//activation_unknown.toml: network.activations[1]: ")


def test_huge_batch_size_is_not_taken_for_a_huge_network():
    document = {
        "title": "t",
        "network": {"layers": [1, 1], "activations": ["identity"]},
        "data": {"inputs": [1, 2], "targets": [2, 4]},
        "training": {"loss": "mse", "learning_rate": 0.1, "batch_size": 10**12},
    }
    scenario = scenario_from_dict(document)
    assert scenario.effective_batch_size == 10**12 and scenario.batches_per_epoch == 1


def test_too_large_network_is_refused_before_allocating():
    document = {
        "title": "t",
        "network": {"layers": [100000, 100000, 100000], "activations": ["relu", "identity"]},
    }  # no data or training: the size check comes first, and allocates nothing
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(document, path="big.toml")
    assert info.value.where == "network.layers" and "too large" in info.value.what


# --- good files ----------------------------------------------------------------


def test_csv_string_target_is_one_hot_in_sorted_class_order():
    s = load_scenario(str(GOOD / "csv_string_target.toml"))
    assert s.feature_names == ("petal_length", "petal_width")  # file order, target skipped
    assert s.target_names == ("setosa", "versicolor", "virginica")  # a class label per output node
    assert s.target_columns == ("species",) * 3
    # file order: versicolor, setosa, virginica, setosa, (blank line), versicolor
    np.testing.assert_array_equal(
        s.targets, [[0, 1, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
    )
    np.testing.assert_array_equal(s.inputs[:, 0], [4.7, 1.4, 6.0, 1.3, 4.5])
    np.testing.assert_array_equal(s.inputs[:, 1], [1.4, 0.2, 2.5, 0.2, 1.5])
    assert s.inputs.dtype == np.float64 and s.targets.dtype == np.float64


def test_csv_is_relative_to_the_scenario_file_not_the_cwd(tmp_path, monkeypatch):
    folder = tmp_path / "elsewhere"
    (folder / "data").mkdir(parents=True)
    shutil.copy(GOOD / "csv_string_target.toml", folder)
    shutil.copy(GOOD / "data" / "flowers.csv", folder / "data")
    (tmp_path / "data").mkdir()  # a decoy next to the cwd
    (tmp_path / "data" / "flowers.csv").write_text("a,species\n1,x\n")
    monkeypatch.chdir(tmp_path)
    s = load_scenario("elsewhere/csv_string_target.toml")
    assert s.samples == 5 and s.feature_names == ("petal_length", "petal_width")


def test_csv_default_target_is_the_last_column_and_a_bom_is_tolerated():
    s = load_scenario(str(GOOD / "csv_numeric_default_target.toml"))
    assert s.feature_names == ("x1", "x2")
    assert s.target_names == ("y",)
    np.testing.assert_array_equal(s.targets, [[1.5], [-2.0], [0.25]])


def test_defaults():
    s = load_scenario(str(GOOD / "full_batch_defaults.toml"))
    assert s.bias is True
    assert s.batch_size is None and s.effective_batch_size == s.samples == 3
    assert s.batches_per_epoch == 1
    assert s.epochs == 1
    assert s.shuffle is False
    assert s.init == "he" and s.seed == 0
    assert s.weights is None and s.biases is None
    assert s.description == "" and s.breakpoints == BreakpointSettings()
    W, b = s.initial_parameters()
    assert [w.shape for w in W] == [(1, 2), (2, 1)]
    assert [x.tolist() for x in b] == [[0.0, 0.0], [0.0]]


def test_flat_lists_are_accepted_for_one_wide_layers():
    s = load_scenario(str(GOOD / "full_batch_defaults.toml"))
    np.testing.assert_array_equal(s.inputs, [[1], [2], [3]])
    np.testing.assert_array_equal(s.targets, [[2], [4], [6]])
    s = load_scenario(str(GOOD / "flat_targets.toml"))
    assert s.targets.shape == (4, 1)
    np.testing.assert_array_equal(s.targets[:, 0], [0, 1, 1, 0])
    assert s.batch_size == 3 and s.batches_per_epoch == 2


def test_every_optional_key():
    s = load_scenario(str(GOOD / "everything.toml"))
    assert s.description.startswith("Given weights")
    assert s.activations == ("leaky_relu", "softmax") and s.loss == "cross_entropy"
    np.testing.assert_array_equal(s.weights[0], [[0.5, -1], [1, 2]])
    np.testing.assert_array_equal(s.biases[0], [0.1, -0.1])
    assert (s.init, s.seed, s.batch_size, s.epochs, s.shuffle) == ("xavier", 3, 2, 4, True)
    assert s.breakpoints == BreakpointSettings(
        loss_up=True, gradient_norm=10.0, flat_tolerance=1e-6, flat_updates=5, at_update=3, at_epoch=2,
    )


def test_weights_without_biases_start_with_zero_biases():
    document = {
        "title": "t",
        "network": {"layers": [1, 1], "activations": ["identity"], "weights": [[[2]]]},
        "data": {"inputs": [1], "targets": [2]},
        "training": {"loss": "mse", "learning_rate": 0.1},
    }
    W, b = scenario_from_dict(document).initial_parameters()
    assert W[0].tolist() == [[2.0]] and b[0].tolist() == [0.0]


def test_byte_order_mark_in_the_scenario_file_is_tolerated(tmp_path):
    text = (GOOD / "full_batch_defaults.toml").read_text()
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_scenario(str(path)).title == "Defaults"


def test_bundled_scenario_by_name_from_any_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_scenario("seed")
    assert s.title == "Seed example" and s.layers == (2, 2, 1)


def test_an_existing_file_wins_over_a_bundled_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seed").write_text((GOOD / "full_batch_defaults.toml").read_text())
    assert load_scenario("seed").title == "Defaults"


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_are_valid(name):
    load_scenario(name)
