"""One compiled walk for the control rules' closures over the snapshot's CSRs.

:mod:`.fastsbom` (every product's CONTAINS closure) and :mod:`.fastclosure` (every node a
channel updates, through CONTAINS/DEPENDS_ON predecessors) walk many small closures at
once. Both go through :func:`closures`: one numba kernel, so a report loads one kernel
from numba's cache for both (each load costs tens of milliseconds).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from graph.risk.snapshot_columns import compiled

__all__ = ["closures"]


def closures(
    group_ptr: NDArray[np.int64],
    starts: NDArray[np.int64],
    ptr: NDArray[np.int64],
    idx: NDArray[np.int32],
    push: NDArray[np.bool_],
    *,
    with_starts: bool,
    node_count: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The nodes each group's walk meets, as (group, node) pairs in group order.

    Group ``g`` starts from ``starts[group_ptr[g]:group_ptr[g + 1]]`` and follows
    ``idx[ptr[v]:ptr[v + 1]]`` from each node ``v`` it walks; a node met is walked on
    when ``push`` holds for it. ``with_starts``: the starts are met themselves (and walked
    on when ``push`` holds); otherwise they are walked on and met only when the walk comes
    back to them. Each node is met once per group.
    """
    mark = np.full(node_count, -1, dtype=np.int64)
    stack = np.empty(node_count + len(starts), dtype=np.int64)
    empty = np.empty(0, dtype=np.int64)
    args = (group_ptr, starts, ptr, idx, push, with_starts, mark, stack)
    total = _walk(*args, empty, empty)  # first count, then fill
    groups = np.empty(total, dtype=np.int64)
    nodes = np.empty(total, dtype=np.int64)
    mark.fill(-1)
    _walk(*args, groups, nodes)
    return groups, nodes


@compiled()
def _walk(
    group_ptr: NDArray[np.int64],
    starts: NDArray[np.int64],
    ptr: NDArray[np.int64],
    idx: NDArray[np.int32],
    push: NDArray[np.bool_],
    with_starts: bool,
    mark: NDArray[np.int64],
    stack: NDArray[np.int64],
    out_group: NDArray[np.int64],
    out_node: NDArray[np.int64],
) -> int:  # pragma: no cover - compiled
    """:func:`closures`' walks; (group, node) pairs written when the outputs have room
    (empty outputs: only counted). ``mark[v] == g``: met by group ``g``'s walk."""
    room = out_node.shape[0] > 0
    total = 0
    for g in range(group_ptr.shape[0] - 1):
        top = 0
        for j in range(group_ptr[g], group_ptr[g + 1]):
            s = starts[j]
            if with_starts:
                if mark[s] == g:
                    continue
                mark[s] = g
                if room:
                    out_group[total] = g
                    out_node[total] = s
                total += 1
                if not push[s]:
                    continue
            stack[top] = s
            top += 1
        while top > 0:
            top -= 1
            v = stack[top]
            for j in range(ptr[v], ptr[v + 1]):
                c = idx[j]
                if mark[c] != g:
                    mark[c] = g
                    if room:
                        out_group[total] = g
                        out_node[total] = c
                    total += 1
                    if push[c]:
                        stack[top] = c
                        top += 1
    return total
