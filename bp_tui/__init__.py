"""bp-tui: a terminal step-through debugger for neural-network training."""

__version__ = "0.1.0"
