"""Presenter mode at 76x22 (a served page at font size 28 on a 1280x720 projector)."""

from __future__ import annotations

from ui_helpers import app_for, seed_app


def test_presenter_mode_at_76x22_after_going_back_one_layer(snap_compare):
    # W2[1,0] selected (down), forward and backward: hidden node 1's loss slope 6 x 1 x 2 = 12, large
    assert snap_compare(seed_app(), press=["down", "f", "f", "b", "b", "P"], terminal_size=(76, 22))


def test_presenter_mode_at_76x22_on_xor_the_equation_large_across_the_screen(snap_compare):
    # xor's hidden node 0 after f f b b: 2 × 0.25 × 0.2306 = 0.1153 in the large font, above the network
    assert snap_compare(app_for("xor"), press=["f", "f", "b", "b", "P"], terminal_size=(76, 22))
