"""Numba's start-up, paid once by a process before it forks rather than once by each child.

The first compiled kernel a process calls (loaded from numba's cache) first builds numba's
CPU typing and target contexts: ~0.3-0.45 s of CPU at each process's first kernel, then
~0.02-0.04 s per further kernel. A parallel report build forks children that each call
kernels (the ranking's, the concentration's channel walks) while the parent calls its own
(the control rules'): started in the parent before the forks, the contexts are the
children's too (copy-on-write) and each child only loads its kernels. Building them starts
no thread (numba's thread pool starts with the first parallel kernel), so forking after
it stays safe.
"""

from __future__ import annotations

__all__ = ["start_kernels"]


def start_kernels() -> None:
    """Build numba's CPU typing and target contexts now (idempotent: numba builds them once)."""
    from numba.core.registry import cpu_target  # noqa: PLC0415 (numba's internals, on demand)

    cpu_target.typing_context.refresh()
    cpu_target.target_context.refresh()
