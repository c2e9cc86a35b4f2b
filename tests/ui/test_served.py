"""A served app's exports are downloads made in memory, never files on the server."""

from __future__ import annotations

import io
import json

import numpy as np

from bp_tui.engine import TrainingSession, load_scenario
from bp_tui.engine.export import write_csv
from bp_tui.ui.explain_export import deliver_explanation
from bp_tui.ui.served import NO_LOAD, deliver_export


class Browser:
    """Stands in for a served app: records what it would send to the browser."""

    is_web = True

    def __init__(self):
        self.sent: dict[str, tuple[bytes, str]] = {}
        self.clipboard = ""

    def deliver_text(self, handle, *, save_filename, mime_type):
        self.sent[save_filename] = (handle.read().encode(), mime_type)

    def deliver_binary(self, handle, *, save_filename, mime_type):
        self.sent[save_filename] = (handle.read(), mime_type)

    def copy_to_clipboard(self, text):
        self.clipboard = text


def test_exports_are_downloads_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed = load_scenario("seed")
    session = TrainingSession(seed)
    session.run_updates(2)
    app = Browser()
    assert deliver_export(app, "trace", seed, 2, session.W, session.b) == "updates 0..2: seed-trace.jsonl downloaded"
    deliver_export(app, "csv", seed, 2, session.W, session.b)
    deliver_export(app, "save", seed, 2, session.W, session.b)
    assert deliver_export(app, "load", seed, 2, session.W, session.b) == NO_LOAD
    assert list(tmp_path.iterdir()) == []  # nothing on the server's disk
    trace = app.sent["seed-trace.jsonl"][0].decode().splitlines()
    assert [json.loads(line)["step"] for line in trace] == [0, 1, 2]
    assert json.loads(trace[1])["weights"] == [[[1.0, 2.0], [0.94, 2.88]], [[0.94], [1.82]]]
    write_csv(tmp_path / "local.csv", seed, 2)  # the terminal app's file: the download is the same bytes
    assert app.sent["seed-updates.csv"][0] == (tmp_path / "local.csv").read_bytes()
    with np.load(io.BytesIO(app.sent["seed-weights.npz"][0]), allow_pickle=False) as npz:
        assert npz["W2"].tolist() == session.W[2].tolist() and set(npz.files) == {"W1", "W2"}


def test_the_worked_example_is_a_download_and_on_the_clipboard(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed = load_scenario("seed")
    session = TrainingSession(seed)
    session.run_updates(1)
    app = Browser()
    report = deliver_explanation(app, seed, session.state)
    assert report == "update 1 worked through: seed-update-1.md downloaded, and copied to the clipboard"
    text = app.sent["seed-update-1.md"][0].decode()
    assert "$2 - 0.01 \\times 18 = 1.82$" in text and app.clipboard == text
    assert list(tmp_path.iterdir()) == []


def test_in_a_terminal_the_worked_example_is_a_file(tmp_path):
    seed = load_scenario("seed")
    session = TrainingSession(seed)
    app = Browser()
    app.is_web = False
    report = deliver_explanation(app, seed, session.state, folder=tmp_path)  # before any update: update 1
    assert report == f"update 1 worked through: written to {tmp_path / 'seed-update-1.md'}, and copied to the clipboard"
    assert "$3^2 = 9$" in (tmp_path / "seed-update-1.md").read_text() and app.sent == {}


async def test_a_served_app_opens_bundled_scenarios_only_and_exports_downloads(tmp_path, monkeypatch):
    from bp_tui.ui.app import BpTuiApp, create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(BpTuiApp, "is_web", property(lambda self: True))
    app = create_app(load_scenario("seed"))
    sent = {}
    app.deliver_text = lambda handle, **kw: sent.setdefault(kw["save_filename"], handle.read())
    app.deliver_binary = lambda handle, **kw: sent.setdefault(kw["save_filename"], handle.read())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "f", "b", "b", "u", "o")
        await pilot.pause()
        assert not app.screen.query("#path")  # no path field: the server's files are not the student's
        assert app.screen.query("#bundled")
        await pilot.press("escape")
        for downs, said in (((), "updates 0..1: seed-trace.jsonl downloaded"),
                            (("down", "down"), "the weights after update 1: seed-weights.npz downloaded")):
            await pilot.press("X", *downs, "tab", "enter")  # the X dialog: choice, then the path field
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.hint == said
        await pilot.press("X", "down", "down", "down", "tab", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.hint == NO_LOAD
        await pilot.press("m")
        await pilot.pause()
    assert sorted(sent) == ["seed-trace.jsonl", "seed-update-1.md", "seed-weights.npz"]
    assert list(tmp_path.iterdir()) == []
