"""Checkpoints on disk: jumps through them land on the same bits, within the disk budget.

A long run of a big network keeps checkpoints on disk as well as in memory
(engine/checkpoint_store.py).  The states after jumps that start from a file
must be the very bytes the run had on the way forward, optimizer state
included, and the same bytes as a fresh session trained straight to the same
update (no timeline at all).  The network here is tiny; the timeline's work
constants are lowered so that it behaves as a large one does: a checkpoint
in memory every update, one on disk every 2.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import numpy as np
import pytest

from bp_tui.engine import TrainingSession, scenario_from_dict
from bp_tui.engine import timeline as timeline_module
from bp_tui.engine.checkpoint_store import PREFIX, DiskCheckpoints
from bp_tui.engine.timeline import DEFAULT_DISK_BUDGET, Timeline, disk_budget, replay_work
from tests.engine.helpers import ROOT, assert_same_snapshot
from tests.engine.test_time_travel_optimizers import full_snapshot


@pytest.fixture(autouse=True)
def history_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BP_TUI_HISTORY_DIR", str(tmp_path))
    return tmp_path


def scenario(optimizer: dict, epochs: int = 12, batch_size: int = 3, samples: int = 10):
    rng = np.random.default_rng(11)
    return scenario_from_dict({
        "title": "disk",
        "network": {"layers": [3, 4, 2], "activations": ["tanh", "identity"], "seed": 5, "init": "xavier"},
        "data": {"inputs": rng.normal(size=(samples, 3)).round(3).tolist(),
                 "targets": rng.normal(size=(samples, 2)).round(3).tolist()},
        "training": {"loss": "mse", "learning_rate": 0.05, "batch_size": batch_size, "epochs": epochs,
                     "shuffle": True} | optimizer,
    })


def big_network_timeline(monkeypatch, sc, files: int = 1000) -> Timeline:
    """A timeline whose work constants make this tiny network count as a large one: spacing 1 in
    memory, 2 on disk; a memory budget of the minimum 8 checkpoints, room for ``files`` on disk."""
    session = TrainingSession(sc)
    work = replay_work(session)
    monkeypatch.setattr(timeline_module, "SPACING_WORK", work)
    monkeypatch.setattr(timeline_module, "DISK_WORK", 2 * work)
    timeline = Timeline(session, budget=1, disk=files * session.checkpoint_bytes)
    assert timeline.spacing == 1 and timeline.disk_spacing == 2 and timeline.disk is not None
    return timeline


OPTIMIZERS = [
    {},
    {"optimizer": "momentum", "momentum": 0.9},
    {"optimizer": "adam", "weight_decay": 0.01},
    {"optimizer": "adamw", "weight_decay": 0.1, "freeze": ["b2"]},
]


@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: o.get("optimizer", "sgd"))
def test_jumps_from_disk_checkpoints_are_bit_identical(monkeypatch, optimizer):
    sc = scenario(optimizer)
    timeline = big_network_timeline(monkeypatch, sc)
    per, total = timeline.per_update, timeline.session.schedule.total_updates  # 48 updates
    forward = {0: full_snapshot(timeline.session)}
    for u in range(1, total + 1):
        timeline.finish_update()
        forward[u] = full_snapshot(timeline.session)
    assert timeline.disk is not None and timeline.disk.keys == list(range(2, total + 1, 2))
    assert len(timeline._sparse) <= timeline.max_sparse < total // 2  # memory alone holds few
    read = []
    disk_get = timeline.disk.get
    monkeypatch.setattr(timeline.disk, "get", lambda u: read.append(u) or disk_get(u))
    rng = np.random.default_rng(3)
    for update in rng.integers(1, total, size=25).tolist() + [1, 2, 3, total - 1]:
        timeline.goto_update(update)
        assert_same_snapshot(full_snapshot(timeline.session), forward[update])
        timeline.goto(update * per - 2)  # mid-update, one phase before the backward of layer 1
        timeline.goto(update * per)
        assert_same_snapshot(full_snapshot(timeline.session), forward[update])
    assert len(read) >= 10  # the jumps did start from files
    assert not any(a.flags.writeable for a in disk_get(2).arrays())  # nobody can write into a checkpoint


@pytest.mark.parametrize("optimizer", OPTIMIZERS[1:3], ids=lambda o: o["optimizer"])
def test_a_disk_restored_run_equals_a_fresh_run_trained_straight(monkeypatch, optimizer):
    """Independent of the timeline: a session trained to update 31 with no checkpoints at all."""
    sc = scenario(optimizer)
    timeline = big_network_timeline(monkeypatch, sc)
    timeline.run_updates(40)
    timeline.goto_update(31)  # from the file of update 30
    straight = TrainingSession(sc)
    straight.run_updates(31)
    assert_same_snapshot(full_snapshot(timeline.session), full_snapshot(straight))
    assert timeline.session.optimizer.state == straight.optimizer.state


def test_the_disk_budget_holds_and_the_gaps_stay_even(monkeypatch):
    """Room for 40 files over 1,500 updates: never more, and far jumps stay bounded by
    gaps within 1.7x the even spacing (updates / files)."""
    sc = scenario({}, epochs=1500, batch_size=10)  # one update per epoch
    timeline = big_network_timeline(monkeypatch, sc, files=40)
    store = timeline.disk
    assert store is not None
    for mark in (100, 500, 1500):
        timeline.run_updates(mark - timeline.session.updates_done)
        files = len(os.listdir(store._dir))
        assert len(store.keys) == files == 40 and store.nbytes <= store.budget
        gaps = np.diff([0] + store.keys)
        assert gaps.max() <= 1.7 * mark / 40
        far = [u - timeline._nearest_update(u) for u in range(mark)]
        assert max(far) <= gaps.max()


def test_store_round_trip_and_cleanup(history_dir):
    session = TrainingSession(scenario({"optimizer": "adam"}))
    session.run_updates(6)
    checkpoint = session.checkpoint()
    store = DiskCheckpoints(budget=10**6, spacing=3)
    assert store.due(6) and not store.due(5)
    store.put(checkpoint)
    back = store.get(6)
    assert back.updates_done == 6 and back.optimizer == checkpoint.optimizer
    for mine, theirs in zip(back.arrays(), checkpoint.arrays(), strict=True):
        assert mine.tobytes() == theirs.tobytes() and mine.shape == theirs.shape
    assert [a is None for a in back.W] == [a is None for a in checkpoint.W]
    assert not store.due(3)  # the past is not written again
    directory = store._dir
    assert directory is not None and directory.parent == history_dir and len(os.listdir(directory)) == 1
    store.clear()
    assert os.listdir(directory) == []
    del store
    gc.collect()
    assert not directory.exists()  # collected: its directory went with it


def test_directories_of_dead_processes_are_removed(history_dir):
    dead, alive = history_dir / f"{PREFIX}999999999-x", history_dir / f"{PREFIX}{os.getppid()}-y"
    dead.mkdir()
    alive.mkdir()
    store = DiskCheckpoints(budget=10**6, spacing=1)
    session = TrainingSession(scenario({}))
    session.run_updates(1)
    store.put(session.checkpoint())
    assert not dead.exists() and alive.exists()
    store.close()
    assert sorted(p.name for p in history_dir.iterdir()) == [alive.name]


def test_no_disk_for_a_small_network_or_when_turned_off(monkeypatch):
    assert Timeline(TrainingSession(scenario({}, epochs=500))).disk is None  # replaying it all is quick
    monkeypatch.setenv("BP_TUI_HISTORY_DISK_MB", "0")
    assert disk_budget() == 0
    sc = scenario({})
    session = TrainingSession(sc)
    work = replay_work(session)
    monkeypatch.setattr(timeline_module, "SPACING_WORK", work)
    monkeypatch.setattr(timeline_module, "DISK_WORK", 2 * work)
    assert Timeline(session, budget=1).disk is None
    for bad in ("", "lots", "-3", "nan"):
        monkeypatch.setenv("BP_TUI_HISTORY_DISK_MB", bad)
        assert disk_budget() == DEFAULT_DISK_BUDGET
    monkeypatch.setenv("BP_TUI_HISTORY_DISK_MB", "100")
    assert disk_budget() == 100 * 1024**2


def test_reset_and_close_remove_the_files(monkeypatch):
    timeline = big_network_timeline(monkeypatch, scenario({"optimizer": "adam"}))
    timeline.run_updates(20)
    store = timeline.disk
    assert store is not None and store._dir is not None and len(os.listdir(store._dir)) == 10
    timeline.reset()
    assert os.listdir(store._dir) == [] and timeline.session.updates_done == 0
    timeline.run_updates(4)
    assert store.keys == [2, 4]
    directory = store._dir
    timeline.close()
    assert not directory.exists()


@pytest.mark.parametrize("value", ["x", "-1", "0.5", "2e9"])
def test_a_bad_disk_budget_is_a_user_error(value):
    result = subprocess.run([sys.executable, "-m", "bp_tui", "--history-disk-mb", value, "seed"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("bp-tui: argument --history-disk-mb: ") and "Traceback" not in result.stderr
