"""Each host group's vendor uses grouped by layer, computed once per analysis.

``layer_concentrations`` visits every host group once per scope holding it (the estate,
its sectors, its jurisdictions); grouping the uses here once, with each vendor's products
and provenance already merged and the provenance records numbered (hashed once, not once
per scope), leaves the per-scope pass adding integers and small sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from graph.model import Provenance
from graph.risk.concentration_models import VendorUse
from graph.risk.concentration_usage import EstateUsage
from graph.vocabulary import ProductCategory

__all__ = ["Cell", "LayerCells", "layer_cells"]


class Cell(NamedTuple):
    """One host group's uses in one layer."""

    vendors: tuple[str, ...]  # sorted, distinct
    via: dict[str, tuple[str, ...]]  # vendor -> its products/platforms, in use order
    provenance: dict[str, dict[int, None]]  # vendor -> provenance ids, first use first


@dataclass(frozen=True)
class LayerCells:
    """``cells[host group][layer]``, each host group's layers (sorted by value), and the
    provenance records by id."""

    cells: dict[str, dict[ProductCategory, Cell]]
    layers: dict[str, frozenset[ProductCategory]]
    records: list[Provenance]

    def provenance(self, ids: Iterable[int]) -> tuple[Provenance, ...]:
        """The records of ``ids``, in order."""
        return tuple(map(self.records.__getitem__, ids))


def layer_cells(usage: EstateUsage) -> LayerCells:
    """Group every host group's uses by layer (one pass over the estate usage)."""
    numbers: dict[Provenance, int] = {}
    records: list[Provenance] = []
    cells: dict[str, dict[ProductCategory, Cell]] = {}
    layers: dict[str, frozenset[ProductCategory]] = {}
    for hg, group in usage.groups.items():
        by_layer: dict[ProductCategory, list[VendorUse]] = {}
        for use in group.uses:
            by_layer.setdefault(use.layer, []).append(use)
        cells[hg] = {layer: _cell(uses, numbers, records) for layer, uses in by_layer.items()}
        layers[hg] = frozenset(by_layer).union(usage.unattributed.get(hg, ()))
    return LayerCells(cells=cells, layers=layers, records=records)


def _cell(uses: list[VendorUse], numbers: dict[Provenance, int], records: list[Provenance]) -> Cell:
    via: dict[str, list[str]] = {}
    provenance: dict[str, dict[int, None]] = {}
    for use in uses:
        via.setdefault(use.vendor, []).append(use.via)
        ids = provenance.setdefault(use.vendor, {})
        for record in use.provenance:
            number = numbers.get(record)
            if number is None:
                number = numbers[record] = len(records)
                records.append(record)
            ids[number] = None
    return Cell(
        vendors=tuple(sorted(via)),
        via={vendor: tuple(vias) for vendor, vias in via.items()},
        provenance=provenance,
    )
