"""The README's screenshots are what the app shows now: each is rendered again
from screenshots/shots.toml and compared with the committed SVG.

When one is stale (the app changed), run ``python screenshots/update.py``,
look at the new pictures, and commit them.
"""

import asyncio
import importlib.util
from pathlib import Path

import pytest

from bp_tui.engine import load_scenario
from bp_tui.ui.screenshot import render_svg

SHOTS_DIR = Path(__file__).resolve().parents[2] / "screenshots"
spec = importlib.util.spec_from_file_location("shots", SHOTS_DIR / "update.py")
shots = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shots)


@pytest.mark.parametrize("shot", shots.shots(), ids=lambda shot: shot["name"])
def test_committed_screenshot_is_current(shot):
    committed = SHOTS_DIR / f"{shot['name']}.svg"
    assert committed.exists(), f"missing {committed.name}: run python screenshots/update.py"
    fresh = asyncio.run(render_svg(load_scenario(shots.scenario_path(shot)), shot["keys"].split(), shots.SIZE))
    assert fresh == committed.read_text(encoding="utf-8"), (
        f"screenshots/{committed.name} is stale: run python screenshots/update.py and look at it")


def test_the_cli_writes_the_same_svg(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "seed.svg"
    subprocess.run([sys.executable, "-m", "bp_tui", "screenshot", "seed", "--keys", "f f b b",
                    "--size", "120x40", "-o", str(out)], check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == (SHOTS_DIR / "seed-backward.svg").read_text(encoding="utf-8")
