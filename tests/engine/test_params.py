"""Parameter and node names: the contract's spelling (``W2[1,0]``: matrix from
1, nodes from 0), read back strictly, in reading order."""

from __future__ import annotations

import numpy as np
import pytest

from bp_tui.engine.params import Node, Param, ParamNameError, all_params, whole_params


@pytest.mark.parametrize("name, param", [
    ("W2[1,0]", Param.weight(2, 1, 0)),
    ("b1[0]", Param.bias(1, 0)),
    ("W1", Param.whole("W", 1)),
    ("b3", Param.whole("b", 3)),
    ("W12[10,3]", Param.weight(12, 10, 3)),
])
def test_names_round_trip(name, param):
    assert Param.parse(name) == param
    assert param.name == str(param) == name
    assert Param.parse(param.name) == param


def test_a_space_after_the_comma_is_read_but_never_written():
    assert Param.parse("W2[1, 0]") == Param.weight(2, 1, 0)
    assert Param.parse("W2[1, 0]").name == "W2[1,0]"


@pytest.mark.parametrize("name, says", [
    ("W0[0,0]", "not a parameter name"),  # matrices count from 1
    ("W2[1→0]", "not a parameter name"),  # the old spelling
    ("W1[0][1]", "not a parameter name"),  # the old CSV spelling
    ("w2[1,0]", "not a parameter name"),
    ("W2[01,0]", "not a parameter name"),
    ("W2[-1,0]", "not a parameter name"),
    ("W2[1]", "a weight has two indices"),
    ("b1[0,1]", "a bias has one index"),
    ("", "not a parameter name"),
    ("W1\x1b[31m", "not a parameter name"),
])
def test_bad_names_are_refused_clearly(name, says):
    with pytest.raises(ParamNameError, match=says) as error:
        Param.parse(name)
    assert "\x1b" not in str(error.value) and "\n" not in str(error.value)


def test_a_long_bad_name_is_quoted_short():
    with pytest.raises(ParamNameError) as error:
        Param.parse("W" * 10_000)
    assert len(str(error.value)) < 200


@pytest.mark.parametrize("name, says", [
    ("W3[0,0]", "the network has 2 layers"),
    ("W1[2,0]", "layer 0 has 2 nodes"),
    ("W2[0,1]", "layer 2 has 1 node "),
    ("b1[0]", "no biases"),
    ("b1", "no biases"),
])
def test_names_the_network_lacks_are_refused(name, says):
    with pytest.raises(ParamNameError, match=says):
        Param.parse(name, layers=(2, 2, 1), bias=False)


def test_the_seed_network_in_reading_order():
    names = [p.name for p in all_params((2, 2, 1), bias=True)]
    assert names == ["W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "b1[0]", "b1[1]", "W2[0,0]", "W2[1,0]", "b2[0]"]
    shuffled = list(all_params((2, 2, 1), True))
    shuffled.insert(0, shuffled.pop())
    assert sorted(shuffled) == list(all_params((2, 2, 1), True))
    assert [p.name for p in whole_params((2, 2, 1), True)] == ["W1", "b1", "W2", "b2"]
    assert [p.name for p in whole_params((2, 2, 1), False)] == ["W1", "W2"]
    assert Param.whole("W", 1) < Param.weight(1, 0, 0) < Param.bias(1, 0) < Param.whole("W", 2)


def test_entries_know_their_place():
    W, b = [None, np.array([[1.0, 2.0], [3.0, 4.0]])], [None, np.array([5.0, 6.0])]
    assert Param.weight(1, 1, 0).value(W, b) == 3.0
    assert Param.bias(1, 1).value(W, b) == 6.0
    assert Param.weight(1, 1, 0).index == (1, 0) and Param.bias(1, 1).index == (1,)
    assert Param.weight(2, 1, 0).parameter == Param.whole("W", 2)
    assert Param.weight(2, 1, 0).feeds == Node(2, 0)
    assert Param(2, None, 0) == Param.bias(2, 0) and Param(2, 1, 0) == Param.weight(2, 1, 0)
    assert Param(2, None, 0).name == "b2[0]" and Param(2, 1, 0).name == "W2[1,0]"
    assert Param.weight(2, 1, 0).describe() == "W2[1,0]: layer 1 node 1 → layer 2 node 0"
    assert Param.bias(1, 0).describe() == "b1[0]: bias of layer 1 node 0"


def test_nodes():
    assert Node(1, 0).name == "layer 1 node 0"
    assert Node.parse("layer 1 node 0") == Node(1, 0)
    assert Node(0, 3) < Node(1, 0)
    with pytest.raises(ParamNameError, match="not a node name"):
        Node.parse("node 1:0")


def test_an_address_that_makes_no_sense_cannot_be_built():
    for args in ((1, 0, None, "W"), (1, 0, 0, "b"), (1, None, 0, "x"), (0, 0, 0, "W"), (1, None, None)):
        with pytest.raises(ValueError):
            Param(*args)
