"""Debugger power through the keys: time travel, go-to, breakpoints, gradient
checks, watches and export, driven as a person would."""

import json
import subprocess
import sys

import numpy as np
from ui_helpers import app_for, pane, seed_app

from bp_tui.ui.breakpoints_screen import BreakpointsScreen
from bp_tui.ui.export_screen import ExportScreen
from bp_tui.ui.goto_screen import GotoScreen, parse_target

SIZE = (120, 40)


async def test_back_and_redo_through_phases():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b")
        await pilot.press("z")
        assert app.session.last_phase.kind == "forward" and app.session.last_phase.layer == 2
        assert "▶0 7 4" in pane(app, "diagram")
        await pilot.press("left", "left")
        assert app.session.last_phase is None and "· 4" in pane(app, "diagram")
        assert app.check_action("back", ()) is None  # dimmed at the start
        await pilot.press("y", "right", "y")
        assert app.session.last_phase.kind == "backward"
        assert "#0 1 × 6 × 1 = 6" in pane(app, "breakdown")
        await pilot.press("y")
        assert "nothing to redo" in app.hint


async def test_goto_epoch_and_back_to_an_update():
    app = app_for("iris")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, GotoScreen)
        await pilot.press(*"e2", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        per_epoch = app.session.schedule.batches_per_epoch
        assert app.session.updates_done == 2 * per_epoch
        await pilot.press("g", *"5", "enter")
        await pilot.pause()
        assert app.session.updates_done == 5 and app.session.phases_done == 0
        assert "updates 5/" in pane(app, "counters")


def test_goto_parses_updates_and_epochs():
    assert parse_target("120") == ("update", 120)
    assert parse_target(" e3 ") == ("epoch", 3)
    assert parse_target("Epoch 4") == ("epoch", 4)
    assert parse_target("update 7") == ("update", 7)
    assert parse_target("three") is None and parse_target("-1") is None


async def test_diverging_continue_stops_at_the_first_nan_then_check_and_export(tmp_path):
    app = app_for("diverging")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "breakpoint" in app.hint and "NaN/inf" in app.hint  # the cause, on screen
        first_bad = app.debugger.last_hit.update
        assert app.session.updates_done == first_bad - 1
        assert "inf" in pane(app, "counters")
        # step back to the last finite update, and check the gradient of the weight that blew up
        await pilot.press("z")
        assert app.session.phases_done == 0 and np.isfinite(app.session.loss_history).all()
        await pilot.press("z")  # into update first_bad - 1, after its backward pass
        await pilot.press("v")
        breakdown = pane(app, "breakdown")
        assert "gradient check" in breakdown and "agrees" in breakdown
        # export the trace so far, all by keyboard
        target = tmp_path / "diverging.jsonl"
        await pilot.press("X")
        assert isinstance(app.screen, ExportScreen)
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(target)
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen) and "wrote" in app.hint
        done = app.session.updates_done
    cli = subprocess.run([sys.executable, "-m", "bp_tui", "trace", "diverging", "--updates", str(done)],
                         capture_output=True, text=True, check=True)
    assert target.read_text() == cli.stdout
    assert len(cli.stdout.splitlines()) == done + 1 and json.loads(cli.stdout.splitlines()[-1])["step"] == done


async def test_an_export_that_fails_says_why_and_keeps_the_old_file(tmp_path):
    app = seed_app()
    old = tmp_path / "old.jsonl"
    old.write_text("precious\n")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "X")
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(tmp_path / "missing" / "folder" / "x.jsonl")
        path_input.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ExportScreen)  # still open, saying why
        assert "no such folder" in pane(app.screen, "export-error")
        await pilot.press("escape")
        assert app.session.updates_done == 1  # nothing lost
    assert old.read_text() == "precious\n"


async def test_save_and_load_weights(tmp_path):
    app = seed_app()
    saved = tmp_path / "w.npz"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "X")
        choices = app.screen.query_one("#choices")
        choices.highlighted = 2  # save weights
        await pilot.pause()
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(saved)
        path_input.focus()
        await pilot.press("enter")
        after_two = [w.copy() for w in app.session.W[1:]]
        await pilot.press("r")
        await pilot.press("X")
        app.screen.query_one("#choices").highlighted = 3  # load weights
        await pilot.pause()
        path_input = app.screen.query_one("#export-path")
        path_input.value = str(saved)
        path_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.updates_done == 0 and "loaded weights" in app.hint
        for loaded, expected in zip(app.session.W[1:], after_two):
            assert np.array_equal(loaded, expected)


async def test_breakpoint_dialog_turns_loss_up_on_and_continue_stops_there():
    app = app_for("sine")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")
        assert isinstance(app.screen, BreakpointsScreen)
        app.screen.query_one("#on-loss_up").value = True
        await pilot.click("#apply")
        await pilot.pause()
        assert app.debugger.breakpoints.enabled("loss_up")
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        losses = app.session.loss_history
        assert app.debugger.last_hit.kind == "loss_up" and losses[-1] > losses[-2]
        assert (np.diff(losses[:-1]) <= 0).all()  # it stopped at the first rise
        assert "loss went up" in app.hint


async def test_a_bad_breakpoint_setting_is_refused_in_the_dialog():
    app = app_for("sine")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")
        app.screen.query_one("#on-gradient_norm").value = True
        app.screen.query_one("#set-gradient_norm").value = "-3"
        await pilot.click("#apply")
        assert isinstance(app.screen, BreakpointsScreen)
        assert "greater than 0" in pane(app.screen, "breakpoints-error")


async def test_watch_a_weight_and_check_every_gradient():
    app = app_for("xor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        assert app.query_one("#watches").display
        await pilot.press("enter", "enter", "enter")
        watches = pane(app, "watches")
        assert "W2[0,0]" in watches
        await pilot.press("f", "f", "V")
        assert "worst" in app.hint and "relative error" in app.hint
        assert "gradient check" in pane(app, "breakdown")
