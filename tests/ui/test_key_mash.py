"""A short seeded key-mash of the real app under tmux, on every bundled
scenario and a 784-128-10 one: no crash, and the app still answers.

The long run is ``benchmarks/key_mash.py`` (thousands of keys per
scenario); this slice keeps the suite honest in about half a minute.  Skipped
when tmux is missing, except in CI (``CI=true``), where it must run.
"""

from __future__ import annotations

import os

import pytest
from key_mash import Mash, tmux_available, wide784

from bp_tui.engine.scenario import bundled_names

pytestmark = pytest.mark.skipif(not tmux_available() and os.environ.get("CI") != "true",
                                reason="tmux is not installed")

KEYS_PER_SCENARIO = 50


@pytest.mark.parametrize("name", [*bundled_names(), "wide784"])
def test_key_mash_finds_no_crash(name, tmp_path):
    scenario = str(wide784(tmp_path)) if name == "wide784" else name
    mash = Mash(scenario, tmp_path, seed=sum(map(ord, name)))
    try:
        report = mash.run(KEYS_PER_SCENARIO, check_every=KEYS_PER_SCENARIO)
    finally:
        mash.close()
    assert report.keys == KEYS_PER_SCENARIO
    assert not report.crashes, report.crashes[0]
    assert not report.unanswered, f"the app stopped answering:\n{report.unanswered[0]}"
