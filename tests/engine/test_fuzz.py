"""Fuzzing scenario files and CSVs: a fast seeded slice here, a long run marked slow.

Every mutated file (see ``fuzzing.py``) must load as a valid scenario that
trains, or be refused with a ``ScenarioError`` of one clean line; never
another exception, never a hang.  A sample also goes through the real
command: exit 0 or 2, one line on stderr, no traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from tests.engine.fuzzing import ROOT, make_case, run_case


def fuzz(tmp_path, seed: int, cases: int) -> Counter:
    rng = np.random.default_rng(seed)
    counts: Counter = Counter()
    findings = []
    for k in range(cases):
        case = make_case(rng)
        folder = tmp_path / f"case{k}"
        folder.mkdir()
        outcome = run_case(case, folder)
        counts[outcome.kind] += 1
        if outcome.kind not in ("valid", "error"):
            findings.append((k, case.source, case.mutations, outcome.kind, outcome.detail))
    assert findings == []
    return counts


def test_fast_seeded_slice(tmp_path):
    counts = fuzz(tmp_path, seed=20261127, cases=300)
    assert counts["valid"] + counts["error"] == 300
    assert counts["valid"] >= 10 and counts["error"] >= 100  # the fuzzer reaches both outcomes


@pytest.mark.slow
def test_long_run(tmp_path):
    counts = fuzz(tmp_path, seed=7, cases=3000)
    assert counts["valid"] + counts["error"] == 3000


def test_the_command_on_a_sample_of_mutated_files(tmp_path):
    rng = np.random.default_rng(11)
    codes = Counter()
    for k in range(8):
        case = make_case(rng)
        folder = tmp_path / f"case{k}"
        folder.mkdir()
        outcome = run_case(case, folder)
        command = ["check"] if k % 2 else ["trace", "--updates", "1"]
        result = subprocess.run([sys.executable, "-m", "bp_tui", *command, str(folder / "fuzz.toml")], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert result.returncode == (0 if outcome.kind == "valid" else 2), (case.mutations, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == (0 if outcome.kind == "valid" else 1)
        codes[result.returncode] += 1
    assert codes[2] >= 2
