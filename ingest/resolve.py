"""Turn a document's :class:`~graph.model.Reference` records into edges.

Inventories and channel declarations name things other documents assert: a product by
purl, by name and version or by its SBOM's serial number; an operator, platform, function
or channel by key. :class:`ReferenceIndex` knows what exists (the store's active view plus
the documents of the same ingest batch); :func:`resolve` rewrites one document against it;
:func:`resolve_batch` resolves several documents that may refer to each other.

A reference that does not resolve refuses the whole document (one line listing every
failed reference), unless ``lenient``: then its edge is dropped and a ``DQ-UNRESOLVED-REF``
finding (severity medium) records it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

import networkx as nx
import orjson

from graph.keys import component_key, key_for, kind_of_key, normalise_purl, product_key
from graph.model import (
    DataQualityFinding,
    DocumentInfo,
    Edge,
    HostGroupNode,
    Node,
    ParsedDocument,
    ProductRing,
    Reference,
)
from graph.vocabulary import EdgeKind, NodeKind, Severity
from ingest.source import IngestError, Refused

__all__ = [
    "UNRESOLVED_CODE",
    "ReferenceIndex",
    "provisional_key",
    "resolve",
    "resolve_batch",
]

UNRESOLVED_CODE = "DQ-UNRESOLVED-REF"
_LISTED = 10  # failed references spelled out in a refusal; the rest are counted
_SOFTWARE = frozenset({NodeKind.PRODUCT.value, NodeKind.COMPONENT.value})
_EMPTY: frozenset[str] = frozenset()
_LOOKUP_FIELDS = ("purl", "name", "version")
_UNSET: tuple[Any, ...] = (None, (), [], "")  # what the view's merge treats as unset


def provisional_key(by: str, value: str, version: str | None = None) -> str:
    """The product key a reference stands for until it is resolved (used in rings)."""
    if by == "purl":
        return product_key(value, "", None)
    if by == "name":
        return product_key(None, value, version)
    if by == "serial":
        return key_for(NodeKind.PRODUCT, f"serial:{value}")
    return value


@dataclass(slots=True)
class ReferenceIndex:
    """What references may point at. Sets are replaced, never mutated, so copies are cheap."""

    keys: set[str] = field(default_factory=set)
    by_purl: dict[str, frozenset[str]] = field(default_factory=dict)
    by_name: dict[str, frozenset[str]] = field(default_factory=dict)
    by_name_version: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    by_serial: dict[str, frozenset[str]] = field(default_factory=dict)

    def copy(self) -> ReferenceIndex:
        return ReferenceIndex(
            set(self.keys),
            dict(self.by_purl),
            dict(self.by_name),
            dict(self.by_name_version),
            dict(self.by_serial),
        )

    def _add(self, key: str, kind: str, attrs: dict[str, Any]) -> None:
        self.keys.add(key)
        if kind not in _SOFTWARE:
            return
        purl, name, version = attrs.get("purl"), attrs.get("name"), attrs.get("version")
        if isinstance(purl, str) and purl:
            p = normalise_purl(purl)
            self.by_purl[p] = self.by_purl.get(p, _EMPTY) | {key}
        if isinstance(name, str) and name:
            n = name.strip().lower()
            self.by_name[n] = self.by_name.get(n, _EMPTY) | {key}
            if isinstance(version, str) and version:
                nv = (n, version.strip())
                self.by_name_version[nv] = self.by_name_version.get(nv, _EMPTY) | {key}

    def _add_serial(self, serial: str | None, products: Iterable[str]) -> None:
        found = frozenset(products)
        if serial and found:
            s = serial.strip().lower()
            self.by_serial[s] = self.by_serial.get(s, _EMPTY) | found

    def add_document(self, document: ParsedDocument) -> None:
        """Everything one parsed document asserts."""
        for node in document.nodes:
            self._add(
                node.key, node.kind.value, node.model_dump(include={"purl", "name", "version"})
            )
        products = [n.key for n in document.nodes if n.kind is NodeKind.PRODUCT]
        self._add_serial(document.info.serial, products)

    def add_view(self, view: nx.MultiDiGraph, documents: Iterable[DocumentInfo]) -> None:
        """A store's active view; ``documents`` supply serial numbers."""
        products_of: dict[str, list[str]] = {}
        for key, data in view.nodes(data=True):
            if data.get("placeholder"):
                continue
            kind = str(data.get("kind", ""))
            self._add(key, kind, data)
            if kind == NodeKind.PRODUCT.value:
                for prov in data.get("provenance", ()):
                    products_of.setdefault(prov.document_id, []).append(key)
        for info in documents:
            if info.serial and info.id in products_of:
                self._add_serial(info.serial, products_of[info.id])

    def add_rows(
        self,
        rows: Iterable[tuple[str, str, str, str | None, str]],
        documents: Iterable[DocumentInfo],
    ) -> None:
        """A SQLite store's active node rows (``SqliteStore.node_rows``: sorted by key, then
        document id), merged as the view merges them, without building the view."""
        products_of: dict[str, list[str]] = {}
        for key, group in groupby(rows, key=itemgetter(0)):
            kind, merged = "", dict[str, Any]()
            for _, row_kind, doc_id, _, body in group:
                kind = kind or row_kind
                attrs = orjson.loads(body)
                for name in _LOOKUP_FIELDS:
                    if merged.get(name) in _UNSET and attrs.get(name) not in _UNSET:
                        merged[name] = attrs[name]
                if row_kind == NodeKind.PRODUCT.value:
                    products_of.setdefault(doc_id, []).append(key)
            self._add(key, kind, merged)
        for info in documents:
            if info.serial and info.id in products_of:
                self._add_serial(info.serial, products_of[info.id])

    def lookup(self, ref: Reference) -> tuple[tuple[str, ...], str]:
        """The keys ``ref`` names (sorted), or no keys and why."""
        if ref.by == "key":
            found = {ref.value} & self.keys
            return tuple(found), "nothing in the store or this batch declares it"
        if ref.by == "serial":
            found = set(self.by_serial.get(ref.value.strip().lower(), _EMPTY))
            return tuple(sorted(found)), "no active SBOM has this serial number"
        if ref.by == "purl":
            purl = normalise_purl(ref.value)
            found = set(self.by_purl.get(purl, _EMPTY))
            found |= {
                k for k in (product_key(purl, "", None), component_key(purl)) if k in self.keys
            }
        elif ref.version:
            found = set(self.by_name_version.get((ref.value.strip().lower(), ref.version), _EMPTY))
        else:
            found = set(self.by_name.get(ref.value.strip().lower(), _EMPTY))
        preferred = {k for k in found if kind_of_key(k) is ref.target_kind}
        chosen = preferred or found
        if ref.by == "name" and not ref.version and len(chosen) > 1:
            return (), f"ambiguous: {len(chosen)} entries have this name; give version or purl"
        return tuple(sorted(chosen)), "no SBOM describes it"


def _shown(ref: Reference) -> str:
    what = {
        EdgeKind.RUNS: "product",
        EdgeKind.UPDATED_VIA: "updated software",
        EdgeKind.RUNS_ON: "platform",
        EdgeKind.SUPPORTS: "function",
        EdgeKind.DEPENDS_ON: "key escrow",
    }.get(ref.kind, ref.target_kind.value.lower())
    if ref.by == "serial":
        return f"{what} with SBOM serial {ref.value!r}"
    if ref.by == "name":
        return f"{what} {ref.value!r}" + (f" version {ref.version!r}" if ref.version else "")
    return f"{what} {ref.value!r}"


def _failure(ref: Reference, reason: str) -> _Failure:
    return _Failure(ref.provenance.location, f"{_shown(ref)} ({reason})")


@dataclass(frozen=True, slots=True)
class _Failure:
    location: str | None
    problem: str

    def __str__(self) -> str:
        return f"{self.location}: {self.problem}" if self.location else self.problem


def _edge(ref: Reference, target: str) -> Edge:
    source, target = (target, ref.source) if ref.reverse else (ref.source, target)
    return Edge(
        source=source, target=target, kind=ref.kind, role=ref.role, provenance=ref.provenance
    )


def resolve(document: ParsedDocument, index: ReferenceIndex, *, lenient: bool) -> ParsedDocument:
    """``document`` with its references turned into edges; raises :class:`Refused`."""
    if not document.references:
        return document
    edges = {e.identity: e for e in document.edges}
    failures: list[_Failure] = []
    ring_targets: dict[tuple[str, str], tuple[str, ...]] = {}
    for ref in document.references:
        keys, reason = index.lookup(ref)
        if ref.kind is EdgeKind.RUNS:
            ring_targets[(ref.source, provisional_key(ref.by, ref.value, ref.version))] = keys
        if not keys:
            failures.append(_failure(ref, reason))
        for key in keys:
            edge = _edge(ref, key)
            edges.setdefault(edge.identity, edge)
    nodes = [_rewrite_rings(n, ring_targets, index, failures) for n in document.nodes]
    if failures and not lenient:
        listed = "; ".join(str(f) for f in failures[:_LISTED])
        more = f"; and {len(failures) - _LISTED} more" if len(failures) > _LISTED else ""
        count = f"{len(failures)} unresolved reference{'s' if len(failures) > 1 else ''}"
        raise Refused(document.info.path, f"{count}: {listed}{more}")
    findings = document.findings + tuple(
        DataQualityFinding(
            document_id=document.info.id,
            severity=Severity.MEDIUM,
            code=UNRESOLVED_CODE,
            message=f"unresolved reference dropped: {failure.problem}",
            location=failure.location,
        )
        for failure in failures
    )
    return ParsedDocument(
        info=document.info,
        nodes=tuple(nodes),
        edges=tuple(sorted(edges.values(), key=lambda e: e.identity)),
        findings=findings,
    )


def _rewrite_rings(
    node: Node,
    targets: dict[tuple[str, str], tuple[str, ...]],
    index: ReferenceIndex,
    failures: list[_Failure],
) -> Node:
    """Point each ring at the resolved product; drop rings and channels that do not exist."""
    if not isinstance(node, HostGroupNode) or not node.rings:
        return node
    rings: list[ProductRing] = []
    for ring in node.rings:
        channels = ring.takes_channels
        if channels is not None:
            missing = [c for c in channels if c not in index.keys]
            failures.extend(
                _Failure(
                    node.provenance.location, f"channel {c!r} (no channel declaration names it)"
                )
                for c in missing
            )
            kept = tuple(c for c in channels if c not in missing)
            channels = kept or None
        for product in targets.get((node.key, ring.product), (ring.product,)):
            rings.append(ring.model_copy(update={"product": product, "takes_channels": channels}))
    unique = {(r.product, r.ring, r.pinned_version, r.takes_channels): r for r in rings}
    return node.model_copy(update={"rings": tuple(unique.values())})


def resolve_batch(
    documents: Sequence[ParsedDocument],
    base: ReferenceIndex,
    *,
    lenient: bool,
    check: Callable[[ParsedDocument], None] | None = None,
) -> list[ParsedDocument | IngestError]:
    """Resolve documents that may refer to each other, against ``base`` and each other.

    A document refused here (by resolution or by ``check``) no longer counts as part of
    the batch, so the others are resolved again without it until nothing changes.
    """
    results: list[ParsedDocument | IngestError | None] = [None] * len(documents)
    alive = list(range(len(documents)))
    while True:
        index = base.copy()
        for i in alive:
            index.add_document(documents[i])
        round_results: dict[int, ParsedDocument | IngestError] = {}
        for i in alive:
            try:
                resolved = resolve(documents[i], index, lenient=lenient)
                if check is not None:
                    check(resolved)
                round_results[i] = resolved
            except IngestError as e:
                round_results[i] = e
        refused = [i for i in alive if isinstance(round_results[i], IngestError)]
        for i in refused:
            results[i] = round_results[i]
        if not refused:
            for i in alive:
                results[i] = round_results[i]
            break
        alive = [i for i in alive if i not in refused]
    return [r for r in results if r is not None]
