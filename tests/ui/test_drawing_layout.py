"""The drawn network's geometry, without Textual: where nodes go, which cells a
line takes, where labels fit, and when a network is too big to draw."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bp_tui.ui.drawing_layout import BRAILLE, DOTS, Edge, edge_dots, line_dots, place_labels, plan, rasterise
from bp_tui.ui.network_drawing import fits, output_line


def test_line_dots_are_connected_and_hit_both_ends():
    for x1, y1 in ((10, 3), (10, -7), (3, 12), (0, 5), (7, 0)):
        dots = line_dots(0, 0, x1, y1)
        assert dots[0] == (0, 0) and dots[-1] == (x1, y1)
        assert len(dots) == max(abs(x1), abs(y1)) + 1  # one dot per step of the longer axis
        for (a, b), (c, d) in pairwise(dots):
            assert max(abs(c - a), abs(d - b)) == 1  # 8-connected: no holes in the line


def test_seed_fits_80_columns_with_two_row_nodes_in_centred_columns():
    layout = plan((2, 2, 1), False, 78, 9)
    assert layout is not None and layout.node_h == 2 and layout.width <= 78
    assert len(layout.edges) == 6 and Edge(2, 1, 0) in layout.edges
    out = layout.boxes[(2, 0)]
    hidden = [layout.boxes[(1, k)] for k in range(2)]
    assert abs((out.y * 2 + out.h) - (hidden[0].y + hidden[1].y + hidden[1].h)) <= 1  # centred between them
    for l in (1, 2):  # lines run exactly between the columns they join
        x0, x1 = layout.gaps[l]
        assert x0 == layout.boxes[(l - 1, 0)].x + layout.boxes[(l - 1, 0)].w and x1 == layout.boxes[(l, 0)].x


def test_bias_is_a_node_at_the_foot_of_the_layer_it_feeds_from():
    layout = plan((2, 4, 1), True, 78, 12)
    bias = layout.boxes[(0, None)]
    assert bias.y > layout.boxes[(0, 1)].y and (1, None) in layout.boxes and (2, None) not in layout.boxes
    assert Edge(1, None, 3) in layout.edges and Edge(2, None, 0) in layout.edges
    assert len(layout.edges) == 3 * 4 + 5 * 1


def test_tighter_heights_drop_the_blank_rows_then_go_to_one_row_nodes_then_give_up():
    assert plan((2, 4, 1), True, 78, 14).node_h == 2
    assert plan((2, 4, 1), True, 78, 10).node_h == 2  # 4 nodes x 2 rows + bias + title
    assert plan((2, 4, 1), True, 78, 9).node_h == 1
    assert plan((2, 4, 1), True, 78, 5) is None
    assert plan((784, 128, 10), True, 200, 60) is None  # falls back to the matrix view
    assert plan((4, 8, 3), True, 36, 40) is None  # too narrow for lines between the columns


def test_iris_fits_120x40_and_xor_and_seed_fit_80x24_budgets():
    names = ("sepal_length", "sepal_width", "petal_length", "petal_width")
    classes = ("species=setosa", "species=versicolor", "species=virginica")
    assert fits((4, 8, 3), True, 116, 21, names, classes)
    assert fits((2, 2, 1), False, 76, 9) and fits((2, 4, 1), True, 76, 11)


def test_lines_meet_their_nodes_and_cross_cells_keep_every_dot():
    layout = plan((2, 2, 1), False, 78, 9)
    edge = Edge(1, 0, 1)
    dots = edge_dots(layout, edge)
    source, target = layout.boxes[(0, 0)], layout.boxes[(1, 1)]
    assert dots[0] == (2 * layout.gaps[1][0], source.middle) and dots[-1] == (2 * layout.gaps[1][1] - 1, target.middle)
    one = rasterise(layout, [edge])
    both = rasterise(layout, [edge, Edge(1, 1, 0)])
    crossed = [cell for cell in one if cell in both and both[cell][0] != one[cell][0]]
    assert crossed  # the two lines cross somewhere ...
    for cell in crossed:  # ... and there a cell shows the dots of both, owned by the one drawn last
        assert (ord(both[cell][0]) - BRAILLE) & (ord(one[cell][0]) - BRAILLE) == ord(one[cell][0]) - BRAILLE
        assert both[cell][1] == Edge(1, 1, 0)
    x, y = dots[3]
    assert (ord(one[(x // 2, y // 4)][0]) - BRAILLE) & DOTS[y % 4][x % 2]


def test_heavy_lines_take_more_dots():
    layout = plan((2, 2, 1), False, 78, 9)
    edge = Edge(2, 0, 0)

    def dots(cells):
        return sum((ord(char) - BRAILLE).bit_count() for char, _ in cells.values())

    assert dots(rasterise(layout, [edge], heavy={edge})) > dots(rasterise(layout, [edge]))


def test_labels_sit_on_their_lines_without_overlapping():
    layout = plan((2, 2, 1), False, 78, 9)
    labels = [(edge, "0.94") for edge in layout.edges]
    placed = place_labels(layout, labels)
    assert len(placed) == len(labels)  # the seed has room to label all six weights
    cells = [(x + k, y) for x, y in placed.values() for k in range(4)]
    assert len(cells) == len(set(cells))
    for edge, (x, y) in placed.items():
        x0, x1 = layout.gaps[edge.layer]
        assert x0 <= x and x + 4 <= x1
        rows = {dot_y // 4 for _, dot_y in edge_dots(layout, edge)}
        assert y in rows


@pytest.mark.parametrize("width, expected", [
    (100, "output 0: error 7 − 4 = 3 · loss 3² = 9 · ∂L 2 × 3 = 6"),
    (48, "error 7 − 4 = 3 · loss 3² = 9 · ∂L 2 × 3 = 6"),  # the slope's numbers before the node's name
    (40, "error 7 − 4 = 3 · loss 9 · ∂L 2 × 3 = 6"),
    (32, "error 7 − 4 = 3 · loss 9 · ∂L 6"),
])
def test_the_output_line_says_the_slides_numbers_as_far_as_it_fits(width, expected):
    from bp_tui.engine import TrainingSession, load_scenario
    from bp_tui.engine.output_step import output_step

    session = TrainingSession(load_scenario("seed"))
    for _ in range(3):
        session.step()
    step = output_step(session.state.current, "mse")
    assert output_line(step, 0, True, width) == expected
    assert output_line(step, 0, False, 100) == "output 0: error 7 − 4 = 3 · loss 3² = 9"


def test_the_top_row_draws_seed_and_xor_at_80x24_and_iris_at_120x40_beside_a_learned_pane():
    from bp_tui.ui.picture_row import LEARNED_MIN, arrange

    iris = (("sepal_length", "sepal_width", "petal_length", "petal_width"),
            ("species=setosa", "species=versicolor", "species=virginica"))
    cases = [((2, 2, 1), False, (80, 24), 10, (), True), ((2, 4, 1), True, (80, 24), 10, (), True),
             ((4, 8, 3), True, (120, 40), 17, iris, True), ((4, 8, 3), True, (80, 24), 10, iris, False),
             ((784, 128, 10), True, (200, 60), 17, (), False)]
    for layers, bias, terminal, reserved, names, drawn in cases:
        space, fits_ = arrange(terminal, reserved, lambda w, h: fits(layers, bias, w, h, *(names or ((), ()))))
        assert fits_ == drawn, (layers, terminal)
        assert space.learned >= LEARNED_MIN and space.width + space.learned + 4 == terminal[0]
    wide, _ = arrange((200, 60), 17, lambda w, h: True)
    assert wide.learned == 66 and wide.height == 41  # a third of the width; the rest of the height
