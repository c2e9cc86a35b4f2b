"""The app observes (issue 8 §5) and long work leaves it responsive (issue 7 §4).

One published snapshot reaches every pane; the run controller's pace hook
slows a run; hints name the keys of the key table; the breakdown never says
"(after u)" for an update already applied; ``X`` and ``V`` run as jobs.
"""

from __future__ import annotations

import json
import time

import pytest
from ui_helpers import app_for, long_app, pane, seed_app

from bp_tui.engine import load_scenario
from bp_tui.ui import hints, keys
from bp_tui.ui.files import export
from bp_tui.ui.jobs import Cancelled, JobScreen, Progress

SIZE = (120, 40)


async def test_every_pane_shows_the_one_published_snapshot():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f")
        published = app.main.snapshot
        assert published.state.last_phase.layer == 2
        for name in ("counters", "picture", "diagram-box", "breakdown", "chart", "watches"):
            assert app.main.query_one(f"#{name}").snapshot is published, name
        # the picture row paints the drawing (or the matrices) and the learned pane from it
        assert app.main.query_one("#drawing").state is published.state
        assert app.main.query_one("#learned").state is published.state


async def test_after_the_last_update_the_breakdown_says_applied():
    app = seed_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b")
        assert "(after u)" in pane(app, "breakdown")  # the update is still to come
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.finished
        text = pane(app, "breakdown")
        assert "(applied)" in text and "(after" not in text


async def test_pace_slows_a_run_and_a_key_still_pauses_it_at_once():
    app = long_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("less_than_sign")  # one update per beat: the controller's pace
        beat = app.controller.pace
        assert beat and "pace: one update per beat" in app.hint
        start = time.monotonic()
        await pilot.press("c")
        await pilot.pause(0.5)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        elapsed = time.monotonic() - start
        assert 1 <= app.session.updates_done <= elapsed / beat + 1  # unpaced: thousands by now
        assert not app.controller.running and "paused after" in app.hint


def test_hints_name_the_keys_of_the_key_table(monkeypatch):
    table = [keys.Key("j", k.action, k.label, k.help) if k.action == "forward" else k for k in keys.KEYS]
    monkeypatch.setattr(keys, "KEYS", table)
    assert hints.started().startswith("press j for the forward pass")
    state = load_scenario("seed")
    from bp_tui.engine import TrainingSession

    assert "press j for the forward pass" in hints.after_step(TrainingSession(state).state)


async def test_export_runs_as_a_job_and_reports(tmp_path):
    app = app_for("iris")
    target = tmp_path / "iris.jsonl"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e", "e")
        await pilot.press("X", "tab")
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "wrote 21 lines of trace" in app.hint and len(app.screen_stack) == 1
    lines = target.read_text().splitlines()
    assert len(lines) == 21 and json.loads(lines[-1])["step"] == 20


def test_a_cancelled_export_writes_nothing(tmp_path):
    scenario = load_scenario("iris")
    progress = Progress()
    seen = []

    def stop_at_five(done: int, total: int | None = None) -> None:
        seen.append(done)
        if done == 5:
            progress.cancel.set()
        progress(done, total)

    target = tmp_path / "iris.csv"
    with pytest.raises(Cancelled):
        export("csv", str(target), scenario, 50, [], [], stop_at_five)
    assert seen == [0, 1, 2, 3, 4, 5]  # after the header, then after each row
    assert not target.exists() and list(tmp_path.iterdir()) == []  # nor a temporary file


async def test_check_all_gradients_runs_as_a_job():
    app = app_for("xor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f", "b", "b")
        await pilot.press("V")
        assert isinstance(app.screen, JobScreen) or "checked all" in app.hint
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.screen_stack) == 1 and "checked all" in app.hint
        assert "gradient check" in pane(app, "breakdown")  # of the worst one, now selected
        assert not app.busy

