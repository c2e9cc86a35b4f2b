"""Breakpoints fire exactly where they should, and nowhere else.

Each expected update is worked out here independently of the checker: by
scanning the JSON trace (``trace_records``) or the session's loss history and
pre-activations with plain NumPy, then compared with the updates the checker
fired on when shown every update of a run, in order, as the app does.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bp_tui.engine import Phase, TrainingSession, load_scenario
from bp_tui.engine.breakpoint_settings import BreakpointSettings, SettingError
from bp_tui.engine.breakpoints import BreakpointChecker, BreakpointHit
from bp_tui.engine.trace import trace_records
from tests.engine.helpers import ROOT, scenario


def checker_for(session: TrainingSession, settings: dict) -> BreakpointChecker:
    return BreakpointChecker(BreakpointSettings(**settings), session.depth, session.scenario.activations,
                             session.schedule.batches_per_epoch)


def run(scn, settings: dict, updates: int | None = None) -> tuple[dict[int, BreakpointHit], TrainingSession]:
    """Every hit of a run, by update; the session at its end."""
    session = TrainingSession(scn)
    checker = checker_for(session, settings)
    hits = {}
    while not session.finished and (updates is None or session.updates_done < updates):
        session.finish_update()
        hit = checker.observe(session.updates_done, session.applied.view(), session.loss_history)
        if hit is not None:
            hits[session.updates_done] = hit
    return hits, session


def fired(hits: dict, kind: str) -> list[int]:
    """Updates where ``kind`` fired, as the hit or among its ``also``."""
    return sorted(u for u, h in hits.items() if h.kind == kind or kind in h.also)


def flat(values) -> list[float]:
    out = []
    for v in values:
        out.extend(flat(v) if isinstance(v, list) else [v])
    return out


def assert_one_line(hit: BreakpointHit) -> None:
    assert "\n" not in hit.message and "\r" not in hit.message and hit.message.strip() == hit.message


# --------------------------------------------------------------- non-finite
def test_non_finite_stops_diverging_at_the_first_non_finite_update():
    records = list(trace_records(TrainingSession(load_scenario("diverging"))))[1:]
    keys = ("weights", "biases", "grad_weights", "grad_biases")
    first = next(r for r in records
                 if not all(math.isfinite(x) for x in [r["loss"]] + sum((flat(r[k]) for k in keys), [])))
    assert first["step"] == 183  # as the scenario's description says
    before = records[first["step"] - 2]
    assert all(math.isfinite(x) for x in flat(before["weights"]) + flat(before["biases"]))
    assert not math.isfinite(first["loss"])  # finite weights in, a non-finite loss out: the forward pass

    hits, _ = run(load_scenario("diverging"), {}, updates=200)
    assert min(hits) == first["step"]
    hit = hits[first["step"]]
    assert hit.kind == "non_finite" and hit.update == 183
    assert hit.phase == Phase("forward", 1)
    assert "loss of sample #0 is inf" in hit.message and "forward pass of update 183" in hit.message
    assert all(h.kind == "non_finite" for h in hits.values())
    assert_one_line(hit)


def test_non_finite_names_a_hidden_node_and_the_sample_from_the_data():
    # Sample #3's pre-activation at hidden node 1 is 1e300 * 1e10 = inf, in the second batch.
    scn = scenario([1, 2, 1], ["relu", "identity"], [[1], [1], [1], [1e300]], [[0]] * 4,
                   weights=[[[1, 1e10]], [[1], [1]]], batch_size=2, learning_rate=1e-30)
    hits, _ = run(scn, {}, updates=2)
    assert list(hits) == [2]
    assert hits[2].phase == Phase("forward", 1)
    assert hits[2].message.startswith("NaN/inf: pre-activation of layer 1 node 1, sample #3 is inf, "
                                      "in the forward pass of update 2 (epoch 1, batch 2)")


def test_non_finite_first_in_the_backward_pass():
    # Hidden value 1e300 * 1e8 = 1e308 (finite); prediction 1e308 * 1e-308 = 1, loss 1;
    # but W2's gradient 1e308 x loss slope 2 overflows.
    scn = scenario([1, 1, 1], ["identity", "identity"], [[1e300]], [[0]],
                   weights=[[[1e8]], [[1e-308]]], bias=False)
    session = TrainingSession(scn)
    session.finish_update()
    a = session.applied.view()
    assert np.isfinite(a.batch_loss) and np.isfinite(a.node_values[2]).all()
    assert not np.isfinite(a.grad_weights[2]).all()
    hits, _ = run(scn, {}, updates=1)
    assert hits[1].phase == Phase("backward", 2)
    assert "gradient of weight W2[0,0] is inf, in the backward pass of update 1" in hits[1].message


def test_non_finite_first_in_the_update():
    # Gradient 2 * 1e5 * 1e5 = 2e10 is finite; learning rate 1e300 times it is not.
    scn = scenario([1, 1], ["identity"], [[1e5]], [[0]], weights=[[[1]]], bias=False, learning_rate=1e300)
    hits, _ = run(scn, {}, updates=1)
    assert hits[1].phase == Phase("update")
    assert "weight W1[0,0] is -inf, in the update step of update 1" in hits[1].message


def test_no_non_finite_hit_on_a_healthy_run():
    hits, _ = run(load_scenario("iris"), {}, updates=40)
    assert hits == {}


# ------------------------------------------------------------------- loss up
def test_loss_up_fires_exactly_where_the_loss_rose():
    hits, session = run(load_scenario("iris"), {"loss_up": True}, updates=60)
    losses = session.loss_history
    expected = [u for u in range(2, 61) if losses[u - 1] > losses[u - 2]]
    assert expected and fired(hits, "loss_up") == expected == sorted(hits)
    first = hits[expected[0]]
    assert f"{losses[expected[0] - 2]:.6g} -> {losses[expected[0] - 1]:.6g}" in first.message
    assert_one_line(first)


def test_loss_up_silent_while_the_loss_falls():
    hits, session = run(load_scenario("linear"), {"loss_up": True})
    assert np.all(np.diff(session.loss_history) <= 0)
    assert hits == {}


# ------------------------------------------------------------ gradient norm
def gradient_norms(records) -> list[float]:
    return [math.sqrt(sum(x * x for x in flat(r["grad_weights"]) + flat(r["grad_biases"]))) for r in records]


def test_gradient_norm_fires_where_the_norm_exceeds_the_threshold():
    records = list(trace_records(TrainingSession(load_scenario("sine")), 80))[1:]
    norms = gradient_norms(records)
    threshold = float(np.median(norms))
    expected = [k + 1 for k, n in enumerate(norms) if n > threshold]
    hits, _ = run(load_scenario("sine"), {"gradient_norm": threshold}, updates=80)
    assert 0 < len(expected) < 80 and sorted(hits) == expected
    assert all(h.kind == "gradient_norm" for h in hits.values())
    assert f"> {threshold:.6g}" in hits[expected[0]].message


def test_gradient_norm_silent_below_the_threshold():
    records = list(trace_records(TrainingSession(load_scenario("sine")), 80))[1:]
    hits, _ = run(load_scenario("sine"), {"gradient_norm": max(gradient_norms(records)) * 1.001}, updates=80)
    assert hits == {}


# --------------------------------------------------------------------- flat
def expected_flat(losses, tolerance: float, K: int) -> list[int]:
    """The documented rule: the K+1 losses of updates u-K..u within tolerance,
    and at least K updates since the last time it fired."""
    out = []
    for u in range(K + 1, len(losses) + 1):
        window = losses[u - K - 1:u]
        if max(window) - min(window) < tolerance and (not out or u - out[-1] >= K):
            out.append(u)
    return out


def test_flat_fires_once_per_flat_stretch_of_k_updates():
    hits, session = run(load_scenario("linear"), {"flat_tolerance": 1e-6, "flat_updates": 5})
    expected = expected_flat(list(session.loss_history), 1e-6, 5)
    assert len(expected) >= 2 and sorted(hits) == expected
    # Independently: at the first hit the last 6 losses span < 1e-6, one update earlier they did not.
    u, L = expected[0], session.loss_history
    assert np.ptp(L[u - 6:u]) < 1e-6 <= np.ptp(L[u - 7:u - 1])
    assert "over the last 5 updates" in hits[u].message


def test_flat_needs_k_plus_one_losses_and_ignores_a_moving_loss():
    # Already a perfect fit (prediction 0 x 0.5 + 1 = target 1): the loss stays 0.
    # The first chance is update K+1, the next K updates later.
    scn = scenario([1, 1], ["identity"], [[0.0]], [[1.0]], weights=[[[0.5]]], biases=[[1.0]], epochs=30)
    hits, _ = run(scn, {"flat_tolerance": 1e-12, "flat_updates": 10})
    assert sorted(hits) == [11, 21]
    hits, _ = run(load_scenario("diverging"), {"flat_tolerance": 1e-6, "flat_updates": 5}, updates=150)
    assert hits == {}


# ----------------------------------------------------------- at update/epoch
def test_at_update_and_at_epoch():
    hits, _ = run(load_scenario("iris"), {"at_update": 7, "at_epoch": 2}, updates=40)
    assert sorted(hits) == [7, 20]  # iris: 10 batches per epoch
    assert hits[7].kind == "at_update" and hits[20].kind == "at_epoch"
    assert "end of epoch 2" in hits[20].message and "batch 10" in hits[20].message
    hits, _ = run(load_scenario("dead_relu"), {"at_epoch": 3})
    assert sorted(hits) == [6]  # dead_relu: 2 batches per epoch


# ---------------------------------------------------------------- dead relu
RELU_LIKE = {"relu": lambda z: np.maximum(z, 0.0), "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z)}


def never_positive_by_epoch(scn) -> dict[int, list[tuple[int, int]]]:
    """(layer, node) of the ReLU-like layers never positive over each epoch,
    from pre-activations recomputed here from the weights each batch used."""
    session = TrainingSession(scn)
    seen_by_epoch: dict[int, dict[int, np.ndarray]] = {}
    while not session.finished:
        session.finish_update()
        a = session.applied.view()
        values, seen = a.node_values[0], seen_by_epoch.setdefault(a.epoch, {})
        for l, name in enumerate(scn.activations, start=1):
            z = values @ a.weights[l] + (0 if a.biases[l] is None else a.biases[l])
            if name in RELU_LIKE:
                seen[l] = seen.get(l, np.zeros(z.shape[1], bool)) | (z > 0).any(axis=0)
                values = RELU_LIKE[name](z)
            else:
                values = a.node_values[l]  # not what is checked here
    return {epoch: [(l, int(j)) for l, s in seen.items() for j in np.flatnonzero(~s)]
            for epoch, seen in seen_by_epoch.items()}


def test_dead_relu_fires_at_each_epochs_last_update_naming_the_node():
    scn = load_scenario("dead_relu")
    dead = never_positive_by_epoch(scn)
    assert all(dead[e] == [(1, 1)] for e in dead)  # node 1 of layer 1, every epoch
    hits, _ = run(scn, {"dead_relu": True})
    assert sorted(hits) == [2 * e for e in sorted(dead)]
    hit = hits[6]
    assert hit.kind == "dead_relu" and "layer 1 node 1 never positive" in hit.message and "epoch 3" in hit.message
    assert_one_line(hit)


def test_dead_relu_counts_leaky_relu_and_lists_several_nodes():
    scn = scenario([1, 3, 1], ["leaky_relu", "identity"], [[1.0], [2.0]], [[1.0], [2.0]],
                   weights=[[[-1.0, 1.0, -2.0]], [[1.0], [1.0], [1.0]]], biases=[[0, 0, 0], [0]],
                   batch_size=1, epochs=2, learning_rate=0.001)
    assert never_positive_by_epoch(scn) == {1: [(1, 0), (1, 2)], 2: [(1, 0), (1, 2)]}
    hits, _ = run(scn, {"dead_relu": True})
    assert sorted(hits) == [2, 4] and "layer 1 nodes 0, 2 never positive" in hits[2].message


def test_dead_relu_silent_when_every_unit_fires_sometime():
    for name in ("seed", "xor"):  # seed: ReLU nodes always positive; xor: no ReLU at all
        assert all(not nodes for nodes in never_positive_by_epoch(load_scenario(name)).values())
        hits, _ = run(load_scenario(name), {"dead_relu": True})
        assert hits == {}


def test_dead_relu_waits_for_a_whole_epoch_after_a_reset():
    session = TrainingSession(load_scenario("dead_relu"))
    checker = checker_for(session, {"dead_relu": True})
    observed = []
    for update in range(1, 7):
        session.finish_update()
        if update == 1:
            checker.observe(update, session.applied.view(), session.loss_history)
            checker.reset()  # mid-epoch 1: epoch 1 no longer seen whole
            continue
        if update == 3:
            continue  # a jump: batch 1 of epoch 2 is never shown
        observed.append((update, checker.observe(update, session.applied.view(), session.loss_history)))
    assert [u for u, hit in observed if hit] == [6]


def test_dead_relu_waits_when_the_checker_starts_mid_epoch():
    session = TrainingSession(load_scenario("dead_relu"))
    checker = checker_for(session, {"dead_relu": True})
    session.finish_update()  # update 1 happened before the checker looked
    hits = []
    while session.updates_done < 6:
        session.finish_update()
        hits.append(checker.observe(session.updates_done, session.applied.view(), session.loss_history))
    assert [h.update for h in hits if h] == [4, 6]


# --------------------------------------------------------- priority, toggles
def test_several_on_one_update_the_most_important_first():
    hits, _ = run(load_scenario("diverging"), {"loss_up": True, "at_update": 183}, updates=183)
    assert hits[183].kind == "non_finite" and hits[183].also == ("loss_up", "at_update")
    assert hits[2].kind == "loss_up" and hits[2].also == ()


def test_set_turns_breakpoints_on_and_off():
    session = TrainingSession(load_scenario("iris"))
    original = {"at_update": 3}
    checker = checker_for(session, original)
    assert checker.describe()[0] == ("non_finite", "NaN/inf anywhere (always on)", True)
    assert [k for k, _, _ in checker.describe()[1:]] == list(BreakpointChecker.KINDS)
    checker.set("loss_up", True)
    checker.set("gradient_norm", 2.5)
    checker.set("flat", (1e-3, 5))
    checker.set("at_update", False)
    assert original == {"at_update": 3}  # the scenario's settings are not touched
    assert checker.settings == BreakpointSettings(loss_up=True, gradient_norm=2.5, flat_tolerance=1e-3, flat_updates=5)
    rows = {k: (label, on) for k, label, on in checker.describe()}
    assert rows["gradient_norm"] == ("gradient norm > 2.5", True)
    assert rows["flat"] == ("loss flat: changed < 0.001 over 5 updates", True)
    assert rows["at_update"][1] is False and rows["dead_relu"][1] is False
    checker.set("gradient_norm", None)
    checker.set("gradient_norm", True)  # back to its last setting
    assert checker.settings.gradient_norm == 2.5
    checker.set("at_update", True)  # remembered from the scenario
    assert checker.settings.at_update == 3
    checker.set("flat", 1e-4)
    assert checker.settings.flat_updates == 20
    fresh = checker_for(session, {})
    fresh.set("gradient_norm", True)
    assert fresh.settings == BreakpointSettings(gradient_norm=10.0)
    for kind, value in [("at_epoch", True), ("non_finite", False), ("bogus", True), ("gradient_norm", -1.0),
                        ("gradient_norm", float("nan")), ("loss_up", 3), ("at_update", 0), ("at_update", 2.5),
                        ("at_update", True), ("flat", (1e-3, 1)), ("flat", (0.0, 5))]:
        with pytest.raises(SettingError) as info:
            (fresh if kind != "at_update" else checker_for(session, {})).set(kind, value)
        assert "\n" not in str(info.value) and fresh.settings == BreakpointSettings(gradient_norm=10.0)


def test_toggling_changes_what_fires():
    session = TrainingSession(load_scenario("iris"))
    checker = checker_for(session, {})
    results = []
    for update in range(1, 31):
        if update == 11:
            checker.set("loss_up", True)
        if update == 21:
            checker.set("loss_up", False)
        session.finish_update()
        hit = checker.observe(update, session.applied.view(), session.loss_history)
        results.append(hit is not None)
    L = session.loss_history
    assert results == [11 <= u <= 20 and L[u - 1] > L[u - 2] for u in range(1, 31)]
    assert any(results[10:20])


def test_scenario_presets_and_state_activations(tmp_path):
    text = (ROOT / "scenarios" / "dead_relu.toml").read_text() + "\n[breakpoints]\nat_update = 3\ndead_relu = true\n"
    path = tmp_path / "preset.toml"
    path.write_text(text)
    scn = load_scenario(path)
    session = TrainingSession(scn)
    state = session.state
    checker = BreakpointChecker(scn.breakpoints, state.depth, state.activations, state.batches_per_epoch)
    hits = {}
    while session.updates_done < 4:
        session.finish_update()
        hit = checker.observe(session.updates_done, session.applied.view(), session.loss_history)
        if hit:
            hits[hit.update] = hit.kind
    assert hits == {2: "dead_relu", 3: "at_update", 4: "dead_relu"}


def test_one_set_of_rules_for_the_file_and_the_dialog():
    """The dialog's text and the file's values go through the same checks, with the same words."""
    from bp_tui.engine.breakpoint_settings import setting_from_text

    assert setting_from_text("gradient_norm", " 2.5 ") == 2.5
    assert setting_from_text("flat", "1e-3, 5") == (1e-3, 5)
    assert setting_from_text("flat", "1e-3") == 1e-3 and setting_from_text("at_epoch", "") is True
    for kind, text, says in [("gradient_norm", "-1", "gradient_norm: must be greater than 0, got -1"),
                             ("flat", "1e-3, 1", "flat_updates: must be at least 2, got 1"),
                             ("at_update", "0", "at_update: must be at least 1, got 0"),
                             ("at_update", "2.5", "at_update: not an integer: '2.5'"),
                             ("gradient_norm", "inf", "gradient_norm: must be a finite number"),
                             ("gradient_norm", "x" * 500, "gradient_norm: not a number: 'xxx"),
                             ("flat", "1, 2, 3", "flat: expected flat_tolerance and flat_updates")]:
        with pytest.raises(SettingError) as info:
            setting_from_text(kind, text)
        assert str(info.value).startswith(says) and len(str(info.value)) < 200
    # The file's error for the same value names the same rule.
    with pytest.raises(SettingError, match="must be greater than 0, got -1"):
        BreakpointSettings(gradient_norm=-1)
    settings = BreakpointSettings(flat_tolerance=1e-6, at_update=7)
    assert (settings.text("flat"), settings.text("at_update"), settings.text("gradient_norm")) == ("1e-06, 20", "7", "")


def test_settings_turn_on_and_off_as_values():
    s = BreakpointSettings()
    assert not any(s.enabled(k) for k in BreakpointChecker.KINDS) and s.enabled("non_finite")
    on = s.turned("loss_up", True).turned("flat", (1e-3, 4)).turned("at_epoch", 2)
    assert on == BreakpointSettings(loss_up=True, flat_tolerance=1e-3, flat_updates=4, at_epoch=2)
    assert on.turned("flat", False).enabled("flat") is False and s == BreakpointSettings()  # values, not edits
