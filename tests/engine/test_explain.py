"""``bp-tui explain``: the worked example reads like the slides, and every number is right.

The numbers are read back out of the Markdown (as a reader would) and checked
against PyTorch's autograd on the same network, never against the engine.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from bp_tui.engine import ScenarioError, load_scenario
from bp_tui.engine.explain import explain_update, parse_parameters
from bp_tui.engine.params import Param
from tests.engine.helpers import scenario

torch.set_default_dtype(torch.float64)


# ------------------------------------------------------------------ reading the document back
def number(text: str) -> float:
    """A number as the document writes it: ``0.94``, ``(-3)``, ``1.5 \\times 10^{-5}``."""
    text = text.strip().strip("()").replace("−", "-")
    match = re.fullmatch(r"(-?[\d.]+) \\times 10\^\{(-?\d+)\}", text)
    if match:
        return float(f"{match[1]}e{match[2]}")
    return float(text)


def result(cell: str) -> float:
    """The number after the last ``=`` of a table cell ``$... = 12$``."""
    math = cell.strip().strip("$")
    math = re.sub(r"\\quad.*$", "", math)
    return number(math.rsplit("=", 1)[-1])


def factors(cell: str) -> list[float]:
    """``$3 \\times 6 \\times 1 = 18$`` -> [3, 6, 1]."""
    left = cell.strip().strip("$").split("=")[0]
    return [number(f) for f in left.split(r"\times")]


def section(doc: str, title: str) -> str:
    start = doc.index(f"\n## {title}")
    end = doc.find("\n## ", start + 1)
    return doc[start:end if end > 0 else None]


def rows(text: str) -> list[list[str]]:
    """Table body rows (header and rule skipped), as lists of cells."""
    out = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] not in ("sample", "parameter"):
                out.append(cells)
    return out


def significant(token: str) -> int:
    return len(token.lower().split("e")[0].lstrip("-").replace(".", "").lstrip("0"))


# ------------------------------------------------------------------ the slides' example
def test_seed_reads_like_the_slides():
    doc = explain_update(load_scenario("seed"))
    assert "$z = 0 \\times 2 + 1 \\times 3 = 3$" in doc  # hidden node 1 = 3
    assert "$z = 1 \\times 1 + 3 \\times 2 = 7$" in doc  # prediction 7
    assert "$7 - 4 = 3$" in doc  # error 3
    assert "$3^2 = 9$" in doc and "Batch loss: $9$." in doc  # loss 9
    assert "$2 \\times 3 = 6$" in doc  # loss slope at the output: 2 x error
    assert "$6 \\times 1 \\times 2 = 12$" in doc  # go back one layer: hidden node 1
    assert "| `W2[0,0]` | #0 | $1 \\times 6 \\times 1 = 6$ | $6$ |" in doc
    assert "| `W2[1,0]` | #0 | $3 \\times 6 \\times 1 = 18$ | $18$ |" in doc
    assert "$1 - 0.01 \\times 6 = 0.94$" in doc
    assert "$2 - 0.01 \\times 18 = 1.82$" in doc
    assert "$3 - 0.01 \\times 12 = 2.88$" in doc
    order = [doc.index(f"\n## {t}") for t in ("The batch", "Forward pass", "Prediction, error and loss",
                                              "Backward pass", "Gradients", "The update")]
    assert order == sorted(order)


def test_mazur_reads_like_the_post():
    """Matt Mazur's step-by-step post, forward pass and update, to the digits it prints."""
    doc = explain_update(load_scenario("mazur"))
    forward = [(result(cells[2]), result(cells[3])) for cells in rows(section(doc, "Forward pass"))]
    # layer 1 then layer 2, one sample: (net, out) of h1, h2, o1, o2 as the post prints them
    post = [(0.3775, 0.593269992), (0.3925, 0.596884378), (1.105905967, 0.75136507), (1.2249214, 0.772928465)]
    assert len(forward) == len(post)
    for (net, out), (post_net, post_out) in zip(forward, post):
        assert net == pytest.approx(post_net, abs=6e-8) and out == pytest.approx(post_out, abs=6e-9)
    assert result(re.search(r"Batch loss: \$(.*)\$\.", doc)[1]) == pytest.approx(0.298371109, abs=5e-10)
    new = {cells[0].strip("`"): result(cells[2]) for cells in rows(section(doc, "The update")) if cells[0]}
    assert new["W2[0,0]"] == pytest.approx(0.35891648, abs=5e-9)  # the post's w5+
    assert new["W1[0,0]"] == pytest.approx(0.149780716, abs=5e-10)  # w1+


def test_one_weight_limits_the_gradient_and_update_parts():
    doc = explain_update(load_scenario("seed"), weight="W2[1,0]")
    assert "`W2[1,0]`" in section(doc, "Gradients") and "`W2[0,0]`" not in section(doc, "Gradients")
    assert [r[0] for r in rows(section(doc, "The update"))] == ["`W2[1,0]`"]
    assert "| `W2[1,0]` | `w − learning_rate × gradient = new w` | $2 - 0.01 \\times 18 = 1.82$ |" in doc
    assert "$6 \\times 1 \\times 2 = 12$" in doc  # the passes are still all there


def test_later_updates_use_the_moved_weights():
    doc = explain_update(load_scenario("seed"), update=2)
    # forward with W1 = [[1, 2], [0.94, 2.88]], W2 = [[0.94], [1.82]]
    assert "$z = 0 \\times 2 + 1 \\times 2.88 = 2.88$" in doc
    assert "Update 2 (epoch 2, batch 1)" in doc


@pytest.mark.parametrize("name, named", [
    ("seed", ["W2[1,0]"]),  # 2-2-1 without biases: no b2[0] to name
    ("and", ["W1[1,0]", "b1[0]"]),  # 2-1: no W2
    ("linear", ["W1[0,0]", "b1[0]"]),  # 1-1: no node 1 in the input layer
])
def test_the_intro_names_parameters_the_network_has(name, named):
    sc = load_scenario(name)
    intro = explain_update(sc).split("\n\n")[1]
    found = re.findall(r"`([Wb]\d+\[[\d,]+\])`", intro)
    assert found == named
    for param in found:
        parse_parameters(param, sc)  # a user error if the network has no such parameter


@pytest.mark.parametrize("update", [0, 6, 10**9])
def test_update_out_of_range_is_a_user_error(update):
    with pytest.raises(ScenarioError, match=r"--update: update .* does not exist: .* updates 1\.\.5"):
        explain_update(load_scenario("seed"), update=update)


@pytest.mark.parametrize("name, why", [
    ("W3[0,0]", "W1..W2"), ("W1[2,0]", "layer 0 has 2 nodes"), ("W2[0,1]", "layer 2 has 1 node"),
    ("b1[0]", "no biases"), ("w1[0,0]", "not a parameter name"), ("W1[0]", "two indices"), ("", "not a parameter"),
])
def test_bad_weight_names_are_user_errors(name, why):
    with pytest.raises(ScenarioError, match=re.escape(why)) as caught:
        parse_parameters(name, load_scenario("seed"))
    assert caught.value.where == "--weight"


def test_weight_names_follow_the_app():
    seed = load_scenario("seed")
    assert parse_parameters("W2[1,0]", seed) == [Param(2, 1, 0)]
    assert parse_parameters(" W1[0, 1] ", seed) == [Param(1, 0, 1)]
    assert parse_parameters("W1", seed) == [Param(1, 0, 0), Param(1, 0, 1), Param(1, 1, 0), Param(1, 1, 1)]
    biased = scenario([2, 3, 1], ["tanh", "identity"], [[1, 2]], [[0]], weights=None, seed=1)
    assert parse_parameters("b2[0]", biased) == [Param(2, None, 0)]


def test_a_whole_matrix_limits_to_its_entries():
    doc = explain_update(load_scenario("seed"), weight="W2")
    assert [r[0] for r in rows(section(doc, "The update"))] == ["`W2[0,0]`", "`W2[1,0]`"]


# ------------------------------------------------------------------ every number, against PyTorch
CASES = {
    "tanh-sigmoid-mse": {"layers": [3, 4, 2], "activations": ["tanh", "sigmoid"], "loss": "mse"},
    "relu-softmax-ce": {"layers": [3, 5, 3], "activations": ["leaky_relu", "softmax"], "loss": "cross_entropy"},
    "sigmoid-bce": {"layers": [2, 3, 3, 1], "activations": ["sigmoid", "tanh", "sigmoid"], "loss": "bce"},
}


def _random_case(name: str):
    spec = CASES[name]
    rng = np.random.default_rng(7)
    n, out = 4, spec["layers"][-1]
    X = rng.normal(size=(n, spec["layers"][0]))
    if spec["loss"] == "cross_entropy":
        T = np.eye(out)[rng.integers(0, out, size=n)]
    elif spec["loss"] == "bce":
        T = rng.uniform(size=(n, out)).round(1)
    else:
        T = rng.normal(size=(n, out))
    W = [rng.normal(size=(a, b)) for a, b in zip(spec["layers"][:-1], spec["layers"][1:])]
    b = [rng.normal(size=k) for k in spec["layers"][1:]]
    s = scenario(spec["layers"], spec["activations"], X, T, loss=spec["loss"], learning_rate=0.1,
                 weights=W, biases=b, batch_size=3)
    return s, X[:3], T[:3], W, b


def _torch_pass(spec, X, T, W, b):
    """Forward and backward in PyTorch: per-sample z, a, loss slopes, batch gradients."""
    acts = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "identity": lambda z: z,
            "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01), "softmax": lambda z: torch.softmax(z, 1)}
    Wt = [torch.tensor(w, requires_grad=True) for w in W]
    bt = [torch.tensor(v, requires_grad=True) for v in b]
    a, Z, A = torch.tensor(X), [], []
    for w, v, act in zip(Wt, bt, spec["activations"]):
        z = a @ w + v
        z.retain_grad()
        a = acts[act](z)
        a.retain_grad()
        Z.append(z)
        A.append(a)
    t = torch.tensor(T)
    if spec["loss"] == "mse":
        per_sample = ((a - t) ** 2).mean(1)
    elif spec["loss"] == "bce":
        per_sample = torch.nn.functional.binary_cross_entropy(a, t, reduction="none").mean(1)
    else:
        per_sample = -(t * torch.log(a)).sum(1)
    # The sum of per-sample losses: its slope w.r.t. a sample's node is that sample's own slope.
    per_sample.sum().backward(retain_graph=True)
    loss_slopes = [x.grad.clone() for x in A]
    if spec["loss"] == "cross_entropy":
        loss_slopes[-1] = Z[-1].grad.clone()  # combined: w.r.t. the pre-activation, p - t
    for p in Wt + bt:
        p.grad = None
    per_sample.mean().backward()
    return Z, A, per_sample, loss_slopes, Wt, bt


@pytest.mark.parametrize("case", list(CASES))
def test_every_number_agrees_with_pytorch(case):
    s, X, T, W, b = _random_case(case)
    spec = CASES[case]
    Z, A, per_sample, loss_slopes, Wt, bt = _torch_pass(spec, X, T, W, b)
    doc = explain_update(s)
    close = {"rel": 1e-8, "abs": 1e-12}
    forward = rows(section(doc, "Forward pass"))
    depth = len(spec["activations"])
    expected_forward = [(l, k, j) for l in range(depth) for k in range(3) for j in range(spec["layers"][l + 1])]
    assert len(forward) == len(expected_forward)
    for (l, k, j), cells in zip(expected_forward, forward):
        assert cells[0] == f"#{k}" and cells[1] == str(j)
        assert result(cells[2]) == pytest.approx(Z[l][k, j].item(), **close)
        assert result(cells[3]) == pytest.approx(A[l][k, j].item(), **close)
    losses = rows(section(doc, "Prediction, error and loss"))[-3:]
    for k, cells in enumerate(losses):
        assert result(cells[1]) == pytest.approx(per_sample[k].item(), **close)
    batch_loss = re.search(r"Batch loss: \$(.*)\$\.", doc)[1]
    assert result(batch_loss) == pytest.approx(per_sample.mean().item(), **close)
    backward = rows(section(doc, "Backward pass"))
    expected_backward = [(l, k, j) for l in range(depth - 1, -1, -1) for k in range(3)
                         for j in range(spec["layers"][l + 1])]
    assert len(backward) == len(expected_backward)
    for (l, k, j), cells in zip(expected_backward, backward):
        assert result(cells[2]) == pytest.approx(loss_slopes[l][k, j].item(), **close)
    gradients = {}
    current = None
    for cells in rows(section(doc, "Gradients")):
        current = cells[0].strip("`") or current
        if cells[1].startswith("#"):  # a sample's product: its three factors are the true ones
            node_value, loss_slope, activation_slope = factors(cells[2])
            assert node_value * loss_slope * activation_slope == pytest.approx(result(cells[2]), **close)
        if cells[3]:
            gradients[current] = result(cells[3])
    expected = {}
    for l, (w, v) in enumerate(zip(Wt, bt), start=1):
        for (i, j), g in np.ndenumerate(w.grad.numpy()):
            expected[f"W{l}[{i},{j}]"] = g
        for j, g in enumerate(v.grad.numpy()):
            expected[f"b{l}[{j}]"] = g
    assert gradients.keys() == expected.keys()
    for name, g in expected.items():
        assert gradients[name] == pytest.approx(g, **close), name
    new_values = {}
    for cells in rows(section(doc, "The update")):
        current = cells[0].strip("`") or current
        new_values[current] = result(cells[2])  # a parameter's last line gives its new value
    assert new_values.keys() == expected.keys()
    for name, value in new_values.items():
        layer, rest = int(name[1]), name[2:]
        index = tuple(int(x) for x in rest.strip("[]").split(","))
        param = (Wt if name[0] == "W" else bt)[layer - 1]
        with torch.no_grad():
            moved = (param - 0.1 * param.grad)[index].item()
        assert value == pytest.approx(moved, **close)


def test_numbers_have_at_least_eight_significant_digits_unless_exact():
    s, *_ = _random_case("tanh-sigmoid-mse")
    doc = explain_update(s)
    maths = re.findall(r"\$([^$]*)\$", doc)
    tokens = [t for m in maths for t in re.findall(r"(?<![\w^{])-?\d+\.\d+(?:e-?\d+)?", m)]
    assert len(tokens) > 100
    short = [t for t in tokens if significant(t) < 8]
    # short ones are the few exact inputs to the scenario (targets rounded to 1 place, learning rate)
    assert set(short) <= {"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "-0.1"}, short


def test_markdown_renders_its_maths():
    s, *_ = _random_case("relu-softmax-ce")
    for doc in (explain_update(load_scenario("seed")), explain_update(s)):
        md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin)
        tokens = md.parse(doc)
        inline = [t for t in tokens if t.type == "inline"]
        maths = [c for t in inline for c in t.children or [] if c.type == "math_inline"]
        stray = [c.content for t in inline for c in t.children or [] if c.type == "text" and "$" in c.content]
        assert not stray
        assert len(maths) == doc.count("$") // 2
        assert sum(t.type == "table_open" for t in tokens) == doc.count("\n|---")
        for line in doc.splitlines():
            if line.startswith("|"):
                assert line.count("$") % 2 == 0
                assert len(line.strip().strip("|").split("|")) == len(line.split("|")) - 2
