"""The README's walk-through for a new pane, followed to the letter: one widget
with a ``snapshot`` reactive, bound in ``MainScreen.compose``, that calls the
engine's forward pass over a grid.  It must get every published snapshot and
paint what an independent forward pass computes for the weights on screen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from bp_tui.engine import load_scenario
from bp_tui.engine.network import predict
from bp_tui.engine.state import SessionState
from bp_tui.ui import app as app_module
from bp_tui.ui.app import BpTuiApp
from bp_tui.ui.keys import key_for
from bp_tui.ui.main_screen import MainScreen
from bp_tui.ui.snapshot import Snapshot

ROWS, COLS = 3, 5


def grid_inputs() -> np.ndarray:
    xs, ys = np.linspace(-1, 1, COLS), np.linspace(1, -1, ROWS)
    return np.column_stack([g.ravel() for g in np.meshgrid(xs, ys)])


class TenthsPane(Widget):
    """Each grid point's output in tenths (0..9), as the README's recipe builds it."""

    DEFAULT_CSS = "TenthsPane { height: 3; width: 5; }"
    snapshot: var[Snapshot | None] = var(None)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self.painted = ""

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is not None:
            self.state = snapshot.state
            self.refresh()

    def render(self) -> Text:
        if self.state is None:
            return Text("")
        st = self.state
        out = predict(st.weights, st.biases, st.activations, grid_inputs()).reshape(ROWS, COLS, -1)
        self.painted = "\n".join("".join(str(min(9, int(v * 10))) for v in row[:, 0]) for row in out)
        return Text(self.painted)


class ScreenWithPane(MainScreen):
    def compose(self):
        yield from super().compose()
        yield TenthsPane(id="tenths").data_bind(MainScreen.snapshot)


class AppWithPane(BpTuiApp):
    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")  # a subclass would look beside this test

    def get_default_screen(self) -> MainScreen:
        self.main = ScreenWithPane()
        return self.main


def independent_tenths(state: SessionState) -> list[list[float]]:
    """xor's tanh hidden layer and sigmoid output written out again, in tenths."""
    A = grid_inputs()
    for layer, f in ((1, np.tanh), (2, lambda z: 1 / (1 + np.exp(-z)))):
        A = f(A @ state.weights[layer] + state.biases[layer])
    return (10 * A[:, 0]).reshape(ROWS, COLS).tolist()


def agrees(painted: str, tenths: list[list[float]]) -> bool:
    """Each digit is the floor of the independent value (one within round-off of a boundary may differ)."""
    for line, row in zip(painted.splitlines(), tenths, strict=True):
        for digit, value in zip(line, row, strict=True):
            if int(digit) != min(9, int(value)) and abs(value - round(value)) > 1e-9:
                return False
    return True


async def test_a_pane_added_as_the_readme_says_shows_the_forward_pass_of_each_snapshot():
    app = AppWithPane(load_scenario("xor"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(TenthsPane)
        seen = []
        one_update = [key_for("forward")] * 2 + [key_for("backward")] * 2 + [key_for("update")]  # 2 layers
        for keys in ([], one_update, [key_for("finish_update")] * 40):
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            state = app.main.snapshot.state
            assert pane.state is state  # fed by the published snapshot, not by asking the session
            assert pane.painted and agrees(pane.painted, independent_tenths(state))
            seen.append((state.updates_done, pane.painted))
        assert [done for done, _ in seen] == [0, 1, 41]
        assert seen[0][1] != seen[-1][1]  # training changed what it paints
