"""What the screen says, read off the rendered screen as text: no keys under
the palette, whole-number update ticks, counts in the singular when there is
one, negative factors in brackets, and a hint for every key that cannot act."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from bp_tui.engine import load_scenario, scenario_from_dict
from bp_tui.ui.app import create_app
from bp_tui.ui.learned_pane import accuracy_line
from bp_tui.ui.loss_chart import update_ticks


def screen_text(app) -> list[str]:
    """The screen as lines of plain text, as a terminal shows it."""
    width, height = app.size
    console = Console(width=width, height=height, record=True, file=open("/dev/null", "w"), force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().split("\n")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


async def run_keys(scenario, keys: str, size=(120, 40)):
    """The app after ``keys``; returns (app, screen lines, hint after each key)."""
    app = create_app(scenario)
    hints = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys.split():
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            hints.append(app.hint)
        return app, screen_text(app), hints


def negative_net(epochs: int = 3):
    """One weight 0.5 from input 1 to a linear output with target 2: error -1.5, loss slope 2 × (-1.5) = -3."""
    return scenario_from_dict({
        "title": "negative slope",
        "network": {"layers": [1, 1], "activations": ["identity"], "weights": [[[0.5]]], "biases": [[0.0]]},
        "data": {"inputs": [[1.0]], "targets": [[2.0]]},
        "training": {"loss": "mse", "learning_rate": 0.1, "epochs": epochs},
    }, path="<negative>", base_dir=".")


# ------------------------------------------------------------------ footer
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (125, 30), (126, 30), (200, 60)])
async def test_the_palette_never_covers_a_footer_key(size):
    app = create_app(load_scenario("seed"))
    async with app.run_test(size=size) as pilot:
        for _ in range(50):  # the footer recomposes once the app knows its width (palette or not)
            await pilot.pause()
            footer = screen_text(app)[size[1] - 1]
            if "Quit" in footer and ("palette" in footer) == (size[0] >= 126):
                break
    shown = "palette" in footer
    if size[0] >= 113:  # every key fits: the last one whole
        assert "? Help q Quit" in footer, footer
    assert shown == (size[0] >= 126), footer  # the palette only where it has its own room
    if shown:
        assert re.search(r"q Quit +▏\^p palette", footer), footer


# -------------------------------------------------------------- loss chart
def test_update_ticks_are_whole_round_numbers_within_the_updates():
    assert update_ticks(3, 4) == [1, 2, 3]
    assert update_ticks(1500, 4) == [500, 1000, 1500]
    assert update_ticks(7, 4) == [2, 4, 6]
    assert update_ticks(1, 4) == [1]
    assert update_ticks(15, 1) == [15]


async def test_the_chart_counts_updates_in_whole_numbers_and_says_1_update():
    _, lines, _ = await run_keys(load_scenario("seed"), "f f b b u f f b b u f f b b u")
    chart = [line[82:] for line in lines[22:38]]  # the loss pane, right of the breakdown
    text = "\n".join(chart)
    assert "loss after 3 updates: 2.458" in text  # seed: 9, 3.568, 2.458 (mse, lr 0.01)
    ticks = chart[-3]  # the x axis' labels, above "mse  update"
    assert re.fullmatch(r"[│ ]*1 +2 +3[│ ]*", ticks), ticks  # never 1.50, 2.00…
    _, lines, _ = await run_keys(load_scenario("seed"), "f f b b u")
    assert "loss after 1 update: 9" in "\n".join(lines)


async def test_a_short_chart_shows_its_title_and_a_sparkline_not_colliding_axes():
    _, lines, _ = await run_keys(load_scenario("seed"), "f f b b u f f b b u f f b b u", size=(113, 20))
    text = "\n".join(lines)
    assert "loss after 3 updates: 2.458" in text
    assert "█▃▁" in text  # 9, 3.568, 2.458 from highest to lowest
    assert not re.search(r"\d\.\d+\.\d", text)  # no tick labels run into each other ("9.0.00")


async def test_the_overfit_chart_keeps_a_title_naming_both_losses():
    _, lines, _ = await run_keys(load_scenario("overfit"), "g 1 5 0 0 enter")
    assert re.search(r"loss [\d.]+, held out [\d.]+", "\n".join(lines))


# --------------------------------------------------------------- breakdown
async def test_negative_factors_are_in_brackets_in_the_product_and_the_update():
    _, lines, _ = await run_keys(negative_net(), "f b")
    text = squash("\n".join(lines))
    # prediction 0.5 - target 2 = -1.5; loss slope 2 × (-1.5) = -3; gradient 1 × (-3) × 1 = -3
    assert "#0 1 × (-3) × 1 = -3" in text
    assert "0.5 − 0.1 × (-3) = 0.8 (after u)" in text  # 0.5 + 0.3


# ------------------------------------------------------------------- hints
async def test_keys_that_cannot_act_say_why():
    _, _, said = await run_keys(load_scenario("seed"), "x s V v f x c e enter n")
    x, s, big_v, v, _, x_mid, c, e, enter, n = said
    assert "press f to finish the forward pass, then b" in x and "output step" in x
    assert "one sample (#0)" in s
    assert big_v.startswith("V checks a whole backward pass: press f") and "press b" not in big_v
    assert "no gradient of W2[0,0] yet: press f" in v
    assert "press f to finish the forward pass" in x_mid  # one forward layer of two done
    for hint in (c, e, enter, n):
        assert hint.startswith("training finished after 5 updates:") and "forward" not in hint


async def test_x_after_the_backward_pass_expands_and_s_walks_the_batch():
    app, lines, said = await run_keys(load_scenario("iris"), "s s f f b x")
    assert said[:2] == ["the diagram shows sample 2 of 16 (#28)", "the diagram shows sample 3 of 16 (#1)"]
    assert app.view.expanded and said[-1] == said[-2]  # x acts, quietly: the breakdown shows the step


async def test_after_1_update_the_hints_say_update_not_updates():
    _, _, said = await run_keys(negative_net(epochs=1), "f b u e")
    assert said[-1].startswith("training finished after 1 update:")


# ---------------------------------------------------------- network, learned
async def test_a_network_too_big_to_draw_says_so_in_its_title():
    _, lines, _ = await run_keys(load_scenario("iris"), "", size=(80, 24))
    assert "Network 4-8-3: too big to draw here" in "\n".join(lines)
    _, lines, _ = await run_keys(load_scenario("iris"), "", size=(120, 40))
    assert "╭─ Network ─" in "\n".join(lines)  # drawn at 120x40
    _, lines, _ = await run_keys(load_scenario("iris"), "t", size=(120, 40))
    assert "Network (weight matrices, t: drawn)" in "\n".join(lines)


def test_the_accuracy_line_is_never_cut_mid_number():
    assert accuracy_line(0.333, 150, None, 0, 40) == "accuracy 33.3% of 150 training samples"
    assert accuracy_line(0.333, 150, None, 0, 24) == "accuracy 33.3%"
    assert accuracy_line(1.0, 1, 0.5, 4, 60) == "accuracy 100% of 1 training sample, 50% of 4 held out"
    assert accuracy_line(1.0, 1, 0.5, 4, 28) == "accuracy 100%, held out 50%"
    assert len(accuracy_line(0.333, 150, 0.9, 30, 8)) <= 8


async def test_presenter_mode_at_76x22_draws_the_network_and_the_equation_apart():
    _, lines, _ = await run_keys(load_scenario("seed"), "P f f b b", size=(76, 22))
    top = next(k for k, line in enumerate(lines) if line.startswith("╭─ Network ─"))
    bottom = next(k for k, line in enumerate(lines) if line.startswith("╰") and "sample 1 of 1" in line)
    sentence = next(k for k, line in enumerate(lines) if "go back one layer" in line)
    assert top < bottom and not top <= sentence <= bottom  # the presenter's pane beside the top row, not in it
    network = "\n".join(lines[top:bottom])
    assert "target 4" in network and "error 3" in network and "∂L 12" in network  # drawn, with its words
    assert "6 × 1 × 1 = 6" in lines[sentence]


async def test_the_footer_dims_exactly_the_keys_that_cannot_act_as_phases_go_by():
    from textual.widgets._footer import FooterKey

    app = create_app(load_scenario("seed"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key, lit in (("f", "f"), ("f", "b"), ("b", "b"), ("b", "u"), ("u", "f")):
            await pilot.press(key)
            await pilot.pause()
            keys = {k.key: k for k in app.screen.query(FooterKey)}
            assert [name for name in "fbu" if not keys[name].has_class("-disabled")] == [lit], key
            assert keys[lit]._disabled is False and keys["u" if lit != "u" else "f"]._disabled is True
