"""The drawn network in a real terminal (tmux): the seed at 80x24 shows the slides'
numbers in the slides' order, xor draws its lines and its map, and the matrices
key (t) switches views.  See ``test_terminal.py`` for the harness."""

from __future__ import annotations

from test_terminal import START_TIMEOUT, box, tmux  # noqa: F401  (tmux is a fixture)

DRAWING, LEARNED = box("Network"), box("Learned")  # "What it learned" when wider
BRAILLE = tuple(chr(c) for c in range(0x2801, 0x2900))


def test_seed_at_80x24_fills_values_forward_and_slopes_backward(tmux):  # noqa: F811
    tmux.start("seed", width=80, height=24)
    screen = tmux.wait_for("Network", "Learned", timeout=START_TIMEOUT)
    assert len(screen.splitlines()) <= 24 and max(map(len, screen.splitlines())) <= 80
    tmux.wait_for("input", "layer 1 relu", "output identity", "target 4", region=DRAWING)
    tmux.keys("f")
    tmux.wait_for("0 1", "1 3", region=DRAWING)  # hidden nodes: index, value
    tmux.keys("f")
    tmux.wait_for("0 7 target 4", "error 3", "error 7 − 4 = 3", "loss 3² = 9", region=DRAWING)
    tmux.keys("b")
    tmux.wait_for("∂L 6", "∂L 2 × 3 = 6", region=DRAWING)
    assert "∂L 12" not in tmux.screen()  # the hidden layer's slopes come with the next b
    tmux.keys("b")
    tmux.wait_for("∂L 12", region=DRAWING)
    screen = DRAWING(tmux.screen())
    assert any(ch in screen for ch in BRAILLE)  # the weights are drawn as lines


def test_xor_draws_lines_and_its_map_and_t_switches_to_matrices(tmux):  # noqa: F811
    tmux.start("xor", width=80, height=24)
    tmux.wait_for("layer 1 tanh", "1 bias", region=DRAWING, timeout=START_TIMEOUT)
    tmux.wait_for("output", "-0.1 … 1.1", region=LEARNED)
    assert "▀" in LEARNED(tmux.screen())  # the heatmap's half-blocks
    tmux.keys("t")
    tmux.wait_for("W1 2×4", region=DRAWING)  # the matrix view
    tmux.keys("t")
    tmux.wait_for("1 bias", region=DRAWING)
