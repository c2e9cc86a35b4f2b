"""``bp-tui explain`` and the deep-link options, as a user types them."""

from __future__ import annotations

import pytest

from bp_tui.cli import main


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_prints_the_seed_worked_example(capsys):
    code, out, err = call(capsys, "explain", "seed")
    assert (code, err) == (0, "")
    assert out.startswith("# ") and out.endswith("|\n")
    for text in ("$7 - 4 = 3$", "$3^2 = 9$", "$6 \\times 1 \\times 2 = 12$", "$2 - 0.01 \\times 18 = 1.82$"):
        assert text in out


def test_explain_one_weight_of_a_later_update(capsys):
    code, out, _ = call(capsys, "explain", "seed", "--update", "2", "--weight", "W2[1,0]")
    assert code == 0
    # update 2 starts from W2[1,0] = 1.82, hidden node 1 = 2.88: gradient 2.88 x 2 x (prediction - 4)
    # by hand: 2.88 x 2 x (0.94 x 0.94 + 2.88 x 1.82 - 4) = 2.88 x 4.2504 = 12.241152; 1.82 - 0.12241152
    assert "$1.82 - 0.01 \\times 12.241152 = 1.69758848$" in out and "`W2[0,0]`" not in out


@pytest.mark.parametrize("argv, line", [
    (["explain", "seed", "--update", "6"], "seed: --update: update 6 does not exist: this scenario has updates 1..5"),
    (["explain", "seed", "--update", "0"], "seed: --update: update 0 does not exist: this scenario has updates 1..5"),
    # negative: the same message (not argparse's "must be 0 or more", which 0 is not enough for)
    (["explain", "seed", "--update", "-1"], "seed: --update: update -1 does not exist: this scenario has updates 1..5"),
    (["serve", "--port", "-1"], "bp-tui serve: argument --port: a port is 1 to 65535, got -1 (see"),
    (["serve", "--port", "0"], "bp-tui serve: argument --port: a port is 1 to 65535, got 0 (see"),
    (["explain", "seed", "--weight", "b1[0]"], "seed: --weight: b1[0]: the network has no biases (bias = false)"),
    (["explain", "nope"], "nope: scenario: no such file or bundled scenario"),
    (["seed", "--goto", "9"], "seed: --goto: update 9 does not exist: this scenario has updates 0..5"),
    (["seed", "--select", "W1[0,2]"], "seed: --select: W1[0,2]: layer 1 has 2 nodes (0..1)"),
])
def test_bad_values_are_one_line_user_errors(capsys, argv, line):
    code, out, err = call(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(line) and err.count("\n") == 1
