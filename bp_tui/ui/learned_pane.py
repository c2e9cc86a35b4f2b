"""The "what it learned" pane: the network's output over its inputs, as Playground shows it.

- Two inputs: the output over the input plane as a heatmap, two pixels per
  cell (``▀`` with the top pixel as foreground, the bottom one as
  background), orange for low, blue for high (Playground's palette, on a
  dark middle); the training samples as ``●`` in their target's colour,
  held-out samples as ``○``; beside it each hidden node's own map, small.
  With ``node`` set, the big map is that node's instead of the output's.
- One input: the prediction curve over the input's range, with the samples.
- More inputs: accuracy and the confusion matrix (classification) or
  prediction against target (regression), and a map of two chosen inputs
  with the others held at their mean.

The numbers come from ``engine.learned`` (the engine's forward pass over a
grid, accuracy, confusion), computed once per ``show``/resize; rendering
only copies rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from ..engine import learned as data
from ..engine.fields import counted
from ..engine.scenario import Scenario
from ..engine.state import SessionState
from .drawing_layout import BRAILLE, DOTS, line_dots
from .fmt import short
from .network_drawing import display_name, style

LOW, MIDDLE, HIGH = np.array([245, 147, 34]), np.array([40, 44, 52]), np.array([8, 119, 189])
CLASSES = np.array([[245, 147, 34], [8, 119, 189], [80, 180, 90], [170, 110, 210], [220, 70, 70],
                    [40, 180, 180], [220, 200, 60], [150, 150, 150], [230, 120, 180], [120, 90, 60]])
THUMB = (8, 4)  # a hidden node's map: columns, rows (8 x 8 pixels)


def diverging(t: np.ndarray) -> np.ndarray:
    """Colours (..., 3) for t in [-1, 1]: orange below 0, blue above, dark at 0; NaN is red."""
    t = np.nan_to_num(np.clip(t, -1.0, 1.0), nan=0.0)[..., None]
    rgb = np.where(t < 0, MIDDLE + (LOW - MIDDLE) * -t, MIDDLE + (HIGH - MIDDLE) * t)
    return rgb.astype(np.uint8)


def class_colours(P: np.ndarray) -> np.ndarray:
    """Colours for softmax outputs (..., k): the likeliest class's colour, stronger when surer."""
    k = P.shape[-1]
    best = np.nan_to_num(P, nan=0.0).argmax(axis=-1)
    sure = np.clip((np.nan_to_num(P.max(axis=-1)) - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[..., None]
    return (MIDDLE + (CLASSES[best % len(CLASSES)] - MIDDLE) * (0.25 + 0.75 * sure)).astype(np.uint8)


@lru_cache(maxsize=8192)
def pixel_style(top: int, bottom: int) -> Style:
    """The style of a half-block cell: colours packed as 0xRRGGBB."""
    return Style(color=Color.from_rgb(top >> 16, (top >> 8) & 255, top & 255),
                 bgcolor=Color.from_rgb(bottom >> 16, (bottom >> 8) & 255, bottom & 255))


def percent(share: float | None) -> str:
    return "·" if share is None else f"{short(100.0 * share, 3)}%"


def next_features(pair: tuple[int, int], inputs: int) -> tuple[int, int]:
    """The next pair of inputs to map (a < b, in reading order), wrapping to the first."""
    pairs = [(a, b) for a in range(inputs) for b in range(a + 1, inputs)]
    if not pairs:
        return pair
    return pairs[(pairs.index(pair) + 1) % len(pairs)] if pair in pairs else pairs[0]


class Grid:
    """Cells of (character, Style), written as heat pixels, points or text."""

    def __init__(self, width: int, height: int, base: Style | None = None) -> None:
        self.width, self.height = width, height
        self.base = base or Style()  # the widget's own colours, under text and blanks
        self.cells = [[(" ", self.base)] * width for _ in range(height)]

    def text(self, x: int, y: int, text: str, how: str = "") -> None:
        if 0 <= y < self.height:
            look = self.base + style(how)
            start, end = max(x, 0), min(x + len(text), self.width)
            if start < end:
                self.cells[y][start:end] = [(char, look) for char in text[start - x:end - x]]

    def heat(self, x: int, y: int, rgb: np.ndarray) -> None:
        """An image (2 * rows, columns, 3) as half-block cells from (x, y)."""
        packed = (rgb[..., 0].astype(np.int64) << 16) | (rgb[..., 1].astype(np.int64) << 8) | rgb[..., 2]
        columns = min(packed.shape[1], self.width - x)
        for r in range(packed.shape[0] // 2):
            if 0 <= y + r < self.height:
                top, bottom = packed[2 * r, :columns].tolist(), packed[2 * r + 1, :columns].tolist()
                self.cells[y + r][x:x + columns] = [("▀", pixel_style(t, b)) for t, b in zip(top, bottom)]

    def point(self, x: int, y: int, char: str, rgb) -> None:
        """A sample: ``char`` in its colour, over the cell's own background."""
        if 0 <= y < self.height and 0 <= x < self.width:
            old = self.cells[y][x][1]
            under = old.bgcolor or Color.from_rgb(*MIDDLE.tolist())
            self.cells[y][x] = (char, Style(color=Color.from_rgb(*(int(v) for v in rgb)), bgcolor=under, bold=True))

    def strips(self) -> list[Strip]:
        return [Strip([Segment(char, how) for char, how in row], self.width) for row in self.cells]


def accuracy_line(train: float, n: int, held: float | None, n_held: int, width: int) -> str:
    """The classification counter: the longest wording that fits ``width`` (never cut mid-number)."""
    extra = [f", {percent(held)} of {n_held} held out", f", held out {percent(held)}",
             f"  held out {percent(held)}"] if held is not None else ["", "", ""]
    words = [f"accuracy {percent(train)} of {counted(n, 'training sample')}{extra[0]}",
             f"accuracy {percent(train)} of {n} trained on{extra[1]}",
             f"accuracy {percent(train)}{extra[1]}", f"accuracy {percent(train)}{extra[2]}",
             f"acc. {percent(train)}{extra[2].replace('held out', 'held')}", f"accuracy {percent(train)}",
             f"acc. {percent(train)}"]
    return next((w for w in words if len(w) <= width), words[-1][:width])


def axes_line(xs: tuple[float, float], ys: tuple[float, float], held: bool, width: int) -> str:
    """The map's ranges and its marks' key: the longest wording that fits ``width``."""
    x = f"{short(xs[0], 3)} … {short(xs[1], 3)} →"
    y = f"↑ {short(ys[0], 3)} … {short(ys[1], 3)}"
    marks = "  ● train" + ("  ○ held out" if held else "")
    words = [f"{x}  {y}{marks}", f"{x}  {y}", f"{x} {y}".replace(" … ", "…"), x, x.replace(" … ", "…")]
    return next((w for w in words if len(w) <= width), words[-1][:width])


def weights_key(state) -> tuple:
    """What the maps depend on, cheaply: the updates done and each weight and bias matrix's sum
    (a step back or a loaded file that changes the weights changes a sum; phases between updates do not)."""
    return (state.updates_done, tuple(float(w.sum()) for w in state.weights[1:]),
            tuple(float(b.sum()) for b in state.biases[1:] if b is not None))


class LearnedPane(Widget, can_focus=False):
    """Shows what the network of ``state`` computes over the inputs of ``scenario``."""

    DEFAULT_CSS = "LearnedPane { height: 1fr; width: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state: SessionState | None = None
        self.scenario: Scenario | None = None
        self.node: tuple[int, int] | None = None  # (layer, node) shown large instead of the output
        self.features = (0, 1)
        self.output = 0
        self._strips: list[Strip] = []

    def show(self, state: SessionState, scenario: Scenario, node: tuple[int, int] | None = None,
             features: tuple[int, int] | None = None, output: int = 0) -> None:
        self.state, self.scenario, self.node, self.output = state, scenario, node, output
        if features is not None:
            self.features = features
        key = (id(scenario), weights_key(state), tuple(self.size), node, self.features, output)
        if key == getattr(self, "_built", None):  # a forward or backward phase: same weights, same map
            return
        self._built: tuple | None = key
        self._rebuild()

    def on_resize(self) -> None:
        self._built = None
        self._rebuild()

    def render_line(self, y: int) -> Strip:
        if y >= len(self._strips):
            return Strip.blank(self.size.width, self.rich_style)
        return self._strips[y]

    def _shown(self) -> tuple[SessionState, Scenario]:
        """What ``show`` gave; the drawing methods run only once both are there."""
        if self.state is None or self.scenario is None:
            raise RuntimeError("the learned pane is drawn before show() gave it a state")
        return self.state, self.scenario

    def _rebuild(self) -> None:
        width, height = self.size.width, self.size.height
        if self.state is None or self.scenario is None or width < 10 or height < 4:
            self._strips = []
            return
        grid = Grid(width, height, self.rich_style)
        inputs = self.scenario.inputs
        if inputs.shape[1] == 1:
            self._curve(grid)
        elif inputs.shape[1] == 2:
            self._plane(grid, (0, 1), thumbnails=True)
        else:
            self._many(grid)
        self._strips = grid.strips()
        self.refresh()

    # ------------------------------------------------------------ colours
    def _colours(self, values: np.ndarray, layer: int) -> np.ndarray:
        """Colours for node values (..., nodes) of ``layer``: the output's by its loss, hidden by range."""
        st, _ = self._shown()
        activation = st.activations[layer]
        if layer == st.depth and self.node is None:
            if st.loss == "cross_entropy":
                return class_colours(values) if values.shape[-1] > 2 else diverging(values[..., 1] - values[..., 0])
            v = values[..., min(self.output, values.shape[-1] - 1)]
            if st.loss == "bce":
                return diverging(2.0 * v - 1.0)
            return diverging(self._regression_scale(v))
        v = values[..., 0]
        if activation == "sigmoid":
            return diverging(2.0 * v - 1.0)
        if activation == "tanh":
            return diverging(v)
        biggest = np.nanmax(np.abs(v)) if np.isfinite(v).any() else 0.0
        return diverging(v / biggest if biggest > 0 else v * 0.0)

    def _regression_scale(self, v: np.ndarray) -> np.ndarray:
        """A regression output mapped to [-1, 1] by the targets' range."""
        targets = self._shown()[1].targets
        t = targets[:, min(self.output, targets.shape[1] - 1)]
        lo, hi = float(t.min()), float(t.max())
        half = (hi - lo) / 2 or 1.0
        return (v - (lo + hi) / 2) / half

    def _target_colour(self, target: np.ndarray) -> np.ndarray:
        """A sample's colour from its target row, brighter than the map's."""
        st, _ = self._shown()
        if st.loss == "cross_entropy":
            colour = CLASSES[int(np.argmax(target)) % len(CLASSES)]
        elif st.loss == "bce":
            colour = LOW if target[min(self.output, len(target) - 1)] < 0.5 else HIGH
        else:
            colour = diverging(self._regression_scale(np.array(target[min(self.output, len(target) - 1)])))
        return np.minimum(255, colour.astype(int) + 70)

    # ------------------------------------------------------------ views
    def _all_inputs(self) -> np.ndarray:
        """Training and held-out inputs: the maps span them all."""
        _, sc = self._shown()
        return sc.inputs if sc.test_inputs is None else np.vstack([sc.inputs, sc.test_inputs])

    def _samples(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """(mark, inputs, targets): the training samples, then the held-out ones if any."""
        _, sc = self._shown()
        yield "●", sc.inputs, sc.targets
        if sc.test_inputs is not None and sc.test_targets is not None and len(sc.test_inputs):
            yield "○", sc.test_inputs, sc.test_targets

    def _plane(self, grid: Grid, features: tuple[int, int], thumbnails: bool, top: int = 0) -> None:
        st, sc = self._shown()
        hidden = [(l, k) for l in range(1, st.depth) for k in range(st.layers[l])] if thumbnails else []
        side = THUMB[0] + 2 if hidden and grid.width - THUMB[0] - 2 >= 16 else 0
        columns = min(grid.width - side, 2 * (grid.height - top - 2))
        rows = min(grid.height - top - 2, (columns + 1) // 2)  # square: a cell is two pixels tall
        if columns < 8 or rows < 3:
            grid.text(0, top, "enlarge the pane to see the map", "dim italic")
            return
        grid_plane = data.plane(st, self._all_inputs(), features, columns, 2 * rows)
        layer, node = self.node if self.node is not None else (st.depth, None)
        values = grid_plane.layers[layer]
        if node is not None:
            values = values[..., node:node + 1]
        grid.heat(0, top + 1, self._colours(values, layer))
        names = self._names()
        what = "output" if self.node is None else f"layer {layer} node {node}"
        others = ", the other inputs at their mean" if sc.inputs.shape[1] > 2 else ""
        title = f"{what} over {names[features[0]]} (→) × {names[features[1]]} (↑)"
        grid.text(0, top, title + others if len(title) <= grid.width else what, "bold")
        (x0, x1), (y0, y1) = grid_plane.x_range, grid_plane.y_range
        for char, X, T in self._samples():
            px = np.round((X[:, features[0]] - x0) / (x1 - x0) * (columns - 1)).astype(int)
            py = np.round((y1 - X[:, features[1]]) / (y1 - y0) * (2 * rows - 1)).astype(int)
            for n in range(len(X)):
                grid.point(int(px[n]), top + 1 + int(py[n]) // 2, char, self._target_colour(T[n]))
        held = self._shown()[1].test_inputs is not None
        grid.text(0, top + 1 + rows, axes_line((x0, x1), (y0, y1), held, grid.width), "dim")
        if side:
            self._thumbnails(grid, grid_plane, hidden, columns + 2, top + 1, top + 1 + rows)

    def _thumbnails(self, grid: Grid, grid_plane, hidden, x: int, top: int, bottom: int) -> None:
        """Each hidden node's own map, small, in a column beside the big map (rows top..bottom-1)."""
        y = top
        for layer, node in hidden:
            if y + THUMB[1] + 1 > bottom:
                if y < bottom:
                    grid.text(x, y, f"+{len(hidden) - hidden.index((layer, node))} more", "dim")
                return
            full = grid_plane.layers[layer][..., node:node + 1]
            rows, columns = full.shape[:2]
            pick_r = np.linspace(0, rows - 1, 2 * THUMB[1]).round().astype(int)
            pick_c = np.linspace(0, columns - 1, THUMB[0]).round().astype(int)
            small = full[pick_r][:, pick_c]
            chosen = self.node == (layer, node)
            grid.text(x, y, f"{layer}.{node}"[: THUMB[0]], "bold reverse" if chosen else "dim")
            grid.heat(x, y + 1, self._colours(small, layer))
            y += THUMB[1] + 1

    def _curve(self, grid: Grid) -> None:
        """One input: the prediction as a braille curve, the samples as points."""
        st, sc = self._shown()
        columns, rows = grid.width, grid.height - 2
        xs, outputs = data.curve(st, self._all_inputs(), 2 * columns)
        k = min(self.output, outputs.shape[1] - 1)
        ys = outputs[:, k]
        everything = np.concatenate([ys[np.isfinite(ys)], sc.targets[:, k]])
        lo, hi = float(everything.min()), float(everything.max())
        hi = hi if hi > lo else lo + 1.0
        dots: dict[tuple[int, int], int] = {}

        def to_y(v: float) -> int:
            return round((hi - v) / (hi - lo) * (4 * rows - 1))

        previous = None
        for n, v in enumerate(ys):
            if not np.isfinite(v):
                previous = None
                continue
            point = (n, to_y(float(v)))
            for px, py in (line_dots(*previous, *point) if previous else [point]):
                cell = (px // 2, py // 4)
                dots[cell] = dots.get(cell, 0) | DOTS[py % 4][px % 2]
            previous = point
        for (cx, cy), mask in dots.items():
            grid.text(cx, 1 + cy, chr(BRAILLE + mask), "#ffd75f")
        x0, x1 = xs[0], xs[-1]
        for char, X, T in self._samples():
            for n in range(len(X)):
                cx = round(float((X[n, 0] - x0) / (x1 - x0)) * (columns - 1))
                grid.text(cx, 1 + to_y(float(T[n, k])) // 4, char, "bold #4fa3e0")
        name = self._names()[0]
        titles = [f"prediction (curve) and targets (●) over {name}", f"prediction and targets (●) over {name}",
                  f"prediction over {name}", "prediction"]
        grid.text(0, 0, next((w for w in titles if len(w) <= grid.width), "")[: grid.width], "bold")
        grid.text(0, grid.height - 1, axes_line((x0, x1), (lo, hi), False, grid.width).replace("  ● train", ""), "dim")

    def _many(self, grid: Grid) -> None:
        """More inputs: accuracy and confusion (classification) or prediction vs target, then a map."""
        st, sc = self._shown()
        y = 0
        if st.loss in ("cross_entropy", "bce"):
            y = self._confusion(grid)
        else:
            outputs = data.predictions(st, sc.inputs)
            k = min(self.output, outputs.shape[1] - 1)
            error = outputs[:, k] - sc.targets[:, k]
            grid.text(0, 0, f"output {k}: prediction − target over {counted(len(error), 'sample')}", "bold")
            grid.text(0, 1, f"mean |error| {short(float(np.mean(np.abs(error))), 4)}   "
                            f"largest {short(float(np.max(np.abs(error))), 4)}")
            y = 3
        if grid.height - y >= 7:
            self._plane(grid, self.features, thumbnails=False, top=y)

    def _confusion(self, grid: Grid) -> int:
        st, sc = self._shown()
        if st.loss == "bce":
            classes = ["below 0.5", "0.5 or more"]
        else:
            classes = [display_name(n) for n in sc.target_names] or [str(c) for c in range(sc.targets.shape[1])]
        train = data.classified(st, st.loss, sc.inputs, sc.targets)
        counts = train.confusion
        test = sc.test_inputs
        held = (data.classified(st, st.loss, test, sc.test_targets)
                if test is not None and sc.test_targets is not None and len(test) else None)
        grid.text(0, 0, accuracy_line(train.accuracy, len(sc.inputs), None if held is None else held.accuracy,
                                      0 if test is None else len(test), grid.width), "bold")
        width = min(max(len(c) for c in classes[:10]), 14)
        # columns as narrow as the counts and (up to 6 letters of) the names allow, so 10 classes fit 38 cells
        col = 1 + max(2, len(str(int(counts.max()))) if counts.size else 1, min(6, max(len(c) for c in classes[:10])))
        grid.text(0, 1, "target ↓  predicted →", "dim")
        grid.text(0, 2, " " * (width + 1) + "".join(f"{c[:col - 1]:>{col}}" for c in classes[:10]), "dim")
        for r, name in enumerate(classes[:10]):
            grid.text(0, 3 + r, f"{name:<{width + 1}}"[: width + 1], "")
            for c in range(min(len(classes), 10)):
                grid.text(width + 1 + col * c, 3 + r, f"{counts[r, c]:>{col}}", "bold green" if r == c else "")
        return 4 + min(len(classes), 10)

    def _names(self) -> list[str]:
        _, sc = self._shown()
        names = sc.feature_names
        return [display_name(n) for n in names] if names else [f"input {k}" for k in range(sc.inputs.shape[1])]
