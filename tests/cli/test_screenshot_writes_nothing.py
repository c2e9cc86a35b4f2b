"""``bp-tui screenshot`` leaves the SVG and nothing else: keys that export (X, m) write no file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_export_keys_in_a_screenshot_leave_no_file_behind(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "bp_tui", "screenshot", "seed", "--keys", "X enter enter f f b b u m", "-o", "s.svg"],
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["s.svg"]  # no seed-trace.jsonl, no seed-update-1.md
    svg = (tmp_path / "s.svg").read_text()
    assert "a screenshot writes no files: seed-update-1.md not written" in svg.replace("&#160;", " ")  # m said so
