"""How many threads the matrix products (OpenBLAS, through NumPy) may use: chosen here, not inherited.

NumPy's OpenBLAS starts one thread per core by default.  That helps little
at the sizes this tool trains (two threads gained about 1.4x on a 784-128-10
network on a quiet 2-core machine) and costs a lot when another program keeps
a core busy: each product then waits for its slowest thread, and training
fell 10-35x (benchmarks/threads.py measures both).  So training runs its
products on one thread.

This also makes the numbers independent of the machine: OpenBLAS splits a
product's sums differently with 2 threads than with 1, so before this a
784-128-10 trace differed in its last digits between a 1-core and a 2-core
machine.  OpenBLAS runs small products on one thread anyway, so for small
networks nothing changes and ``threadpoolctl`` (~30 ms to import) is never
loaded.

``BP_TUI_BLAS_THREADS=N`` sets the count instead (e.g. 2 on an idle machine
with a large network).  The setting is process-wide: OpenBLAS has one pool.
"""

from __future__ import annotations

import os

ENV = "BP_TUI_BLAS_THREADS"
#: Multiply-adds in one product below which OpenBLAS uses a single thread
#: anyway (its default build threads a matrix-vector product from 2,304 x 4
#: multiply-adds, a matrix product from 65,536 x 4): nothing to choose.
SMALL_PRODUCT = 4096


def largest_product(layers: tuple[int, ...] | list[int], batch_size: int) -> int:
    """Multiply-adds in the largest matrix product of one update: (batch x n_in) @ (n_in x n_out)."""
    return batch_size * max(a * b for a, b in zip(layers, layers[1:]))


def chosen_threads(layers: tuple[int, ...] | list[int], batch_size: int) -> int | None:
    """The thread count to use, or None where OpenBLAS's own choice is already one thread."""
    wanted = os.environ.get(ENV, "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    if largest_product(layers, batch_size) < SMALL_PRODUCT:
        return None
    return 1


def use_chosen_threads(layers: tuple[int, ...] | list[int], batch_size: int) -> int | None:
    """Sets the BLAS thread count for this process (see the module doc); returns it (None: left alone).

    The count stays for the rest of the process: it is a property of the
    machine and the network, not of one call.
    """
    threads = chosen_threads(layers, batch_size)
    if threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads, user_api="blas")
    return threads


def use_threads_for(scenario) -> int | None:
    """:func:`use_chosen_threads` for a scenario's network and batch size."""
    return use_chosen_threads(scenario.layers, scenario.effective_batch_size)
