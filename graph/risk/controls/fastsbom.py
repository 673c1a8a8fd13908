"""What KG-TR-01 reads of every product's SBOM at once, from the compiled snapshot.

The rule walks each product's CONTAINS closure in the view (5,000 products and about
270,000 components met at 100k) and counts the components, those with a purl, and
whether any of them CONTAINS or DEPENDS_ON something. :func:`sbom_counts` walks the
snapshot's CONTAINS CSR instead (one compiled pass for every product,
:func:`.fastwalk.closures`), then reads the purl of each component met once: the same
three figures per product (tested equal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graph.risk.controls.fastwalk import closures
from graph.risk.snapshot import CONTAINS_CSR
from graph.risk.snapshot_columns import KIND_CODES, Csr
from graph.vocabulary import NodeKind

if TYPE_CHECKING:
    from graph.risk.snapshot import Snapshot

__all__ = ["sbom_counts"]

_HOST_GROUP = KIND_CODES[NodeKind.HOST_GROUP.value]

SbomCounts = tuple[int, int, bool]  # as graph.risk.controls.transparency.SbomCounts


def sbom_counts(
    snapshot: Snapshot, view: nx.MultiDiGraph, products: Sequence[str]
) -> dict[str, SbomCounts] | None:
    """The figures of each of ``products`` (keys of ``view``, which ``snapshot`` was
    built from); None when the snapshot holds no CONTAINS CSR."""
    contains: Csr | None = snapshot.cache.get(CONTAINS_CSR)
    if contains is None:
        return None
    index = snapshot.index
    starts = np.asarray([index[p] for p in products], dtype=np.int64)
    n = snapshot.node_count
    groups, members = closures(
        np.arange(len(products) + 1, dtype=np.int64),
        starts,
        contains.ptr,
        contains.idx,
        np.ones(n, dtype=np.bool_),
        with_starts=False,  # a product is in its own closure only through a cycle
        node_count=n,
    )
    sizes = np.bincount(groups, minlength=len(products))
    ptr = np.zeros(len(products) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    seen = np.zeros(n, dtype=np.bool_)
    seen[members] = True
    met = np.flatnonzero(seen)  # every node met, once (no sort of the members)
    keys, attrs = snapshot.keys, view._node  # networkx's attribute dicts, read only
    purl = np.zeros(n, dtype=np.int64)
    purl[met] = [1 if attrs[keys[i]].get("purl") else 0 for i in met.tolist()]
    structured = _structured(snapshot, view, met)
    purls = _segment_sums(purl[members], ptr)
    structures = _segment_sums(structured[members], ptr)
    return {p: (int(sizes[i]), int(purls[i]), bool(structures[i])) for i, p in enumerate(products)}


def _structured(
    snapshot: Snapshot, view: nx.MultiDiGraph, met: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Per node, 1 when it CONTAINS or DEPENDS_ON something (filled for ``met``): a
    source of the snapshot's structure CSR, which leaves out host groups' edges, so those
    are read from the view."""
    out = np.zeros(snapshot.node_count, dtype=np.int64)
    out[snapshot.structure.idx] = 1
    kind = snapshot.cols.kind
    keys = snapshot.keys
    for i in met[kind[met] == _HOST_GROUP].tolist():
        out[i] = int(
            any(
                d.get("kind") in ("CONTAINS", "DEPENDS_ON")
                for keyed in view._succ[keys[i]].values()
                for d in keyed.values()
            )
        )
    return out


def _segment_sums(values: NDArray[np.int64], ptr: NDArray[np.int64]) -> NDArray[np.int64]:
    total = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=total[1:])
    return total[ptr[1:]] - total[ptr[:-1]]
