"""Training a scenario with PyTorch's own modules and ``torch.optim``: the reference.

Nothing of bp-tui is used here but the scenario's numbers (the document the
scenario file would hold): the forward pass is torch's, the gradients its
autograd's, the update its ``torch.optim`` optimizer's.  Batches are
consecutive slices in file order (``shuffle = false``), as contract section 3
says.
"""

from __future__ import annotations

import math

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

_ACT = {
    "identity": lambda z: z,
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.01),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


def _loss(name: str, P: torch.Tensor, T: torch.Tensor) -> torch.Tensor:
    if name == "mse":
        return ((P - T) ** 2).mean(dim=1).mean()
    if name == "bce":
        return torch.nn.functional.binary_cross_entropy(P, T)
    return (-(T * torch.log(P)).sum(dim=1)).mean()


def make_optimizer(training: dict, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    """``torch.optim``'s optimizer for contract section 5's ``[training]`` fields."""
    name = training.get("optimizer", "sgd")
    lr, decay = training["learning_rate"], training.get("weight_decay", 0.0)
    if name in ("sgd", "momentum", "nesterov"):
        momentum = 0.0 if name == "sgd" else training.get("momentum", 0.9)
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=name == "nesterov",
                               weight_decay=decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=training.get("alpha", 0.99),
                                   eps=training.get("eps", 1e-8), weight_decay=decay)
    cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
    return cls(params, lr=lr, betas=(training.get("beta1", 0.9), training.get("beta2", 0.999)),
               eps=training.get("eps", 1e-8), weight_decay=decay)


def torch_records(document: dict, updates: int) -> list[dict]:
    """Per update: loss, gradients (before weight decay) and parameters after the step.

    ``document`` must give its weights (and biases, if any) explicitly.
    """
    net, data, training = document["network"], document["data"], document["training"]
    names, params = [], []
    for l, w in enumerate(net["weights"], start=1):
        names.append(f"W{l}")
        params.append(torch.tensor(w, requires_grad=True))
        if net.get("bias", True):
            names.append(f"b{l}")
            params.append(torch.tensor(net["biases"][l - 1], requires_grad=True))
    frozen = set(training.get("freeze", ()))
    optimizer = make_optimizer(training, [p for n, p in zip(names, params) if n not in frozen])
    X, T = torch.tensor(data["inputs"]), torch.tensor(data["targets"])
    size = training.get("batch_size", len(X))
    per_epoch = math.ceil(len(X) / size)
    records = []
    for k in range(updates):
        rows = slice((k % per_epoch) * size, (k % per_epoch + 1) * size)
        A = X[rows]
        by_name = dict(zip(names, params))
        for l, act in enumerate(net["activations"], start=1):
            Z = A @ by_name[f"W{l}"]
            if f"b{l}" in by_name:
                Z = Z + by_name[f"b{l}"]
            A = _ACT[act](Z)
        loss = _loss(training["loss"], A, T[rows])
        optimizer.zero_grad(set_to_none=False)
        for p in params:
            if p.grad is not None:
                p.grad.zero_()
        loss.backward()
        grads = {n: p.grad.detach().clone().numpy() for n, p in zip(names, params)}
        optimizer.step()
        records.append({"loss": loss.item(), "grads": grads,
                        "params": {n: p.detach().clone().numpy() for n, p in zip(names, params)}})
    return records


def trace_params(record: dict, key: str, bias: bool) -> dict[str, np.ndarray]:
    """A trace record's weights/biases (or grad_weights/grad_biases) by parameter name."""
    prefix = "grad_" if key == "grads" else ""
    out = {}
    for l, w in enumerate(record[f"{prefix}weights"], start=1):
        out[f"W{l}"] = np.array(w)
        if bias:
            out[f"b{l}"] = np.array(record[f"{prefix}biases"][l - 1])
    return out
