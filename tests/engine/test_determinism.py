"""Reproducible training, and training that diverges without breaking.

Two runs of the same scenario must give bit-identical traces (the JSON Lines
of ``bp-tui trace``), also with random initialisation and shuffling; another
seed must give another trace.  A diverging configuration must train to the
end without raising and without a single NumPy warning (warnings are turned
into errors here), and its trace spells the non-finite values as JSON's
``NaN`` / ``Infinity``, as contract section 4 says.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.breakdown import loss_slope_assembly, weight_breakdown
from bp_tui.engine.params import Param
from bp_tui.engine.trace import dumps, trace_records
from tests.engine.helpers import SEED_TOML, random_scenario, random_targets, scenario


def trace_lines(sc, updates=None) -> list[str]:
    return [dumps(record) for record in trace_records(TrainingSession(sc), updates)]


def random_init(seed: int, shuffle: bool = True, init: str = "he", loss: str = "mse", output: str = "identity"):
    """Weights drawn by the engine (no weights in the file), shuffled batches."""
    rng = np.random.default_rng(99)  # the data is fixed; only the scenario's seed varies
    inputs = rng.normal(size=(7, 3))
    return scenario((3, 5, 4, 2), ("relu", "tanh", output), inputs, random_targets(rng, loss, 7, 2),
                    loss=loss, seed=seed, init=init, batch_size=3, epochs=4, shuffle=shuffle,
                    learning_rate=0.05)


def test_seed_trace_is_reproducible():
    a = trace_lines(load_scenario(SEED_TOML))
    b = trace_lines(load_scenario(SEED_TOML))
    assert len(a) == 6 and a == b


@pytest.mark.parametrize("init", ["he", "xavier", "normal"])
@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffle", "file-order"])
def test_same_seed_same_trace(init, shuffle):
    """Random initialisation and shuffling are seeded: the whole trace repeats bit for bit."""
    a = trace_lines(random_init(5, shuffle, init))
    b = trace_lines(random_init(5, shuffle, init))
    assert len(a) == 1 + 3 * 4
    assert a == b
    # Bit for bit also for the numbers inside (repr round-trips float64).
    assert [json.loads(line) for line in a] == [json.loads(line) for line in b]


@pytest.mark.parametrize("init", ["he", "xavier", "normal"])
def test_other_seed_other_trace(init):
    a = trace_lines(random_init(5, True, init))
    c = trace_lines(random_init(6, True, init))
    assert a[0] != c[0]  # other initial weights
    assert all(x != y for x, y in zip(a, c))


def test_seed_drives_shuffling_with_fixed_weights():
    """With the weights given in the file, the seed still picks the batches."""
    def make(seed):
        rng = np.random.default_rng(1)
        return scenario((2, 3, 1), ("tanh", "identity"), rng.normal(size=(8, 2)), rng.normal(size=(8, 1)),
                        weights=[rng.normal(size=(2, 3)), rng.normal(size=(3, 1))], seed=seed,
                        batch_size=3, epochs=3, shuffle=True)
    a, b, c = trace_lines(make(1)), trace_lines(make(1)), trace_lines(make(2))
    assert a == b
    assert a[0] == c[0]  # same starting weights
    assert a[1:] != c[1:]


def test_zeros_init_starts_from_zeros_and_repeats():
    """init = "zeros": the step-0 weights are all 0 whatever the seed; the run repeats."""
    a = trace_lines(random_init(5, True, "zeros"))
    assert a == trace_lines(random_init(5, True, "zeros"))
    assert a[0] == trace_lines(random_init(6, True, "zeros"))[0]
    assert json.loads(a[0])["weights"][0] == [[0.0] * 5] * 3


def test_resumed_trace_continues_the_same_run():
    """Tracing after some updates continues exactly where a full run would be."""
    sc = random_init(3)
    full = trace_lines(sc)
    session = TrainingSession(sc)
    session.run_updates(5)
    rest = [dumps(r) for r in trace_records(session)]
    assert rest[1:] == full[6:]
    assert json.loads(rest[0])["weights"] == json.loads(full[5])["weights"]


# --------------------------------------------------------------------------
# Non-finite values.

#: name: (layers, activations, loss, whether the loss itself ends non-finite).
#: bce may clip p to [1e-15, 1 - 1e-15], so its loss blows up but stays finite.
DIVERGING = {
    "identity-mse": ((3, 4, 3, 2), ("tanh", "relu", "identity"), "mse", True),
    "softmax-ce": ((3, 4, 3), ("leaky_relu", "softmax"), "cross_entropy", True),
    "sigmoid-bce": ((3, 4, 2), ("identity", "sigmoid"), "bce", False),
}


@pytest.mark.parametrize("name", DIVERGING)
def test_diverging_training_runs_to_the_end_without_warnings(name):
    """A huge learning rate: every phase runs, every view and breakdown is readable, no warning escapes."""
    layers, acts, loss, non_finite = DIVERGING[name]
    sc = random_scenario(1, layers, acts, loss, samples=6, batch_size=4, epochs=30, learning_rate=1e12)
    session = TrainingSession(sc)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        while not session.finished:
            session.step()
            state = session.state
            cur = state.current
            for layer in range(1, len(layers)):
                for i in (None, 0):
                    weight_breakdown(cur, Param(layer, i, 0), acts[layer - 1], session.optimizer)
                loss_slope_assembly(cur, layer, 0)
        lines = trace_lines(sc)
    state = session.state
    assert state.updates_done == state.total_updates == 60
    history = state.loss_history
    assert len(history) == 60
    if non_finite:
        assert np.isnan(history[-1]) or np.isinf(history[-1])
        assert "NaN" in lines[-1] or "Infinity" in lines[-1]
    else:
        assert np.isfinite(history).all() and history[-1] > 10 * history[0]
    for line in lines:
        json.loads(line)  # Python's json reads NaN and Infinity back
    assert len(lines) == 61


def test_non_finite_values_are_printed_as_json_nan_and_infinity():
    """Outputs that overflow to +-inf: loss inf, gradients nan; trace spells them as Python's json does."""
    sc = scenario((1, 1), ("identity",), [[1e300], [-1e300]], [[0.0], [0.0]],
                  weights=[[[1e10]]], biases=[[0.0]], learning_rate=0.01, epochs=3)
    session = TrainingSession(sc)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        session.forward()
        cur = session.state.current
        assert cur.node_values[1].tolist() == [[math.inf], [-math.inf]]
        assert cur.batch_loss == math.inf
        session.backward()
        cur = session.state.current
        assert cur.loss_slopes[1].tolist() == [[math.inf], [-math.inf]]
        # Bias: mean of +inf and -inf is nan; the breakdown shows it without warning.
        bias = weight_breakdown(cur, Param(1, None, 0), "identity", session.optimizer)
        assert math.isnan(bias.gradient) and math.isnan(bias.mean) and math.isnan(bias.new_weight)
        session.run_updates(10)
        lines = trace_lines(sc)
    assert session.finished and session.state.updates_done == 3
    first = lines[1]
    assert '"loss": Infinity' in first
    assert "NaN" in first
    record = json.loads(first)
    assert record["loss"] == math.inf and math.isnan(record["grad_biases"][0][0])


def test_overflow_in_the_first_pass_still_trains_to_the_end():
    """Huge but finite weights overflow inside the first pass; training still reaches the end."""
    sc = scenario((2, 2, 1), ("sigmoid", "identity"), [[1.0, 2.0]], [[1.0]],
                  weights=[[[1e308, -1e308], [1e308, 1e308]], [[1e308], [1e308]]], epochs=2)
    session = TrainingSession(sc)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        session.run_updates(5)
        state = session.state
    assert state.finished and state.updates_done == 2
    assert not np.isfinite(state.loss_history).all()
