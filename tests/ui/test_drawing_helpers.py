"""The pure helpers behind the panes: chart downsampling, sparklines, collapsing
wide layers, fitting numbers, moving the selection."""

import numpy as np

from bp_tui.ui.diagram import fit_columns, visible
from bp_tui.ui.fmt import fit, short
from bp_tui.ui.loss_chart import downsample
from bp_tui.ui.selection import Selection, cycle, move
from bp_tui.ui.watch_pane import sparkline


def test_downsample_keeps_bucket_means_and_never_thins_the_data():
    y = np.arange(100_000, dtype=float) % 7
    x, means = downsample(y, 200)
    assert len(means) == 200 and len(y) == 100_000
    assert means[0] == y[:500].mean() and means[-1] == y[-500:].mean()
    assert x[0] == 250.5 and x[-1] == 99_750.5
    x, same = downsample(y[:50], 200)
    assert np.array_equal(same, y[:50]) and x[0] == 1 and x[-1] == 50


def test_sparkline_scales_to_the_range_and_leaves_gaps_blank():
    assert sparkline(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]), 8) == "▁▂▃▄▅▆▇█"
    assert sparkline(np.array([np.nan, 1.0, 2.0]), 3) == " ▁█"
    assert len(sparkline(np.arange(1000.0), 20)) == 20


def test_wide_layers_collapse_around_the_selection():
    assert visible(5, set(), 8) == [0, 1, 2, 3, 4]
    assert visible(784, {0}, 8) == [0, 1, 2, 3, None, 780, 781, 782, 783]
    shown = visible(784, {400}, 8)
    assert 400 in shown and shown.count(None) == 2 and len([k for k in shown if k is not None]) == 8


def test_matrices_give_way_widest_first():
    assert fit_columns([2, 1], 100) == [2, 1]
    counts = fit_columns([128, 10], 60)
    assert counts[0] < 128 and sum(8 * c for c in counts) + 4 <= 60


def test_numbers_fit_their_cells():
    assert short(0.94) == "0.94" and short(6.0) == "6" and short(float("nan")) == "nan"
    for x in (-0.0022843, 123456789.0, -1.5e-300, 0.5):
        assert len(fit(x, 7)) <= 7


def test_selection_moves_and_wraps_across_layers():
    layers = (2, 2, 1)
    start = Selection(2, 0, 0)
    assert move(start, layers, False, d_row=1) == Selection(2, 1, 0)
    assert move(start, layers, False, d_row=5) == Selection(2, 1, 0)  # clamped
    assert move(start, layers, True, d_row=2) == Selection(2, None, 0)  # the bias row
    assert cycle(Selection(2, 1, 0), layers, False) == Selection(1, 0, 0)  # wraps to layer 1
    assert cycle(Selection(1, 0, 0), layers, False, -1) == Selection(2, 1, 0)
