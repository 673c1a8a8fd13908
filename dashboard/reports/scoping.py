"""Report scopes: parse ``operator:ID|sector:NAME|jurisdiction:CODE|all``, cut the view.

A scope is the same cut the dashboard applies to a signed-in role
(:mod:`dashboard.access.scope`): ``operator:ID`` reads as an operator user (other operators
only as anonymised cohort totals), ``sector:`` and ``jurisdiction:`` as a regulator, ``all``
as an admin. The cut happens on the view *before* any analysis, so nothing outside the
scope can reach a figure, a finding or an evidence pointer.

Examples
--------
>>> parse_scope("operator:harbor-bank").operators
('operator:harbor-bank',)
>>> parse_scope("sector:Banking").sectors
('sector:banking',)
>>> parse_scope("jurisdiction:fr").label
'jurisdiction:FR'
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from dashboard.access.scope import Access, Role, ScopedView, scoped_view
from dashboard.reports.errors import ReportError
from dashboard.reports.model import ReportScope
from graph.model import DataQualityFinding, DocumentInfo
from graph.vocabulary import DocumentStatus, NodeKind

__all__ = [
    "WITHHELD",
    "ScopedInputs",
    "apply_scope",
    "parse_scope",
    "scope_from_access",
    "to_access",
]

WITHHELD = "(withheld: the document also describes operators outside the scope)"

_USAGE = "a scope is operator:ID, sector:NAME, jurisdiction:CODE or all"


def parse_scope(text: str) -> ReportScope:
    """The scope a ``--scope`` argument names; raises :class:`ReportError` when malformed."""
    spec = text.strip()
    if spec == "all":
        return ReportScope(kind="all", role="admin", label="all")
    kind, sep, value = spec.partition(":")
    value = value.strip()
    if not sep or not value:
        raise ReportError(f"--scope {text!r}: {_USAGE}")
    if kind == "operator":
        key = f"operator:{value}"
        return ReportScope(kind="operator", role="operator", operators=(key,), label=key)
    if kind == "sector":
        key = f"sector:{value.lower()}"
        return ReportScope(kind="sector", role="regulator", sectors=(key,), label=key)
    if kind == "jurisdiction":
        code = value.upper()
        return ReportScope(
            kind="jurisdiction",
            role="regulator",
            jurisdictions=(code,),
            label=f"jurisdiction:{code}",
        )
    raise ReportError(f"--scope {text!r}: {_USAGE}")


def scope_from_access(access: Access) -> ReportScope:
    """The scope of a signed-in dashboard user (the user's name is not recorded)."""
    return ReportScope(
        kind="role",
        role=access.role.value,
        operators=access.operators,
        sectors=access.sectors,
        jurisdictions=access.jurisdictions,
        label=access.describe(),
    )


def to_access(scope: ReportScope) -> Access:
    """The dashboard access an equivalent user would have."""
    return Access.for_role(
        Role(scope.role),
        user="report",
        operators=scope.operators,
        sectors=scope.sectors,
        jurisdictions=scope.jurisdictions,
    )


@dataclass(frozen=True)
class ScopedInputs:
    """The scoped view and the documents and data-quality findings it may show."""

    scoped: ScopedView
    documents: tuple[DocumentInfo, ...]
    findings: tuple[DataQualityFinding, ...]
    withheld: frozenset[str] = frozenset()
    """Documents that also describe operators outside the scope: their name, path and
    lineage may name those operators, so reports list only their hashes."""


def apply_scope(
    view: nx.MultiDiGraph,
    scope: ReportScope,
    documents: list[DocumentInfo],
    findings: list[DataQualityFinding],
) -> ScopedInputs:
    """Cut ``view`` to ``scope``; keep the documents the cut view still draws on.

    A superseded document is listed when the document that superseded it is. Findings of
    documents that also describe operators outside the scope are left out (their messages
    may name those operators), as on the dashboard's data sources page.
    """
    _check_names(view, scope)
    access = to_access(scope)
    scoped = scoped_view(view, access)
    if access.everything:
        return ScopedInputs(scoped, tuple(documents), tuple(findings))
    asserting = {
        p.document_id for _, d in scoped.graph.nodes(data=True) for p in d.get("provenance") or ()
    }
    asserting.update(
        p.document_id
        for _, _, d in scoped.graph.edges(data=True)
        for p in d.get("provenance") or ()
    )
    visible = asserting - scoped.hidden_documents
    by_id = {d.id: d for d in documents}
    withheld = set(scoped.shared_documents)
    for doc in documents:
        if doc.status is DocumentStatus.SUPERSEDED and _winner(doc, by_id) in visible:
            visible.add(doc.id)
            if _winner(doc, by_id) in scoped.shared_documents:
                withheld.add(doc.id)
    return ScopedInputs(
        scoped,
        tuple(d for d in documents if d.id in visible),
        tuple(
            f
            for f in findings
            if f.document_id in visible and f.document_id not in scoped.shared_documents
        ),
        frozenset(withheld & visible),
    )


def _winner(doc: DocumentInfo, by_id: dict[str, DocumentInfo]) -> str:
    seen = {doc.id}
    while doc.superseded_by and doc.superseded_by in by_id and doc.superseded_by not in seen:
        doc = by_id[doc.superseded_by]
        seen.add(doc.id)
    return doc.id


def _check_names(view: nx.MultiDiGraph, scope: ReportScope) -> None:
    """A scope naming nothing in the store is a typo, never an empty report."""
    if not (scope.operators or scope.sectors or scope.jurisdictions):
        return  # ``all`` names nothing: no pass over the view
    operators = {k: d for k, d in view.nodes(data=True) if d.get("kind") == NodeKind.OPERATOR.value}
    for key in scope.operators:
        if key not in operators or operators[key].get("placeholder"):
            raise ReportError(f"--scope {scope.label}: no operator {key!r} in the store")
    sectors = {str(s).lower() for d in operators.values() for s in d.get("sectors") or ()}
    for key in scope.sectors:
        if key not in sectors:
            known = ", ".join(sorted(sectors)) or "none"
            raise ReportError(f"--scope {scope.label}: no operator in {key!r} (sectors: {known})")
    codes = {str(j).upper() for d in operators.values() for j in d.get("jurisdictions") or ()}
    for code in scope.jurisdictions:
        if code not in codes:
            known = ", ".join(sorted(codes)) or "none"
            raise ReportError(
                f"--scope {scope.label}: no operator in jurisdiction {code} (known: {known})"
            )
