"""Node order for the bulk import: entities in the order a walk from the vendors meets them.

The import tool gives nodes record ids in the order it reads them, lays out each node's
relationship groups in node-id order, and gives relationships ids in the order of their
rows. A hub vendor's blast radius walks about half of the 1M estate backwards over the
reach layer, level by level. When the nodes of one level have neighbouring ids (and their
incoming layer relationships neighbouring rows), the walk reads the node, group and
relationship stores a page after the next instead of one page per record.

:func:`walk_order` is a breadth-first walk over the reversed layer from the busiest vendors
at once, then from each other vendor in turn (most layer pairs first, each walk meeting
only what the walks before it did not), in the order of discovery, then the entities no
walk meets in their import order. The bulk import writes each node's layer rows so that
Neo4j's walk reads a node's sources in this order too (neo4j_bulk), so a vendor's blast
radius reads the node store one page after the next wherever the node it meets next is
one its own walk numbered. One walk from all vendors at once did not do that for any
hub: nearly every component and product is some vendor's own (level one of that walk),
so a hub's walk met them scattered over the other vendors' blocks (a node-store page
switch every 2-3 nodes of the 1M hub walks). Only record ids change: the database holds
the same nodes, relationships and properties in any order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["PAIR_BITS", "TOGETHER", "unpack", "walk_order"]

PAIR_BITS = 30  # a packed layer pair: source << 34 | target << 4 | kind index (uint64)
# The busiest vendors walked together (one breadth-first walk from all of them), then each
# other vendor in turn: on the 1M estate one walk per vendor leaves the second-busiest
# vendor's walk a node-store page switch every 4-5 nodes, the busiest's one every 25;
# walking the two together gives them one every 7-9 (docs/benchmarks.md, session 8).
TOGETHER = 2
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
    """A permutation of ``range(count)`` (entity import ids): reverse breadth-first walks
    over the layer pairs ``sources[i] -> targets[i]`` from the targets of the pairs whose
    kind index is below ``seeds_below`` (the vendor kinds), most pairs first: one from the
    :data:`TOGETHER` first at once, then one from each other in turn, each meeting only
    entities no walk before it met; then the entities not met, in id order."""
    degree = np.bincount(targets[kinds < seeds_below], minlength=count)
    seeds = np.flatnonzero(degree)
    seeds = seeds[np.argsort(-degree[seeds], kind="stable")]  # most pairs first, then by id
    by_target = np.argsort(targets, kind="stable")
    preceding = sources[by_target]  # each node's layer sources, consecutive
    starts = np.zeros(count + 1, _IDS)
    np.cumsum(np.bincount(targets, minlength=count), out=starts[1:])
    seen = np.zeros(count, bool)
    levels: list[npt.NDArray[np.int64]] = []
    for group in [seeds[:TOGETHER], *(seeds[i : i + 1] for i in range(TOGETHER, seeds.size))]:
        frontier = group[~seen[group]].astype(_IDS)
        if not frontier.size:
            continue
        seen[frontier] = True
        levels.append(frontier)
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
