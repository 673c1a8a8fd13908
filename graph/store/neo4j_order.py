"""Node order for the bulk import: entities in the order a walk from the vendors meets them.

The import tool gives nodes record ids in the order it reads them, lays out each node's
relationship groups in node-id order, and gives relationships ids in the order of their
rows. A hub vendor's blast radius walks about half of the 1M estate backwards over the
reach layer, level by level. When the nodes of one level have neighbouring ids (and their
incoming layer relationships neighbouring rows), the walk reads the node, group and
relationship stores a page after the next instead of one page per record.

:func:`walk_order` is a breadth-first walk over the reversed layer from every vendor at
once (the vendors with most layer pairs first), in the order of discovery, then the
entities it never meets in their import order. Only record ids change: the database holds
the same nodes, relationships and properties in any order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["PAIR_BITS", "unpack", "walk_order"]

PAIR_BITS = 30  # a packed layer pair: source << 34 | target << 4 | kind index (uint64)
_IDS = np.int64


def unpack(
    pairs: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sources, targets and kind indexes of packed layer pairs (see :data:`PAIR_BITS`)."""
    mask = np.uint64((1 << PAIR_BITS) - 1)
    sources = (pairs >> np.uint64(PAIR_BITS + 4)).astype(_IDS)
    targets = ((pairs >> np.uint64(4)) & mask).astype(_IDS)
    return sources, targets, (pairs & np.uint64(15)).astype(_IDS)


def walk_order(
    sources: npt.NDArray[np.int64],
    targets: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.int64],
    count: int,
    seeds_below: int,
) -> npt.NDArray[np.int64]:
    """A permutation of ``range(count)`` (entity import ids): the reverse breadth-first walk
    over the layer pairs ``sources[i] -> targets[i]`` from the targets of the pairs whose
    kind index is below ``seeds_below`` (the vendor kinds), most pairs first; then the
    entities not reached, in id order."""
    degree = np.bincount(targets[kinds < seeds_below], minlength=count)
    seeds = np.flatnonzero(degree)
    seeds = seeds[np.argsort(-degree[seeds], kind="stable")]  # most pairs first, then by id
    by_target = np.argsort(targets, kind="stable")
    preceding = sources[by_target]  # each node's layer sources, consecutive
    starts = np.zeros(count + 1, _IDS)
    np.cumsum(np.bincount(targets, minlength=count), out=starts[1:])
    seen = np.zeros(count, bool)
    seen[seeds] = True
    levels, frontier = [seeds.astype(_IDS)], seeds.astype(_IDS)
    while frontier.size:
        first, sizes = starts[frontier], starts[frontier + 1] - starts[frontier]
        total = int(sizes.sum())
        if not total:
            break
        # the positions of every frontier node's sources, frontier order kept
        offsets = np.repeat(first - (np.cumsum(sizes) - sizes), sizes) + np.arange(total)
        found = preceding[offsets]
        found = found[~seen[found]]
        unique, at = np.unique(found, return_index=True)
        frontier = unique[np.argsort(at, kind="stable")]  # in order of discovery
        seen[frontier] = True
        levels.append(frontier)
    levels.append(np.flatnonzero(~seen).astype(_IDS))
    return np.concatenate(levels)
