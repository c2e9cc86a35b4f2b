"""Shared by the benchmark scripts: timing repeats and how figures are printed.

Every figure is a median of at least five runs with the min-max beside it, so a
noisy machine shows as a wide range rather than a wrong number.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """Median and range of repeated measurements (any unit)."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def show(self, fmt: str = "{:.3g}", unit: str = "") -> str:
        return f"{fmt.format(self.median)}{unit} ({fmt.format(self.low)}-{fmt.format(self.high)})"


def seconds(run: Callable[[], object], repeats: int = 5) -> Spread:
    """Wall time of ``run()``, repeated."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return Spread.of(times)


def ratio(numerator: list[float], denominator: list[float]) -> Spread:
    """Pairwise ratios of two series measured in turns (run i of each under the same load)."""
    return Spread.of([a / b for a, b in zip(numerator, denominator, strict=True)])
