"""Who may ingest what through the browser.

Admins ingest anything the CLI would. An operator user may upload only estate
inventories, and only ones that describe its own operators: vendor SBOMs, channel
declarations and alias files change every operator's analysis, so they stay with the
admin. Regulators and auditors are read-only. A refusal is one line naming the file,
exactly like the CLI's refusals.
"""

from __future__ import annotations

from dashboard.access.scope import Access, Role, operator_of
from dashboard.batch import Admit
from graph.model import ParsedDocument
from graph.vocabulary import DocumentFormat
from ingest.source import IngestError

__all__ = ["admission"]

_INVENTORIES = frozenset({DocumentFormat.INVENTORY_YAML, DocumentFormat.INVENTORY_CSV})


def admission(access: Access) -> Admit | None:
    """The check every uploaded document must pass, or None when anything goes.

    Examples
    --------
    >>> admission(Access(user="a", role=Role.ADMIN)) is None
    True
    """
    if access.role is Role.ADMIN:
        return None

    def admit(parsed: ParsedDocument) -> None:
        path = parsed.info.path
        if access.role is not Role.OPERATOR:
            raise IngestError(path, f"a {access.role.value} may not ingest documents")
        if parsed.info.format not in _INVENTORIES:
            raise IngestError(
                path,
                f"operators upload inventories of their own operators only; a "
                f"{parsed.info.format.value} document is ingested by an admin",
            )
        for node in parsed.nodes:
            data = {"kind": node.kind.value, "operator": getattr(node, "operator", None)}
            owner = operator_of(node.key, data)
            if owner is not None and owner not in access.operators:
                raise IngestError(
                    path,
                    f"declares {node.key} of {owner}, outside your operators "
                    f"({', '.join(access.operators)})",
                )

    return admit
