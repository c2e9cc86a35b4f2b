"""BLAS threads are chosen for the network (bp_tui/engine/threads.py), not inherited from the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bp_tui.engine.threads import SMALL_PRODUCT, chosen_threads, largest_product
from tests.engine.helpers import ROOT

WIDE = ROOT / "screenshots" / "wide784.toml"


def test_the_largest_product_of_an_update():
    assert largest_product((784, 128, 10), 64) == 64 * 784 * 128
    assert largest_product((2, 2, 1), 1) == 4


def test_small_networks_are_left_alone_and_large_ones_get_one_thread(monkeypatch):
    monkeypatch.delenv("BP_TUI_BLAS_THREADS", raising=False)
    assert chosen_threads((2, 4, 1), 4) is None  # OpenBLAS runs these on one thread anyway
    assert largest_product((16, 16, 16), 8) < SMALL_PRODUCT
    assert chosen_threads((784, 128, 10), 16) == 1
    monkeypatch.setenv("BP_TUI_BLAS_THREADS", "3")
    assert chosen_threads((2, 4, 1), 4) == 3
    for ignored in ("0", "-1", "many", ""):
        monkeypatch.setenv("BP_TUI_BLAS_THREADS", ignored)
        assert chosen_threads((784, 128, 10), 16) == 1


PROBE = """
import io, json, contextlib, sys
from threadpoolctl import threadpool_info
from bp_tui.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["trace", sys.argv[1], "--updates", "1"]) == 0
print(json.dumps([i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]))
"""


@pytest.mark.parametrize("env, expected", [({}, 1), ({"BP_TUI_BLAS_THREADS": "2"}, 2)])
def test_the_trace_command_sets_the_count(env, expected):
    """Whatever OPENBLAS_NUM_THREADS the machine starts with (here 2), the trace runs on the chosen count."""
    run_env = {k: v for k, v in os.environ.items() if k != "BP_TUI_BLAS_THREADS"}
    run_env.update({"OPENBLAS_NUM_THREADS": "2", **env})
    result = subprocess.run([sys.executable, "-c", PROBE, str(WIDE)], cwd=ROOT, env=run_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    threads = json.loads(result.stdout.strip().splitlines()[-1])
    assert threads and set(threads) == {expected}
