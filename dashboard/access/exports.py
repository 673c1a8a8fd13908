"""Which report scopes a signed-in user may export, and the file each export is saved as.

The Export page builds exactly what ``riskgraph report --scope SCOPE`` builds, so a user
may pick only CLI scopes whose report stays inside what the role may read:

- an operator user: ``operator:ID`` for each of its own operators (the report shows the
  rest of the estate as anonymised cohort totals, as the dashboard does);
- a regulator, or an auditor limited to sectors/jurisdictions: each ``sector:NAME`` and
  ``jurisdiction:CODE`` whose operators all lie inside its scope (``operator:ID`` is not
  offered: that report carries cohort totals over operators outside the scope);
- an admin, or an auditor without limits: ``all`` and every operator, sector and
  jurisdiction of the store.

A scope asked for outside that list (a crafted ``?scope=`` address) is refused with one
line: :class:`ExportScopeError`.

Examples
--------
>>> export_file_name("operator:harbor-bank", "pdf")
'riskgraph-report-operator-harbor-bank.pdf'
>>> export_file_name("all", "cyclonedx")
'riskgraph-estate-all.cdx.json'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import networkx as nx

from dashboard.access.scope import Access, Role, visible_operators
from graph.vocabulary import NodeKind

__all__ = [
    "EXPORT_EXTENSIONS",
    "ExportScopeError",
    "allowed_export_scopes",
    "check_export_scope",
    "export_file_name",
]

EXPORT_EXTENSIONS = {
    "pdf": ".pdf",
    "html": ".html",
    "xlsx": ".xlsx",
    "csv": ".zip",
    "json": ".json",
    "sarif": ".sarif",
    "cyclonedx": ".cdx.json",
}
"""Format -> file extension (CSV is the ZIP ``riskgraph report --out NAME.zip`` writes)."""


class ExportScopeError(Exception):
    """A report scope the signed-in user may not export; ``str()`` is the user's line."""


def allowed_export_scopes(view: nx.MultiDiGraph, access: Access) -> list[str]:
    """The ``--scope`` values ``access`` may export from ``view`` (the unscoped view)."""
    operators = {
        k: d
        for k, d in view.nodes(data=True)
        if d.get("kind") == NodeKind.OPERATOR.value and not d.get("placeholder")
    }
    op_scopes = [f"operator:{_local(k)}" for k in sorted(operators)]
    sectors = sorted({s for d in operators.values() for s in _lower(d.get("sectors"))})
    codes = sorted({c for d in operators.values() for c in _upper(d.get("jurisdictions"))})
    if access.everything:
        return [
            "all",
            *op_scopes,
            *(f"sector:{_local(s)}" for s in sectors),
            *(f"jurisdiction:{c}" for c in codes),
        ]
    if access.role is Role.OPERATOR:
        return [f"operator:{_local(k)}" for k in sorted(access.operators) if k in operators]
    mine = visible_operators(view, access)
    out = []
    for sector in sectors:
        members = frozenset(k for k, d in operators.items() if sector in _lower(d.get("sectors")))
        if members and members <= mine:
            out.append(f"sector:{_local(sector)}")
    for code in codes:
        members = frozenset(
            k for k, d in operators.items() if code in _upper(d.get("jurisdictions"))
        )
        if members and members <= mine:
            out.append(f"jurisdiction:{code}")
    return out


def check_export_scope(scope: str, allowed: list[str], access: Access) -> str:
    """``scope`` normalised like the CLI's ``--scope``, when ``access`` may export it."""
    text = scope.strip()
    kind, _, value = text.partition(":")
    if kind == "sector":
        text = f"sector:{value.strip().lower()}"
    elif kind == "jurisdiction":
        text = f"jurisdiction:{value.strip().upper()}"
    if text in allowed:
        return text
    offer = ", ".join(allowed) if allowed else "nothing"
    raise ExportScopeError(
        f"{scope.strip() or 'an empty scope'} is not in your scope ({access.describe()}); "
        f"you may export: {offer}."
    )


def export_file_name(scope: str, fmt: str) -> str:
    """The file name offered for a download: also the ``--out`` the CLI command shown
    on the page writes to, so both files compare byte for byte."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scope).strip("-") or "scope"
    stem = "riskgraph-estate" if fmt == "cyclonedx" else "riskgraph-report"
    return f"{stem}-{slug}{EXPORT_EXTENSIONS[fmt]}"


def _lower(values: object) -> set[str]:
    return {str(v).lower() for v in _items(values)}


def _upper(values: object) -> set[str]:
    return {str(v).upper() for v in _items(values)}


def _items(values: object) -> Iterable[object]:
    return values if isinstance(values, list | tuple | set | frozenset) else ()


def _local(key: str) -> str:
    return key.partition(":")[2] or key
