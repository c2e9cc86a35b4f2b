"""Render every screenshot listed in shots.toml again (120x40 SVG)."""

import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bp_tui.engine import load_scenario  # noqa: E402
from bp_tui.ui.screenshot import save_screenshot  # noqa: E402

SIZE = (120, 40)


def shots() -> list[dict]:
    return tomllib.loads((HERE / "shots.toml").read_text())["shot"]


def scenario_path(shot: dict) -> str:
    name = shot["scenario"]
    return str(HERE.parent / name) if name.endswith(".toml") else name


if __name__ == "__main__":
    for shot in shots():
        save_screenshot(load_scenario(scenario_path(shot)), shot["keys"].split(), SIZE,
                        str(HERE / f"{shot['name']}.svg"))
        print(f"screenshots/{shot['name']}.svg")
