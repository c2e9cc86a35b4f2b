"""Every optimizer of contract section 5 against ``torch.optim``, update by update.

The engine's trace records (loss, ``grad_*`` before weight decay, parameters
after the step) are compared with a PyTorch run of the same network (see
``torch_reference``) to 1e-12, over dozens of updates, with and without
weight decay and frozen parameters, on random nets and on bundled scenarios
(those through the real ``bp-tui trace`` command).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")  # CI installs torch; see .ci/run

from bp_tui.engine import TrainingSession, scenario_from_dict  # noqa: E402
from bp_tui.engine.trace import trace_records  # noqa: E402
from tests.engine.torch_reference import torch_records, trace_params  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-12

SETTINGS = {
    "sgd": {},
    "momentum": {"momentum": 0.8},
    "nesterov": {"momentum": 0.7},
    "rmsprop": {"alpha": 0.9, "eps": 1e-6},
    "adam": {"beta1": 0.85, "beta2": 0.99, "eps": 1e-7},
    "adamw": {"beta1": 0.9, "beta2": 0.995},
}


def random_document(seed: int, training: dict, bias: bool = True) -> dict:
    """A 3-4-3 net (tanh, sigmoid) with drawn weights and data: 7 samples, batches of 3."""
    rng = np.random.default_rng(seed)
    layers = [3, 4, 3]
    network = {"layers": layers, "activations": ["tanh", "sigmoid"], "bias": bias,
               "weights": [rng.normal(0, 0.8, (a, b)).tolist() for a, b in zip(layers, layers[1:])]}
    if bias:
        network["biases"] = [rng.normal(0, 0.5, b).tolist() for b in layers[1:]]
    return {
        "title": "random",
        "network": network,
        "data": {"inputs": rng.normal(0, 1, (7, 3)).tolist(), "targets": rng.uniform(0, 1, (7, 3)).tolist()},
        "training": {"loss": "mse", "learning_rate": 0.05, "batch_size": 3, "epochs": 12} | training,
    }


def assert_agrees(records: list[dict], reference: list[dict], bias: bool) -> None:
    """Each update: the loss, the gradients and the parameters after the step, to 1e-12."""
    assert len(records) == len(reference)
    for k, (mine, ref) in enumerate(zip(records, reference), start=1):
        assert mine["step"] == k
        assert mine["loss"] == pytest.approx(ref["loss"], rel=TOL, abs=TOL), f"update {k}: loss"
        for key in ("grads", "params"):
            got = trace_params(mine, key, bias)
            assert got.keys() == ref[key].keys()
            for name, value in got.items():
                np.testing.assert_allclose(value, ref[key][name], rtol=TOL, atol=TOL,
                                           err_msg=f"update {k}: {key} of {name}")


def engine_records(document: dict, updates: int) -> list[dict]:
    records = list(trace_records(TrainingSession(scenario_from_dict(document)), updates))
    return records[1:]


@pytest.mark.parametrize("decay", [0.0, 0.03], ids=["no_decay", "decay"])
@pytest.mark.parametrize("name", list(SETTINGS))
def test_random_net_agrees_with_torch(name, decay):
    for seed in (1, 2):
        training = {"optimizer": name, **SETTINGS[name], "weight_decay": decay}
        if name == "sgd":
            training.pop("optimizer")  # the default
        document = random_document(seed, training)
        assert_agrees(engine_records(document, 36), torch_records(document, 36), bias=True)


@pytest.mark.parametrize("name", list(SETTINGS))
def test_frozen_parameters_agree_with_torch_and_never_move(name):
    training = {"optimizer": name, **SETTINGS[name], "weight_decay": 0.02, "freeze": ["b1", "W2"]}
    document = random_document(3, training)
    records = engine_records(document, 30)
    assert_agrees(records, torch_records(document, 30), bias=True)
    start = document["network"]
    for record in records:
        assert record["biases"][0] == start["biases"][0]
        assert record["weights"][1] == start["weights"][1]
        assert any(g != 0 for g in record["grad_biases"][0])  # still computed and written


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_without_biases_agrees_with_torch(name):
    document = random_document(4, {"optimizer": name, "weight_decay": 0.01}, bias=False)
    assert_agrees(engine_records(document, 24), torch_records(document, 24), bias=False)


def test_default_hyperparameters_are_torch_defaults_but_weight_decay():
    """Unset hyperparameters: contract section 5's defaults (torch's, but adamw's decay 0)."""
    for name in ("momentum", "nesterov", "rmsprop", "adam", "adamw"):
        document = random_document(5, {"optimizer": name})
        reference = dict(document, training=document["training"] | {
            "momentum": 0.9, "alpha": 0.99, "eps": 1e-8, "beta1": 0.9, "beta2": 0.999, "weight_decay": 0.0})
        assert_agrees(engine_records(document, 20), torch_records(reference, 20), bias=True)


def with_training(text: str, lines: str) -> str:
    """The scenario text with ``lines`` added at the top of its [training] table."""
    assert text.count("\n[training]\n") == 1
    return text.replace("\n[training]\n", f"\n[training]\n{lines}\n")


BUNDLED = [
    ("xor", 'optimizer = "adam"', 40),
    ("iris", 'optimizer = "momentum"\nmomentum = 0.5\nweight_decay = 0.001', 30),
    ("seed", 'optimizer = "nesterov"\nweight_decay = 0.1', 5),
    ("mazur", 'optimizer = "rmsprop"\nalpha = 0.9', 40),
    ("sine", 'optimizer = "adamw"\nweight_decay = 0.05', 40),
]


@pytest.mark.parametrize("name,lines,updates", BUNDLED, ids=[b[0] for b in BUNDLED])
def test_bundled_scenario_trace_agrees_with_torch(tmp_path, name, lines, updates):
    """``bp-tui trace`` on a bundled scenario given an optimizer, against torch on the same numbers."""
    source = ROOT / "scenarios" / f"{name}.toml"
    path = tmp_path / f"{name}.toml"
    text = source.read_text().replace("shuffle = true", "shuffle = false")  # the reference: file order
    path.write_text(with_training(text, lines))
    for data in (ROOT / "scenarios" / "data").glob("*"):
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "data" / data.name).write_bytes(data.read_bytes())
    run = subprocess.run([sys.executable, "-m", "bp_tui", "trace", str(path), "--updates", str(updates)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    lines_out = run.stdout.splitlines()
    records = [json.loads(line) for line in lines_out]
    assert records[0]["step"] == 0
    document = tomllib.loads(path.read_text())
    document = _explicit(document, records[0], path)
    bias = document["network"].get("bias", True)
    assert_agrees(records[1:], torch_records(document, len(records) - 1), bias=bias)


def _explicit(document: dict, first: dict, path: Path) -> dict:
    """The document with its initial parameters and data spelled out (from step 0 and the file)."""
    from bp_tui.engine import load_scenario

    scenario = load_scenario(path)
    assert not scenario.shuffle, "the reference takes batches in file order"
    document["network"]["weights"] = first["weights"]
    if document["network"].get("bias", True):
        document["network"]["biases"] = first["biases"]
    document["data"] = {"inputs": scenario.inputs.tolist(), "targets": scenario.targets.tolist()}
    if scenario.batch_size is None:
        document["training"].pop("batch_size", None)
    return document
