"""SVG snapshots of each pane state (pytest-textual-snapshot).

Regenerate after an intended change with ``pytest tests/ui/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from pathlib import Path

from ui_helpers import app_for, seed_app

from bp_tui.engine import load_scenario
from bp_tui.ui.app import create_app

ROOT = Path(__file__).resolve().parents[2]
WIDE = (120, 40)


async def _finish_runs(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_seed_at_start_everything_pending(snap_compare):
    assert snap_compare(seed_app(), terminal_size=WIDE)


def test_seed_after_the_forward_pass(snap_compare):
    assert snap_compare(seed_app(), press=["f", "f"], terminal_size=WIDE)


def test_seed_after_the_backward_pass_with_the_breakdown(snap_compare):
    assert snap_compare(seed_app(), press=["f", "f", "b", "b"], terminal_size=WIDE)


def test_seed_after_the_update(snap_compare):
    assert snap_compare(seed_app(), press=["f", "f", "b", "b", "u"], terminal_size=WIDE)


def test_hidden_loss_slope_assembly_and_full_precision(snap_compare):
    keys = ["f", "f", "b", "b", "[", "down", "shift+right", "x", "p"]
    assert snap_compare(seed_app(), press=keys, terminal_size=WIDE)


def test_iris_mid_training_with_the_loss_chart(snap_compare):
    assert snap_compare(app_for("iris"), press=["e"] * 8 + ["f", "f", "b"], terminal_size=WIDE)


def test_a_784_128_10_network_collapses_legibly(snap_compare):
    app = create_app(load_scenario(ROOT / "screenshots" / "wide784.toml"))
    assert snap_compare(app, press=["f", "f", "b", "b"], terminal_size=WIDE)


def test_narrow_80x24(snap_compare):
    assert snap_compare(seed_app(), press=["f", "f", "b", "b"], terminal_size=(80, 24))


def test_too_small_asks_to_enlarge(snap_compare):
    assert snap_compare(seed_app(), terminal_size=(50, 15))


def test_help_screen(snap_compare):
    assert snap_compare(seed_app(), press=["question_mark"], terminal_size=WIDE)


def test_diverging_stops_at_the_first_nan(snap_compare):
    async def run(pilot):
        await pilot.press("c")
        await _finish_runs(pilot)

    assert snap_compare(app_for("diverging"), run_before=run, terminal_size=WIDE)


def test_watches_and_a_gradient_check(snap_compare):
    keys = ["w", "W", "enter", "enter", "enter", "f", "f", "b", "b", "v"]
    assert snap_compare(app_for("xor"), press=keys, terminal_size=WIDE)


def test_breakpoints_dialog(snap_compare):
    assert snap_compare(app_for("sine"), press=["B"], terminal_size=WIDE)
