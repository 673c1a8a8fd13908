"""Building blocks shared by the estate parsers (inventory YAML and CSV, channels YAML).

:class:`Records` collects one document's nodes, edges and references. A link to a node key
becomes an edge when the same document declares that node, and a by-key
:class:`~graph.model.Reference` otherwise, so an inventory may use a platform that a
channels file declares; ``ingest.resolve`` checks it exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from graph.keys import key_for, kind_of_key, vendor_key
from graph.model import (
    DataQualityFinding,
    DocumentInfo,
    Edge,
    HostGroupNode,
    Node,
    ParsedDocument,
    PlatformNode,
    ProductRing,
    Reference,
    VendorNode,
)
from graph.vocabulary import DocumentFormat, EdgeKind, NodeKind
from ingest.estate_schema import HostGroup, Platform, ProductRef
from ingest.input_errors import one_line, with_more
from ingest.resolve import provisional_key
from ingest.source import RawDocument, Refused

__all__ = [
    "Records",
    "add_host_group",
    "ref_identity",
    "refusal",
    "sector_key",
    "validated",
]

_NON_WORD = re.compile(r"[^0-9a-z]+")
M = TypeVar("M", bound=BaseModel)


def sector_key(name: str) -> str:
    """``Health care`` -> ``sector:health-care``."""
    return key_for(NodeKind.SECTOR, _NON_WORD.sub("-", name.lower()).strip("-") or "unknown")


def validated(raw: RawDocument, model: type[M], payload: object) -> M:
    """``model`` read from ``payload``, or a one-line refusal naming the failing path."""
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        raise raw.refuse(one_line(e, model=model)) from e


def refusal(raw: RawDocument, problems: list[str]) -> Refused:
    """One line: the first problem and how many more there are."""
    return raw.refuse(with_more(problems[0], len(problems)))


@dataclass(frozen=True, slots=True)
class _Link:
    source: str
    kind: EdgeKind
    target: str
    location: str
    role: str
    reverse: bool


class Records:
    """One document's records, deduplicated, in a stable order."""

    def __init__(self, raw: RawDocument) -> None:
        self.raw = raw
        self._nodes: dict[str, Node] = {}
        self._edges: dict[tuple[str, str, str, str], Edge] = {}
        self._links: list[_Link] = []
        self._refs: dict[tuple[str, str, str, str, str | None], Reference] = {}

    def declares(self, key: str) -> bool:
        return key in self._nodes

    def node(self, node: Node) -> str:
        """Add ``node`` (the first declaration of a key wins); returns its key."""
        self._nodes.setdefault(node.key, node)
        return node.key

    def vendor(self, name: str, location: str) -> str:
        """The key of vendor ``name``, asserting a vendor node for it."""
        return self.node(
            VendorNode(
                key=vendor_key(name),
                name=name,
                aliases=(name,),
                provenance=self.raw.provenance(location),
            )
        )

    def edge(self, source: str, kind: EdgeKind, target: str, location: str, role: str = "") -> None:
        edge = Edge(
            source=source,
            target=target,
            kind=kind,
            role=role,
            provenance=self.raw.provenance(location),
        )
        self._edges.setdefault(edge.identity, edge)

    def link(
        self,
        source: str,
        kind: EdgeKind,
        target: str,
        location: str,
        *,
        role: str = "",
        reverse: bool = False,
    ) -> None:
        """An edge to ``target`` key: local when this document declares it, else a reference."""
        self._links.append(_Link(source, kind, target, location, role, reverse))

    def reference(
        self,
        source: str,
        kind: EdgeKind,
        ref: ProductRef,
        location: str,
        *,
        target_kind: NodeKind = NodeKind.PRODUCT,
        reverse: bool = False,
    ) -> None:
        """An edge to software named by ``ref`` (purl, name+version, serial or key)."""
        if ref.key is not None:
            self.link(source, kind, ref.key, location, reverse=reverse)
            return
        by, value, version = ref_identity(ref)
        self._add_ref(
            Reference(
                source=source,
                kind=kind,
                target_kind=target_kind,
                by=by,
                value=value,
                version=version,
                reverse=reverse,
                provenance=self.raw.provenance(location),
            )
        )

    def _add_ref(self, ref: Reference) -> None:
        self._refs.setdefault((ref.source, ref.kind.value, ref.by, ref.value, ref.version), ref)

    def platform(self, platform: Platform, location: str) -> str:
        """A platform node and its SUPPLIED_BY vendor edge."""
        key = self.node(
            PlatformNode(
                key=key_for(NodeKind.PLATFORM, platform.id),
                name=platform.name or platform.id,
                platform_kind=platform.kind,
                family=platform.family,
                version=platform.version,
                provenance=self.raw.provenance(location),
            )
        )
        if platform.vendor is not None:
            vendor = self.vendor(platform.vendor, f"{location}.vendor")
            self.edge(key, EdgeKind.SUPPLIED_BY, vendor, f"{location}.vendor", role="supplier")
        return key

    def build(
        self,
        *,
        fmt: DocumentFormat,
        spec_version: str,
        name: str,
        lineage: str,
        created: datetime | None,
        findings: tuple[DataQualityFinding, ...] = (),
    ) -> ParsedDocument:
        for link in self._links:
            if self.declares(link.target):
                source, target = (
                    (link.target, link.source) if link.reverse else (link.source, link.target)
                )
                self.edge(source, link.kind, target, link.location, link.role)
            else:
                self._add_ref(
                    Reference(
                        source=link.source,
                        kind=link.kind,
                        role=link.role,
                        target_kind=kind_of_key(link.target),
                        by="key",
                        value=link.target,
                        reverse=link.reverse,
                        provenance=self.raw.provenance(link.location),
                    )
                )
        raw = self.raw
        info = DocumentInfo(
            id=raw.document_id,
            sha256=raw.sha256,
            path=raw.path,
            size=len(raw.data),
            format=fmt,
            spec_version=spec_version,
            name=name,
            lineage=lineage,
            created=created,
        )
        return ParsedDocument(
            info=info,
            nodes=tuple(sorted(self._nodes.values(), key=lambda n: n.key)),
            edges=tuple(sorted(self._edges.values(), key=lambda e: e.identity)),
            findings=findings,
            references=tuple(
                sorted(
                    self._refs.values(),
                    key=lambda r: (r.provenance.location or "", r.source, r.kind, r.value),
                )
            ),
        )


def ref_identity(
    ref: ProductRef,
) -> tuple[Literal["key", "purl", "name", "serial"], str, str | None]:
    """How ``ref`` names its target: (by, value, version)."""
    if ref.key is not None:
        return "key", ref.key, None
    if ref.purl is not None:
        return "purl", ref.purl, None
    if ref.serial is not None:
        return "serial", ref.serial, None
    return "name", ref.name or "", ref.version


def add_host_group(
    records: Records,
    operator_id: str,
    group: HostGroup,
    location: str,
    sub: Callable[[str], str] | None = None,
) -> str:
    """A host group, its rings and its links (operator, functions, platform, escrow, products).

    Links become edges when this document declares the target (an inventory YAML declares
    its operator and functions) and by-key references otherwise (a CSV of host groups).
    ``sub`` turns a field path inside the group (``functions[0]``) into a location; by
    default ``{location}.{field}``.
    """
    where = sub or (lambda field: f"{location}.{field}")
    operator = key_for(NodeKind.OPERATOR, operator_id)
    key = key_for(NodeKind.HOST_GROUP, f"{operator_id}/{group.id}")
    recovery = group.recovery
    platform = key_for(NodeKind.PLATFORM, group.platform) if group.platform else None
    escrow_group = (
        key_for(NodeKind.HOST_GROUP, f"{operator_id}/{recovery.key_escrow_host_group}")
        if recovery.key_escrow_host_group
        else None
    )
    escrow_platform = (
        key_for(NodeKind.PLATFORM, recovery.key_escrow_platform)
        if recovery.key_escrow_platform
        else None
    )
    rings = []
    for deployment in group.deployments:
        declared = (deployment.ring, deployment.pinned_version, deployment.channels)
        if all(value is None for value in declared):
            continue  # no rollout control of the operator's own: the RUNS edge says it all
        by, value, version = ref_identity(deployment)
        rings.append(
            ProductRing(
                product=provisional_key(by, value, version),
                ring=deployment.ring,
                pinned_version=deployment.pinned_version,
                takes_channels=None
                if deployment.channels is None
                else tuple(key_for(NodeKind.UPDATE_CHANNEL, c) for c in deployment.channels),
            )
        )
    records.node(
        HostGroupNode(
            key=key,
            name=group.name or group.id,
            operator=operator,
            platform=platform,
            platform_version=group.platform_version,
            host_count=group.host_count,
            environment=group.environment,
            disk_encryption=recovery.disk_encryption.lower() if recovery.disk_encryption else None,
            keys_escrowed_share=recovery.keys_escrowed_share,
            key_escrow_platform=escrow_platform,
            key_escrow_host_group=escrow_group,
            oob_console=recovery.oob_console,
            cloud_rescue_runbook=recovery.cloud_rescue_runbook,
            automated_recovery=recovery.automated_recovery,
            technicians=recovery.technicians,
            recovery_playbook_tested=recovery.playbook_tested.isoformat()
            if recovery.playbook_tested
            else None,
            rings=tuple(rings),
            provenance=records.raw.provenance(location),
        )
    )
    records.link(key, EdgeKind.OPERATES, operator, location, reverse=True)
    for i, function in enumerate(group.functions):
        target = key_for(NodeKind.FUNCTION, f"{operator_id}/{function}")
        records.link(key, EdgeKind.SUPPORTS, target, where(f"functions[{i}]"))
    if platform is not None:
        records.link(key, EdgeKind.RUNS_ON, platform, where("platform"))
    for i, beneath in enumerate(group.hosted_on):
        target = key_for(NodeKind.PLATFORM, beneath)
        records.link(key, EdgeKind.RUNS_ON, target, where(f"hosted_on[{i}]"), role="hosted-on")
    for escrow, field in (
        (escrow_group, "key_escrow_host_group"),
        (escrow_platform, "key_escrow_platform"),
    ):
        if escrow is not None:
            at = where(f"recovery.{field}")
            records.link(key, EdgeKind.DEPENDS_ON, escrow, at, role="key-escrow")
    for i, deployment in enumerate(group.deployments):
        records.reference(key, EdgeKind.RUNS, deployment, where(f"deployments[{i}]"))
    return key
