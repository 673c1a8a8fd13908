"""What ``riskgraph vendors`` reports: canonical vendors, and why each spelling joined one.

Pure functions over a :class:`~graph.vendors.VendorResolution`. The spellings an SBOM
used are per-document facts the merged view does not keep (it keeps the first non-empty
name), so :func:`asserted_records` reads them through a loader only for the documents
that asserted the vendor in question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from graph.keys import normalise_vendor_name
from graph.model import ParsedDocument, Provenance, VendorNode
from graph.vendor_rules import AliasConflict, MergeRule
from graph.vendors import DERIVED_ROLE, DerivedSupplier, VendorResolution, vendor_group
from graph.vocabulary import EdgeKind, NodeKind

__all__ = [
    "SpellingEvidence",
    "VendorExplanation",
    "VendorList",
    "VendorSummary",
    "asserted_records",
    "explain_vendor",
    "summarise_vendor",
    "vendor_list",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VendorSummary(_Out):
    """One canonical vendor (legal entity)."""

    key: str
    name: str
    aliases: list[str] = Field(description="Spellings merged into this vendor.")
    purl_namespaces: list[str]
    lei: str | None
    parent: str | None = Field(description="Key of the parent group.")
    parent_name: str | None
    group: str = Field(description="Key of the top of the parent chain (itself if none).")
    subsidiaries: list[str] = Field(description="Keys of the vendors whose parent it is.")
    country: str | None
    products: int = Field(description="Products it supplies.")
    components: int = Field(description="Components it supplies (derived ones included).")
    derived: int = Field(description="Of those, attributed from a purl namespace.")
    merged_from: list[str] = Field(description="Vendor keys of the store view merged here.")
    documents: int = Field(description="Documents asserting it or one of its spellings.")


class VendorList(_Out):
    """``riskgraph vendors --format json``."""

    vendors: list[VendorSummary]
    conflicts: list[AliasConflict]


class SpellingEvidence(_Out):
    """One spelling, the key it was ingested under, and why that key is this vendor."""

    spelling: str
    key: str
    rule: MergeRule
    reason: str
    document_id: str | None
    path: str | None
    location: str | None


class VendorExplanation(_Out):
    """``riskgraph vendors --explain NAME --format json``."""

    query: str
    matched: str = Field(description="How the query itself resolved to the vendor.")
    vendor: VendorSummary
    spellings: list[SpellingEvidence]
    derived: list[DerivedSupplier]
    conflicts: list[AliasConflict]


def summarise_vendor(
    resolution: VendorResolution, key: str, children: Mapping[str, list[str]] | None = None
) -> VendorSummary:
    """The summary of one canonical vendor of ``resolution.graph``.

    ``children`` (parent key -> vendor keys) saves a scan of all vendors per call.
    """
    graph = resolution.graph
    if children is None:
        children = _children(graph)
    data = graph.nodes[key]
    supplied: dict[str, set[str]] = {}
    for source, _, edge in graph.in_edges(key, data=True):
        if edge["kind"] == EdgeKind.SUPPLIED_BY.value:
            supplied.setdefault(source, set()).add(edge["role"])
    kinds = {s: graph.nodes[s].get("kind") for s in supplied}
    parent = data.get("parent")
    return VendorSummary(
        key=key,
        name=str(data.get("name", key)),
        aliases=list(data.get("aliases", ())),
        purl_namespaces=list(data.get("purl_namespaces", ())),
        lei=data.get("lei"),
        parent=parent,
        parent_name=graph.nodes[parent].get("name") if parent in graph else None,
        group=vendor_group(graph, key),
        subsidiaries=children.get(key, []),
        country=data.get("country"),
        products=sum(1 for k in kinds.values() if k == NodeKind.PRODUCT.value),
        components=sum(1 for k in kinds.values() if k == NodeKind.COMPONENT.value),
        derived=sum(1 for roles in supplied.values() if roles == {DERIVED_ROLE}),
        merged_from=list(data.get("merged_from", ())),
        documents=len({p.document_id for p in data.get("provenance", ())}),
    )


def vendor_list(resolution: VendorResolution) -> VendorList:
    """Every canonical vendor, by key."""
    keys = sorted(
        k for k, d in resolution.graph.nodes(data=True) if d.get("kind") == NodeKind.VENDOR.value
    )
    children = _children(resolution.graph)
    return VendorList(
        vendors=[summarise_vendor(resolution, k, children) for k in keys],
        conflicts=list(resolution.conflicts),
    )


def asserted_records(
    resolution: VendorResolution, canonical: str, load: Callable[[str], ParsedDocument]
) -> list[VendorNode]:
    """The vendor records SBOMs and inventories asserted for the keys merged into ``canonical``.

    ``load`` reads one document by id; it is called only for keys that several documents
    assert (with a single asserting document the view already holds its record exactly).
    Records of aliases documents are left out: their entries are evidence of their own.
    """
    alias_docs = {e.provenance.document_id for e in resolution.entries}
    records: list[VendorNode] = []
    for merge in resolution.members(canonical):
        data = resolution.source.nodes[merge.key]
        provenance = [p for p in data.get("provenance", ()) if p.document_id not in alias_docs]
        if len(provenance) == 1 and len(data.get("provenance", ())) == 1:
            records.append(
                VendorNode(
                    key=merge.key,
                    name=str(data.get("name", "")),
                    aliases=tuple(data.get("aliases", ())),
                    provenance=provenance[0],
                )
            )
            continue
        for prov in provenance:
            records.extend(
                n
                for n in load(prov.document_id).nodes
                if isinstance(n, VendorNode) and n.key == merge.key
            )
    return records


def explain_vendor(
    resolution: VendorResolution,
    query: str,
    records: Iterable[VendorNode],
    paths: Mapping[str, str],
) -> VendorExplanation | None:
    """Every spelling merged into the vendor ``query`` names, with rule and document.

    ``records`` are the asserted vendor records (see :func:`asserted_records`), ``paths``
    maps document ids to the paths they were ingested from. None when nothing matches.
    """
    found = resolution.find(query)
    if found is None:
        return None
    canonical, matched = found
    if canonical not in resolution.graph:
        return None
    merges = {m.key: m for m in resolution.members(canonical)}
    rows: list[SpellingEvidence] = []
    for record in records:
        merge = merges.get(record.key)
        if merge is None:
            continue
        for spelling in dict.fromkeys([record.name, *record.aliases]):
            rule, reason = _spelling_rule(spelling, record.key, canonical, merge.rule, merge.reason)
            rows.append(
                _row(
                    spelling,
                    record.key,
                    rule=rule,
                    reason=reason,
                    at=record.provenance,
                    paths=paths,
                )
            )
    for entry in resolution.entries:
        if entry.canonical != canonical:
            continue
        reason = f"canonical id and name listed in {entry.source}"
        rule = MergeRule.CANONICAL
        rows.append(
            _row(entry.name, canonical, rule=rule, reason=reason, at=entry.provenance, paths=paths)
        )
        for alias in entry.aliases:
            if alias.startswith("pkg:"):
                rule, reason = MergeRule.PURL_NAMESPACE, f"purl namespace {alias} mapped in"
                reason = f"{reason} {entry.path}"
            else:
                rule, reason = MergeRule.ALIAS, f"alias {alias!r} listed in {entry.source}"
            rows.append(
                _row(alias, canonical, rule=rule, reason=reason, at=entry.provenance, paths=paths)
            )
    rows.sort(key=lambda r: (r.key, r.spelling.lower(), r.document_id or "", r.location or ""))
    return VendorExplanation(
        query=query,
        matched=matched,
        vendor=summarise_vendor(resolution, canonical),
        spellings=rows,
        derived=[d for d in resolution.derived if d.canonical == canonical],
        conflicts=[c for c in resolution.conflicts if canonical in (c.kept, c.ignored)],
    )


def _children(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, data in sorted(graph.nodes(data=True)):
        if data.get("kind") == NodeKind.VENDOR.value and data.get("parent"):
            out.setdefault(data["parent"], []).append(key)
    return out


def _spelling_rule(
    spelling: str, key: str, canonical: str, rule: MergeRule, reason: str
) -> tuple[MergeRule, str]:
    """Ingest folds a spelling into its key by normalisation; the key then maps by ``rule``."""
    form = normalise_vendor_name(spelling)
    if key != canonical:
        return rule, reason
    return MergeRule.NORMALISED_NAME, f"normalised name equal ({form})"


def _row(
    spelling: str,
    key: str,
    *,
    rule: MergeRule,
    reason: str,
    at: Provenance,
    paths: Mapping[str, str],
) -> SpellingEvidence:
    return SpellingEvidence(
        spelling=spelling,
        key=key,
        rule=rule,
        reason=reason,
        document_id=at.document_id,
        path=paths.get(at.document_id),
        location=at.location,
    )
