"""The drawn network in a host app: values fill in left to right, loss slopes right
to left, the output says error 7 − 4 = 3, and a click on a line or its label
selects that weight."""

from __future__ import annotations

from textual.app import App

from bp_tui.engine import load_scenario
from bp_tui.engine.debugger import Debugger
from bp_tui.ui.drawing_layout import Edge, edge_dots
from bp_tui.ui.network_drawing import NetworkDrawing
from bp_tui.ui.selection import Selection


class Host(App):
    def __init__(self, scenario: str, budget=(78, 11)) -> None:
        super().__init__()
        self.scenario = load_scenario(scenario)
        self.debugger = Debugger(self.scenario)
        self.budget = budget
        self.selection = Selection(2, 0, 0)
        self.picked: list[Selection] = []

    def compose(self):
        yield NetworkDrawing()

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        sc = self.scenario
        self.query_one(NetworkDrawing).show(self.debugger.session.state, self.selection, 0,
                                            sc.feature_names, sc.target_names, self.budget)

    def on_weight_clicked(self, message: NetworkDrawing.Selected) -> None:
        self.picked.append(message.selection)


def screen_text(drawing: NetworkDrawing) -> list[str]:
    return [strip.text for strip in drawing._strips]


async def test_values_fill_left_to_right_then_slopes_right_to_left():
    app = Host("seed")
    async with app.run_test(size=(80, 12)):
        drawing = app.query_one(NetworkDrawing)
        rows = screen_text(drawing)
        assert "input" in rows[0] and "layer 1 relu" in rows[0] and "output identity" in rows[0]
        assert "forward pass has not reached the output" in "\n".join(rows)
        app.debugger.forward()
        app.redraw()
        text = "\n".join(screen_text(drawing))
        assert "error" not in text.split("\n")[2] and "∂L 6" not in text
        app.debugger.forward()
        app.redraw()
        rows = screen_text(drawing)
        assert "output 0: error 7 − 4 = 3 · loss 3² = 9" in rows[-2] and "∂L 2 × 3" not in rows[-2]
        assert any("target 4" in row for row in rows) and any("error 3" in row for row in rows)
        app.debugger.backward()  # the output layer's slopes, not yet the hidden ones
        app.redraw()
        text = "\n".join(screen_text(drawing))
        assert "∂L 6" in text and "∂L 12" not in text and "∂L 2 × 3 = 6" in text
        app.debugger.backward()
        app.redraw()
        assert "∂L 12" in "\n".join(screen_text(drawing))
        assert "∂L: slope of the loss" in screen_text(drawing)[-1]


async def test_clicking_a_label_or_a_line_selects_that_weight():
    app = Host("seed")
    async with app.run_test(size=(80, 12)) as pilot:
        drawing = app.query_one(NetworkDrawing)
        rows = screen_text(drawing)
        # before the forward pass no node shows a number: the only 3 is W1[1,1]'s label
        ((y, x),) = [(y, row.index("3")) for y, row in enumerate(rows[1:-2], start=1) if "3" in row]
        await pilot.click(NetworkDrawing, offset=(x, y))
        await pilot.pause()
        assert app.picked[-1] == Selection(1, 1, 1)
        # a cell near the start of W2[1,0]'s line, before it meets W2[0,0]'s
        from bp_tui.ui.network_drawing import _plan

        layout = _plan((2, 2, 1), False, 78, 11, (), ())
        dots = edge_dots(layout, Edge(2, 1, 0))
        dot_x, dot_y = dots[len(dots) // 10]
        await pilot.click(NetworkDrawing, offset=(dot_x // 2, dot_y // 4))
        await pilot.pause()
        assert app.picked[-1] == Selection(2, 1, 0)


async def test_iris_names_its_inputs_and_classes_and_labels_the_selected_weight():
    app = Host("iris", budget=(116, 21))
    app.selection = Selection(1, 2, 5)
    async with app.run_test(size=(120, 22)):
        text = "\n".join(screen_text(app.query_one(NetworkDrawing)))
        for name in ("sepal length", "petal width", "setosa", "versicolor", "virginica", "1 bias"):
            assert name in text
        weight = app.debugger.session.state.weights[1][2, 5]
        from bp_tui.ui.fmt import fit

        assert fit(weight, 7) in text  # only the selected weight is labelled in a network this big
