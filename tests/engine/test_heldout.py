"""Held-out samples (contract section 6): the split, the trace's keys, the state.

Losses are checked against PyTorch, accuracies against small cases worked by
hand; the split against Python's own ``math.floor(n * f)``.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine.heldout import heldout_count
from bp_tui.engine.metrics import accuracy, confusion_matrix
from bp_tui.engine.trace import dumps, trace_records

torch = pytest.importorskip("torch")


def scenario(data: dict, layers=(2, 2, 1), acts=("tanh", "identity"), loss="mse", **network):
    document = {
        "title": "t",
        "network": {"layers": list(layers), "activations": list(acts), "seed": 3, **network},
        "data": data,
        "training": {"loss": loss, "learning_rate": 0.1, "epochs": 3, "batch_size": 2},
    }
    return scenario_from_dict(document, path="t.toml")


ROWS = [[float(k), float(-k) / 2] for k in range(10)]
TARGETS = [[k / 10] for k in range(10)]


# --- the split -----------------------------------------------------------------


@pytest.mark.parametrize("n, f, held", [(10, 0.25, 2), (3, 0.1, 1), (100, 0.29, 28), (10, 0.3, 3), (4, 0.5, 2)])
def test_heldout_count_is_max_1_floor_n_f_in_float64(n, f, held):
    # 100 x 0.29 is 28.999999999999996 in float64: 28 are held out, not 29.
    assert heldout_count(n, f) == held == max(1, math.floor(n * f))


def test_test_fraction_holds_out_the_last_samples_in_file_order():
    s = scenario({"inputs": ROWS, "targets": TARGETS, "test_fraction": 0.25})
    np.testing.assert_array_equal(s.inputs, ROWS[:8])
    np.testing.assert_array_equal(s.test_inputs, ROWS[8:])
    np.testing.assert_array_equal(s.test_targets, TARGETS[8:])
    assert s.samples == 8  # epochs and batches count training samples only


def test_inline_test_samples_and_none():
    s = scenario({"inputs": ROWS, "targets": TARGETS, "test_inputs": [[1, 2]], "test_targets": [0.5]})
    np.testing.assert_array_equal(s.test_inputs, [[1, 2]])
    np.testing.assert_array_equal(s.test_targets, [[0.5]])
    assert scenario({"inputs": ROWS, "targets": TARGETS}).test_inputs is None


def test_test_csv_is_encoded_with_the_csvs_classes(tmp_path):
    (tmp_path / "train.csv").write_text("a,b,kind\n0,1,x\n1,0,z\n1,1,y\n")
    (tmp_path / "test.csv").write_text("a,b,kind\n2,3,y\n4,5,y\n")  # only one class appears
    document = {
        "title": "t", "network": {"layers": [2, 3], "activations": ["softmax"]},
        "data": {"csv": "train.csv", "test_csv": "test.csv"},
        "training": {"loss": "cross_entropy", "learning_rate": 0.1},
    }
    s = scenario_from_dict(document, path="t.toml", base_dir=tmp_path)
    assert s.target_names == ("x", "y", "z") and s.feature_names == ("a", "b")
    np.testing.assert_array_equal(s.test_targets, [[0, 1, 0], [0, 1, 0]])
    np.testing.assert_array_equal(s.test_inputs, [[2, 3], [4, 5]])


def test_heldout_samples_never_take_part_in_training():
    """The run with 2 of 10 held out trains exactly as the run on the other 8 alone."""
    held = [r for r in trace_records(TrainingSession(scenario({"inputs": ROWS, "targets": TARGETS,
                                                                "test_fraction": 0.2})))]
    alone = [r for r in trace_records(TrainingSession(scenario({"inputs": ROWS[:8], "targets": TARGETS[:8]})))]
    assert len(held) == len(alone) == 1 + 3 * 4
    for h, a in zip(held, alone):
        assert set(h) - set(a) == {"test_loss"}  # mse: no accuracy keys
        assert {k: v for k, v in h.items() if k != "test_loss"} == a


# --- the numbers, independently ------------------------------------------------


def torch_outputs(record: dict, acts, X) -> torch.Tensor:
    A = torch.as_tensor(X, dtype=torch.float64)
    for W, b, act in zip(record["weights"], record["biases"], acts):
        A = A @ torch.tensor(W, dtype=torch.float64)
        if b:
            A = A + torch.tensor(b, dtype=torch.float64)
        A = {"tanh": torch.tanh, "identity": lambda z: z, "relu": torch.relu,
             "sigmoid": torch.sigmoid, "softmax": lambda z: z}[act](A)
    return A


@pytest.mark.parametrize("loss, acts, outputs", [
    ("mse", ("tanh", "identity"), 1),
    ("bce", ("tanh", "sigmoid"), 1),
    ("cross_entropy", ("relu", "softmax"), 3),
])
def test_every_trace_line_has_the_heldout_loss_of_its_weights(loss, acts, outputs):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(12, 2)).round(3).tolist()
    if outputs == 3:
        T = np.eye(3)[rng.integers(0, 3, 12)].tolist()
    else:
        T = rng.integers(0, 2, (12, 1)).astype(float).tolist()
    s = scenario({"inputs": X, "targets": T, "test_fraction": 1 / 3}, layers=(2, 4, outputs), acts=acts, loss=loss)
    records = list(trace_records(TrainingSession(s)))
    assert len(records) == 1 + 3 * 4
    Xt, Tt = torch.tensor(X[8:], dtype=torch.float64), torch.tensor(T[8:], dtype=torch.float64)
    for record in records:  # step 0 included: the initial weights
        out = torch_outputs(record, acts, Xt)
        if loss == "mse":
            expected = torch.nn.functional.mse_loss(out, Tt)
        elif loss == "bce":
            expected = torch.nn.functional.binary_cross_entropy(out, Tt)
        else:
            expected = torch.nn.functional.cross_entropy(out, Tt.argmax(dim=1))
        assert record["test_loss"] == pytest.approx(expected.item(), rel=1e-9)
        if loss == "mse":
            assert "accuracy" not in record and "test_accuracy" not in record
            continue
        train_out = torch_outputs(record, acts, torch.tensor(X[:8], dtype=torch.float64))
        assert record["accuracy"] == hand_accuracy(loss, train_out.numpy(), np.array(T[:8]))
        assert record["test_accuracy"] == hand_accuracy(loss, out.numpy(), np.array(T[8:]))


def hand_accuracy(loss, out, T) -> float:
    """Plain Python, sample by sample (softmax keeps the order, so logits do)."""
    right = total = 0
    for o, t in zip(out.tolist(), T.tolist()):
        if loss == "cross_entropy":
            right += o.index(max(o)) == t.index(1.0)
            total += 1
        else:
            for p, y in zip(o, t):
                right += (p >= 0.5) == (y >= 0.5)
                total += 1
    return right / total


def test_cross_entropy_accuracy_worked_by_hand():
    P = np.array([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.3, 0.3], [0.6, 0.2, 0.2]])
    T = np.array([[0, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)
    # right; tie 0/1 -> 0 (wrong); tie 1/2 -> 1 (wrong); right
    assert accuracy("cross_entropy", P, T) == 0.5
    np.testing.assert_array_equal(confusion_matrix("cross_entropy", P, T), [[1, 0, 0], [1, 1, 0], [0, 1, 0]])


def test_bce_accuracy_worked_by_hand():
    P = np.array([[0.5, 0.49], [0.9, 0.1], [0.2, 0.5]])
    T = np.array([[1, 0], [0.5, 0.49], [0, 0]])
    # 0.5 predicts 1 vs 1: right; 0.49 vs 0: right; 0.9 vs 0.5 (counts 1): right;
    # 0.1 vs 0.49 (counts 0): right; 0.2 vs 0: right; 0.5 vs 0: wrong -> 5 of 6
    assert accuracy("bce", P, T) == 5 / 6
    # targets counting 0: 0.49 ok, 0.1 ok, 0.2 ok, 0.5 predicts 1; counting 1: 0.5 ok, 0.9 ok
    np.testing.assert_array_equal(confusion_matrix("bce", P, T), [[3, 1], [0, 2]])
    assert accuracy("mse", P, T) is None


def test_trace_accuracy_keys_worked_by_hand():
    """A softmax of 2 nodes straight from the inputs, weights chosen so the outputs are plain."""
    document = {
        "title": "t",
        "network": {"layers": [2, 2], "activations": ["softmax"], "bias": False, "weights": [[[1, 0], [0, 1]]]},
        "data": {"inputs": [[2, 1], [1, 3], [5, 5]], "targets": [[1, 0], [1, 0], [0, 1]],
                 "test_inputs": [[0, 4], [3, 3]], "test_targets": [[0, 1], [0, 1]]},
        "training": {"loss": "cross_entropy", "learning_rate": 0.1},
    }
    first = next(trace_records(TrainingSession(scenario_from_dict(document))))
    # train: [2,1] -> class 0 right; [1,3] -> 1 wrong; [5,5] tie -> 0 wrong: 1/3
    assert first["accuracy"] == 1 / 3
    # held out: [0,4] -> 1 right; [3,3] tie -> 0 wrong: 1/2
    assert first["test_accuracy"] == 0.5
    # loss: -log softmax([0,4])[1] and -log softmax([3,3])[1] = log 2, mean
    expected = (math.log(1 + math.exp(-4)) + math.log(2)) / 2
    assert first["test_loss"] == pytest.approx(expected, rel=1e-12)


def test_cli_trace_writes_the_keys_on_every_line(tmp_path):
    path = tmp_path / "h.toml"
    path.write_text('title = "h"\n[network]\nlayers = [2, 2, 1]\nactivations = ["tanh", "sigmoid"]\n'
                    '[data]\ninputs = [[0, 0], [0, 1], [1, 0], [1, 1]]\ntargets = [0, 1, 1, 0]\n'
                    'test_fraction = 0.25\n[training]\nloss = "bce"\nlearning_rate = 0.5\nepochs = 3\n')
    out = subprocess.run([sys.executable, "-m", "bp_tui", "trace", str(path)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    records = [json.loads(line) for line in out]
    assert [r["step"] for r in records] == [0, 1, 2, 3]
    for r in records:
        assert {"test_loss", "accuracy", "test_accuracy"} <= set(r)
        assert r["test_accuracy"] in (0.0, 1.0)  # one held-out output value
        assert r["accuracy"] in (0.0, 1 / 3, 2 / 3, 1.0)


# --- the session's state, for the chart and the counters ---------------------------


def test_state_carries_the_heldout_history_and_accuracy():
    s = scenario({"inputs": ROWS, "targets": [[k % 2] for k in range(10)], "test_fraction": 0.3},
                 acts=("tanh", "sigmoid"), loss="bce")
    expected = [r for r in trace_records(TrainingSession(s))]
    session = TrainingSession(s)
    assert session.state.test_loss_history.tolist() == [expected[0]["test_loss"]]
    checkpoint = session.checkpoint()
    session.run_updates(5)
    state = session.state
    assert state.test_loss_history.tolist() == [r["test_loss"] for r in expected[:6]]
    assert state.test_accuracy_history.tolist() == [r["test_accuracy"] for r in expected[:6]]
    assert state.test_loss == expected[5]["test_loss"] and state.accuracy == expected[5]["accuracy"]
    session.restore(checkpoint)  # back in time: the history is as long as the time
    assert len(session.state.test_loss_history) == 1
    session.run_updates(12)
    assert session.state.test_loss_history.tolist() == [r["test_loss"] for r in expected]


def test_state_without_heldout_samples_has_accuracy_for_classes_only():
    data = {"inputs": [[0, 0], [1, 1]], "targets": [0, 1]}
    bce = TrainingSession(scenario(data, acts=("tanh", "sigmoid"), loss="bce"))
    assert bce.state.test_loss_history is None and bce.state.test_loss is None
    assert bce.state.accuracy in (0.0, 0.5, 1.0)
    mse = TrainingSession(scenario({"inputs": [[0, 0], [1, 1]], "targets": [0, 1]}))
    assert mse.state.accuracy is None and mse.state.test_accuracy is None


def test_a_diverging_run_scores_nan_without_warnings():
    s = scenario_from_dict({"title": "t", "network": {"layers": [2, 3, 1], "activations": ["relu", "identity"],
                                                      "seed": 1},
                            "data": {"inputs": ROWS, "targets": [[1e150]] * 10, "test_fraction": 0.2},
                            "training": {"loss": "mse", "learning_rate": 10.0, "epochs": 20}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lines = [dumps(r) for r in trace_records(TrainingSession(s))]
    last = json.loads(lines[-1])
    assert not math.isfinite(last["test_loss"])
    assert '"test_loss": NaN' in lines[-1] or '"test_loss": Infinity' in lines[-1]


def test_generated_heldout_traces_are_the_same_bytes_in_two_processes():
    command = [sys.executable, "-m", "bp_tui", "trace", "overfit", "--updates", "3"]
    first, second = (subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
                     for _ in range(2))
    assert first == second and first.count("\n") == 4 and '"test_accuracy"' in first


def test_cli_trace_spells_a_nonfinite_heldout_loss_as_json_does(tmp_path):
    path = tmp_path / "d.toml"
    path.write_text('title = "d"\n[network]\nlayers = [2, 3, 1]\nactivations = ["relu", "identity"]\nseed = 1\n'
                    f'[data]\ninputs = {ROWS}\ntargets = {[[1e150]] * 10}\ntest_fraction = 0.2\n'
                    '[training]\nloss = "mse"\nlearning_rate = 10.0\nepochs = 20\n')
    out = subprocess.run([sys.executable, "-m", "bp_tui", "trace", str(path)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    assert len(out) == 21 and "null" not in out[-1]
    assert not math.isfinite(json.loads(out[-1])["test_loss"])


def test_state_confusion_counts_targets_against_predictions():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 2)).tolist()
    T = np.eye(3)[rng.integers(0, 3, 30)].tolist()
    s = scenario({"inputs": X, "targets": T, "test_fraction": 0.4}, layers=(2, 4, 3), acts=("relu", "softmax"),
                 loss="cross_entropy")
    session = TrainingSession(s)
    session.run_updates(4)
    state = session.state
    for inputs, targets, counts in ((s.inputs, s.targets, state.confusion),
                                    (s.test_inputs, s.test_targets, state.test_confusion)):
        logits = np.maximum(inputs @ state.weights[1] + state.biases[1], 0) @ state.weights[2] + state.biases[2]
        expected = np.zeros((3, 3), dtype=int)
        for out, t in zip(logits.tolist(), targets.tolist()):
            expected[t.index(1.0), out.index(max(out))] += 1
        np.testing.assert_array_equal(counts, expected)
    assert state.confusion.sum() == 18 and state.test_confusion.sum() == 12
    assert np.trace(state.confusion) / 18 == state.accuracy
