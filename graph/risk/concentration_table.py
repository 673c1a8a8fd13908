"""Layer figures of every scope at once, from grouped integer counts (what a report lists).

:func:`graph.risk.concentration_shares.layer_concentrations` builds a
:class:`LayerConcentration` per scope and layer with every vendor's host groups, products
and provenance: on the 100k estate that is 18,000 layers and 300,000 vendor shares, most
of them in operator and jurisdiction scopes where a report shows the metrics and the top
vendor only. :func:`layer_summaries` gives the same rows without those three per-vendor
lists (:class:`LayerSummary`, :class:`ShareFigures`), computed with numpy: each host
group's distinct (layer, vendor) cells are joined to the scopes holding the group and
summed per (scope, layer, vendor).

The figures are equal to the reference's: hosts are split over a cell's vendors in
integers over one estate-wide ``scale`` (a multiple of every cell's vendor count) and
every float is one correctly rounded division of the same rational the reference divides
(the scale cancels), in numpy only while every operand is an exact float64 integer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from graph.risk.concentration_models import (
    ConcentrationMetrics,
    ConcentrationPolicy,
    LayerConcentration,
    Scope,
    ScopeKind,
    Weighting,
)
from graph.risk.concentration_shares import _metrics, layer_concentrations
from graph.risk.concentration_usage import EstateUsage, scope_members
from graph.vocabulary import ProductCategory

__all__ = ["LayerSummary", "ShareFigures", "layer_summaries", "summarise"]

_LAYERS = tuple(sorted(ProductCategory, key=lambda layer: layer.value))
_LAYER_ID = {layer: i for i, layer in enumerate(_LAYERS)}
_EXACT = 2**53  # integers below this are exact float64s


class ShareFigures(NamedTuple):
    """:class:`~graph.risk.concentration_models.VendorShare` without its host groups,
    products and provenance."""

    vendor: str
    name: str
    hosts: float
    share: float
    critical_hosts: float
    critical_share: float | None
    hosts_exposed: int


class LayerSummary(NamedTuple):
    """:class:`~graph.risk.concentration_models.LayerConcentration` without the unattributed
    host groups and with :class:`ShareFigures` for shares (same order: share, then vendor)."""

    scope: Scope
    layer: ProductCategory
    group_level: bool
    hosts_in_scope: int
    by_hosts: ConcentrationMetrics
    by_critical_hosts: ConcentrationMetrics
    shares: tuple[ShareFigures, ...]


def summarise(layer: LayerConcentration) -> LayerSummary:
    """The summary of a full layer (what :func:`layer_summaries` gives for it)."""
    return LayerSummary(
        scope=layer.scope,
        layer=layer.layer,
        group_level=layer.group_level,
        hosts_in_scope=layer.hosts_in_scope,
        by_hosts=layer.by_hosts,
        by_critical_hosts=layer.by_critical_hosts,
        shares=tuple(
            ShareFigures(
                s.vendor,
                s.name,
                s.hosts,
                s.share,
                s.critical_hosts,
                s.critical_share,
                s.hosts_exposed,
            )
            for s in layer.shares
        ),
    )


class _Cells(NamedTuple):
    """Distinct (host group, layer, vendor) cells, grouped by host group (CSR ``ptr``)."""

    ptr: NDArray[np.int64]
    layer: NDArray[np.int64]
    vendor: NDArray[np.int64]
    part: NDArray[np.int64]  # the group's hosts * scale / vendors in its cell
    critical: NDArray[np.int64]  # part when the group is critical, else 0
    exposed: NDArray[np.int64]  # the group's hosts
    present_ptr: NDArray[np.int64]  # the group's layers (cells and unattributed)
    present: NDArray[np.int64]
    vendors: list[str]
    scale: int


def _cells(usage: EstateUsage) -> _Cells:
    vendors = sorted({use.vendor for group in usage.groups.values() for use in group.uses})
    vendor_id = {vendor: i for i, vendor in enumerate(vendors)}
    ptr, layer, vendor, count, hosts, critical = [0], [], [], [], [], []
    present_ptr: list[int] = [0]
    present: list[int] = []
    for hg, group in usage.groups.items():
        by_layer: dict[int, set[int]] = {}
        for use in group.uses:
            by_layer.setdefault(_LAYER_ID[use.layer], set()).add(vendor_id[use.vendor])
        for lid, ids in by_layer.items():
            for vid in ids:
                layer.append(lid)
                vendor.append(vid)
                count.append(len(ids))
                hosts.append(group.hosts)
                critical.append(group.critical)
        ptr.append(len(layer))
        layers = set(by_layer).union(_LAYER_ID[x] for x in usage.unattributed.get(hg, ()))
        present.extend(layers)
        present_ptr.append(len(present))
    scale = math.lcm(*set(count)) if count else 1
    counts = np.asarray(count, dtype=np.int64)
    host_col = np.asarray(hosts, dtype=np.int64)
    part = host_col * (scale // np.maximum(counts, 1))
    return _Cells(
        ptr=np.asarray(ptr, dtype=np.int64),
        layer=np.asarray(layer, dtype=np.int64),
        vendor=np.asarray(vendor, dtype=np.int64),
        part=part,
        critical=np.where(np.asarray(critical, dtype=np.bool_), part, 0),
        exposed=host_col,
        present_ptr=np.asarray(present_ptr, dtype=np.int64),
        present=np.asarray(present, dtype=np.int64),
        vendors=vendors,
        scale=scale,
    )


def _join(
    ptr: NDArray[np.int64], owner: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each ``owner[i]`` its CSR entries: (position i repeated, entry index)."""
    counts = ptr[owner + 1] - ptr[owner]
    pair = np.repeat(np.arange(len(owner), dtype=np.int64), counts)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    return pair, ptr[owner][pair] + np.arange(len(pair), dtype=np.int64) - first


def _runs(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """Start of each run of equal values in sorted ``keys``."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]).astype(np.int64)


def _sums(values: NDArray[np.int64], bounds: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sum of ``values[bounds[i]:bounds[i+1]]`` for each i (0 for an empty slice)."""
    cumulative = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(values)])
    sums: NDArray[np.int64] = cumulative[bounds[1:]] - cumulative[bounds[:-1]]
    return sums


def layer_summaries(
    view: nx.MultiDiGraph,
    usage: EstateUsage,
    *,
    scope_kinds: Iterable[ScopeKind],
    policy: ConcentrationPolicy,
) -> tuple[LayerSummary, ...]:
    """:func:`~graph.risk.concentration_shares.layer_concentrations` as summaries: every
    layer in every scope of ``scope_kinds``, sorted by scope then layer."""
    members = scope_members(view, usage, scope_kinds)
    cells = _cells(usage)
    hosts = np.asarray([g.hosts for g in usage.groups.values()], dtype=np.int64)
    if 100 * cells.scale * (int(hosts.sum()) + 1) >= _EXACT:  # floats would not be exact
        full = layer_concentrations(view, scope_kinds=scope_kinds, policy=policy, usage=usage)
        return tuple(map(summarise, full))
    scopes = list(members)
    group_id = {hg: i for i, hg in enumerate(usage.groups)}
    m_scope = np.repeat(
        np.arange(len(scopes), dtype=np.int64), [len(hgs) for hgs in members.values()]
    )
    m_group = np.asarray(
        [group_id[hg] for hgs in members.values() for hg in hgs], dtype=np.int64
    ).reshape(-1)
    in_scope = np.zeros(len(scopes), dtype=np.int64)
    np.add.at(in_scope, m_scope, hosts[m_group])
    n_layers, n_vendors = len(_LAYERS), max(len(cells.vendors), 1)
    # the (scope, layer) rows: every layer a member has a cell or an unattributed use in
    pair, entry = _join(cells.present_ptr, m_group)
    rows = np.unique(m_scope[pair] * n_layers + cells.present[entry])
    # the shares: cells of every member summed per (scope, layer, vendor)
    pair, entry = _join(cells.ptr, m_group)
    key = (m_scope[pair] * n_layers + cells.layer[entry]) * n_vendors + cells.vendor[entry]
    order = np.argsort(key, kind="stable")
    key, entry = key[order], entry[order]
    starts = _runs(key)
    share_key = key[starts]
    part = np.add.reduceat(cells.part[entry], starts) if len(starts) else share_key
    critical = np.add.reduceat(cells.critical[entry], starts) if len(starts) else share_key
    exposed = np.add.reduceat(cells.exposed[entry], starts) if len(starts) else share_key
    share_row, share_vendor = share_key // n_vendors, share_key % n_vendors
    # within a row: most hosts first, then vendor key (vendor ids are in key order)
    order = np.lexsort((share_vendor, -part, share_row))
    share_row, share_vendor = share_row[order], share_vendor[order]
    part, critical, exposed = part[order], critical[order], exposed[order]
    ends = np.concatenate([rows, rows[-1:] + 1]).astype(np.int64)
    bounds: NDArray[np.int64] = np.searchsorted(share_row, ends).astype(np.int64)
    total = _sums(part, bounds)
    total_critical = _sums(critical, bounds)
    per_share = np.repeat(np.arange(len(rows)), np.diff(bounds))
    row_total, row_critical = total[per_share], total_critical[per_share]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(row_total > 0, 100 * part / np.maximum(row_total, 1), 0.0)
        critical_share = 100 * critical / np.maximum(row_critical, 1)
    critical_shares = [
        s if t else None
        for s, t in zip(critical_share.tolist(), row_critical.tolist(), strict=True)
    ]
    names = [usage.names.get(v, v) for v in cells.vendors]
    vendor_keys = [cells.vendors[i] for i in share_vendor.tolist()]
    figures = list(
        map(
            ShareFigures._make,
            zip(
                vendor_keys,
                [names[i] for i in share_vendor.tolist()],
                (part / cells.scale).tolist(),
                share.tolist(),
                (critical / cells.scale).tolist(),
                critical_shares,
                exposed.tolist(),
                strict=True,
            ),
        )
    )
    return tuple(
        _summary(
            scopes[r // n_layers],
            _LAYERS[r % n_layers],
            usage.group_level,
            int(in_scope[r // n_layers]),
            figures[lo:hi],
            part[lo:hi].tolist(),
            critical[lo:hi].tolist(),
            cells.scale,
            policy,
        )
        for r, lo, hi in zip(rows.tolist(), bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    )


def _summary(
    scope: Scope,
    layer: ProductCategory,
    group_level: bool,
    hosts_in_scope: int,
    shares: list[ShareFigures],
    hosts: list[int],
    critical: list[int],
    scale: int,
    policy: ConcentrationPolicy,
) -> LayerSummary:
    return LayerSummary(
        scope=scope,
        layer=layer,
        group_level=group_level,
        hosts_in_scope=hosts_in_scope,
        by_hosts=_metrics(hosts, scale, Weighting.HOSTS, policy),
        by_critical_hosts=_metrics(critical, scale, Weighting.CRITICAL_HOSTS, policy),
        shares=tuple(shares),
    )
