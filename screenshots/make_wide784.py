"""Writes wide784.toml: a 784-128-10 network on 32 random "images", for the
large-network screenshot and the benchmarks.  Deterministic (seed 0); run
it again only to change the file."""

from pathlib import Path

import numpy as np

rng = np.random.default_rng(0)
inputs = rng.integers(0, 101, size=(32, 784)) / 100
classes = rng.integers(0, 10, size=32)
targets = np.eye(10, dtype=int)[classes]

rows = ",\n  ".join("[" + ", ".join(f"{x:g}" for x in row) + "]" for row in inputs)
Path(__file__).with_name("wide784.toml").write_text(f'''title = "784-128-10: a network the size of an MNIST classifier"
description = """
Random 28x28 "images" (784 inputs), 128 ReLU hidden nodes, 10 softmax outputs.
Nothing to learn here: it shows how the diagram collapses wide layers.
"""

[network]
layers = [784, 128, 10]
activations = ["relu", "softmax"]
seed = 0

[data]
inputs = [
  {rows}
]
targets = {targets.tolist()}

[training]
loss = "cross_entropy"
learning_rate = 0.05
batch_size = 16
epochs = 20
''')
