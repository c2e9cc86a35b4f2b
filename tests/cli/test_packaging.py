"""A regular (non-editable) install carries the bundled scenarios and the
stylesheet, so `bp-tui xor` works from any directory."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_the_scenarios_and_runs_from_anywhere(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(tmp_path.glob("bp_tui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for scenario in (ROOT / "scenarios").glob("*.toml"):
        assert f"bp_tui/scenarios/{scenario.name}" in names
    assert "bp_tui/scenarios/data/iris.csv" in names and "bp_tui/ui/app.tcss" in names
    # The version is written once, in bp_tui/__init__.py; the wheel's metadata reads it from there.
    init = (ROOT / "bp_tui" / "__init__.py").read_text()
    version = re.search(r'^__version__ = "([^"]+)"$', init, re.M).group(1)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    assert f"\nVersion: {version}\n" in zipfile.ZipFile(wheel).read(metadata).decode()
    assert wheel.name.startswith(f"bp_tui-{version}-")
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-m", "bp_tui", "check", "xor", "iris"], cwd=elsewhere, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    where = subprocess.run([sys.executable, "-c", "import bp_tui; print(bp_tui.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(site))  # the installed copy, not the checkout
