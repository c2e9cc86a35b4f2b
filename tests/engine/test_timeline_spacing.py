"""Where the timeline keeps its checkpoints decides how long a jump takes.

A jump replays from the nearest checkpoint before its target, so the replay
distance (updates) is what these tests measure: short near the current update,
short again near the target of a far jump, bounded far away; and the memory
budget is the user's to set.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from bp_tui.engine import TrainingSession
from bp_tui.engine.timeline import DEFAULT_BUDGET, FAR, MIN_SPACING, Timeline, history_budget
from tests.engine.helpers import ROOT, scenario


def long_run(updates=3000, checkpoints=80) -> Timeline:
    rng = np.random.default_rng(2)
    sc = scenario([3, 5, 2], ["tanh", "identity"], rng.normal(size=(8, 3)).round(3).tolist(),
                  rng.normal(size=(8, 2)).round(3).tolist(), seed=1, batch_size=1, epochs=updates // 8 + 1,
                  shuffle=True, learning_rate=0.01)
    session = TrainingSession(sc)
    timeline = Timeline(session, budget=(checkpoints + 8) * session.checkpoint_bytes)
    timeline.run_updates(updates)
    return timeline


def replay_distance(timeline: Timeline, update: int) -> int:
    """Updates a jump to ``update`` would replay."""
    return update - timeline._nearest(update).updates_done


def test_near_the_frontier_a_jump_replays_little_and_far_away_at_most_about_twice_even():
    timeline = long_run()
    frontier = timeline.session.updates_done
    even = frontier / timeline.max_sparse
    assert all(replay_distance(timeline, frontier - back) <= MIN_SPACING for back in (9, 20, 40))
    far = [replay_distance(timeline, u) for u in range(0, frontier - 500)]
    assert max(far) <= FAR * even * 1.5


def test_after_a_far_jump_the_checkpoints_follow_the_user():
    timeline = long_run()
    target = 1000
    before = [replay_distance(timeline, target - back) for back in (9, 17, 33, 65)]
    timeline.goto_update(target)
    after = [replay_distance(timeline, target - back) for back in (9, 17, 33, 65)]
    assert max(after) <= 2 * timeline.spacing  # the replay left checkpoints at doubling distances
    assert sum(after) <= sum(before)
    assert len(timeline._sparse) <= timeline.max_sparse


def test_a_large_network_keeps_checkpoints_closer():
    """Replaying an update of a big network costs more: fewer updates between checkpoints."""
    big = scenario([784, 128, 10], ["relu", "softmax"], np.zeros((64, 784)).tolist(),
                   np.eye(10)[np.arange(64) % 10].tolist(), loss="cross_entropy", batch_size=64)
    assert Timeline(TrainingSession(big)).spacing < MIN_SPACING
    small = long_run(updates=10)
    assert small.spacing == MIN_SPACING


def test_the_budget_is_the_users(monkeypatch):
    monkeypatch.setenv("BP_TUI_HISTORY_MB", "512")
    assert history_budget() == 512 * 1024**2
    for bad in ("", "lots", "-3", "0", "nan"):
        monkeypatch.setenv("BP_TUI_HISTORY_MB", bad)
        assert history_budget() == DEFAULT_BUDGET
    monkeypatch.setenv("BP_TUI_HISTORY_MB", "1")
    session = long_run(updates=10).session
    assert Timeline(session).budget == 1024**2


@pytest.mark.parametrize("value", ["x", "0", "-5", "2e9"])
def test_a_bad_history_budget_is_a_user_error(value):
    result = subprocess.run([sys.executable, "-m", "bp_tui", "--history-mb", value, "seed"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("bp-tui: argument --history-mb: ") and "Traceback" not in result.stderr
