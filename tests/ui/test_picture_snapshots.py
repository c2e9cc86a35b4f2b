"""SVG snapshots of the picture (issue 9): the drawn network, the learned pane,
the matrix view on t, a node's map on l, the description on d, at 120x40,
80x24 and 200x60.  Regenerate with ``--snapshot-update`` and look at them."""

from ui_helpers import app_for, seed_app

WIDE, NARROW, BIG = (120, 40), (80, 24), (200, 60)
TRAINED = ["g", "3", "0", "0", "enter"]  # xor after 300 updates: a boundary has formed


def test_xor_mid_training_drawn_beside_its_map(snap_compare):
    assert snap_compare(app_for("xor"), press=TRAINED + ["f", "f", "b"], terminal_size=WIDE)


def test_xor_at_80x24_drawn_beside_a_small_map(snap_compare):
    assert snap_compare(app_for("xor"), press=TRAINED + ["f", "f", "b", "b"], terminal_size=NARROW)


def test_xor_at_200x60_uses_the_room(snap_compare):
    assert snap_compare(app_for("xor"), press=TRAINED + ["f", "f", "b"], terminal_size=BIG)


def test_seed_matrices_on_t_and_the_output_step_on_x(snap_compare):
    assert snap_compare(seed_app(), press=["f", "f", "b", "t", "x"], terminal_size=WIDE)


def test_a_hidden_node_map_large_on_l(snap_compare):
    assert snap_compare(app_for("xor"), press=TRAINED + ["[", "shift+right", "l"], terminal_size=WIDE)


def test_circle_with_held_out_samples_and_the_description_at_the_start(snap_compare):
    assert snap_compare(app_for("circle"), terminal_size=WIDE)


def test_description_dialog_on_d(snap_compare):
    assert snap_compare(app_for("circle"), press=["d"], terminal_size=NARROW)
