"""Map a schema-checked CycloneDX document (JSON shape) to graph records.

Input is the JSON dict, or what :mod:`ingest.cyclonedx_xml` made of an XML document, after
:mod:`ingest.cyclonedx_policy` found no structural error. Every node and edge gets a
provenance location: a JSON pointer, translated by ``locate`` for XML. Records are
storage rows (:mod:`graph.records`), deduplicated (first assertion wins).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from graph.keys import document_scoped_key, key_for, normalise_purl, product_key
from graph.model import (
    Node,
    ProductNode,
    ServiceNode,
    UpdateChannelNode,
    VulnerabilityNode,
)
from graph.records import EdgeRow, NodeRow
from graph.vocabulary import ComponentType, EdgeKind, NodeKind
from ingest.cyclonedx_properties import SoftwareFacts, channel_facts, software_facts
from ingest.cyclonedx_records import ADVISORY, WARNING, RecordCollector, text
from ingest.source import FindingSink, RawDocument

__all__ = ["Mapped", "map_document"]

JsonDict = Mapping[str, Any]
_COMPONENT_TYPES: dict[Any, str] = {t.value: t.value for t in ComponentType}
_IMAGE_DIGEST = re.compile(r"^sha(256|384|512):[0-9a-f]{64,128}$")
_VENDOR_FIELDS = (("supplier", "supplier"), ("manufacturer", "manufacturer"))
_COMPONENT = NodeKind.COMPONENT.value
_COMPONENT_PREFIX = key_for(NodeKind.COMPONENT, "")  # component_key(purl) = this + purl
_dumps = orjson.dumps
_DEPENDS_ON = EdgeKind.DEPENDS_ON.value
_CONTAINS = EdgeKind.CONTAINS.value
_UPDATED_VIA = EdgeKind.UPDATED_VIA.value


@dataclass(frozen=True, slots=True)
class Mapped:
    """The records of one document as storage rows, plus its subject (if any)."""

    product: ProductNode | None
    nodes: list[NodeRow]
    edges: list[EdgeRow]


def _name_from_purl(purl: str) -> str:
    tail = purl.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail.split("@", 1)[0] or purl


class _Mapper(RecordCollector):
    """CycloneDX members to records; one instance per document."""

    def __init__(
        self,
        raw: RawDocument,
        sink: FindingSink,
        locate: Callable[[str], str] | None,
        describe: Callable[[str], str],
    ) -> None:
        super().__init__(raw, sink, locate, describe)
        self.channels: set[str] = set()

    def suppliers(self, entry: JsonDict, key: str, pointer: str) -> None:
        """SUPPLIED_BY edges for supplier / manufacturer / publisher / author(s)."""
        get = entry.get
        for member, role in _VENDOR_FIELDS:
            entity = get(member)
            if entity.__class__ is dict:
                self.supplied_by(
                    key, entity.get("name"), entity.get("url"), f"{pointer}/{member}", role
                )
        if "publisher" in entry:
            self.supplied_by(key, entry["publisher"], None, f"{pointer}/publisher", "publisher")
        if "author" in entry:
            self.supplied_by(key, entry["author"], None, f"{pointer}/author", "author")
        authors = get("authors")
        if isinstance(authors, list):
            for i, author in enumerate(authors):
                if isinstance(author, dict):
                    self.supplied_by(
                        key, author.get("name"), None, f"{pointer}/authors/{i}", "author"
                    )

    # -- software (product and components) -------------------------------------------

    def software_fields(
        self, entry: JsonDict, pointer: str, facts: SoftwareFacts | None
    ) -> dict[str, Any]:
        """The body fields shared by ProductNode and ComponentNode, every one present (defaults
        included) in the model's order; refuses an entry with no identity.

        Runs once per component, so it builds a plain dict in JSON-ready types (hashes as
        dicts, the component type as its value) that orjson writes as the component's
        stored body directly, byte-identical to :func:`graph.records.node_body` (tested on
        every corpus file: ``tests/ingest/test_records_fast_path.py``), with no pydantic
        object per component; the product is validated as a model from the same dict.
        """
        get = entry.get
        purl = get("purl")
        purl = (purl.strip() or None) if purl.__class__ is str else text(purl)
        name = get("name")
        name = (name.strip() or None) if name.__class__ is str else text(name)
        if name is None:
            if purl is None:
                raise self.raw.refuse(f"{self.describe(pointer)} has no name and no purl")
            name = _name_from_purl(purl)
            self.finding(ADVISORY, "DQ-SCHEMA", f"no name; {name!r} taken from the purl", pointer)
        # version, group, description: stripped, as XML text is (both syntaxes agree)
        version = get("version")
        version = (version.strip() or None) if version.__class__ is str else None
        group = get("group")
        group = (group.strip() or None) if group.__class__ is str else None
        description = get("description")
        description = (description.strip() or None) if description.__class__ is str else None
        cpe = get("cpe")
        hashes = get("hashes")
        licenses = get("licenses")
        fields = {
            "name": name,
            "version": version,
            "group": group,
            "purl": purl,
            "cpes": () if cpe is None or (cpe := text(cpe)) is None else (cpe,),
            "component_type": _COMPONENT_TYPES.get(get("type")),
            "hashes": _hashes(hashes) if hashes else (),
            "licenses": _licenses(licenses) if licenses else (),
            "description": description,
            "privilege": None,
            "boot_start": None,
            "platforms": (),
            "crash_loop_guard": None,
        }
        if facts is not None:
            for attr in ("privilege", "boot_start", "crash_loop_guard"):
                value = getattr(facts, attr)
                if value is not None:
                    fields[attr] = value
            if facts.platforms:
                fields["platforms"] = tuple(facts.platforms)
        return fields

    def product(self, metadata: JsonDict) -> ProductNode | None:
        entry = metadata.get("component")
        pointer = "/metadata/component"
        if not isinstance(entry, dict):
            self.sink.add(
                ADVISORY,
                "DQ-NO-SUBJECT",
                "no metadata.component: the document names no product; components stand alone",
            )
            return None
        facts = software_facts(
            entry.get("properties"),
            f"{pointer}/properties",
            is_product=True,
            report=self.report_property,
        )
        fields = self.software_fields(entry, pointer, facts)
        key = product_key(
            fields.get("purl"), fields["name"], fields.get("version"), fields.get("group")
        )
        if facts is not None and facts.category is not None:
            fields["category"] = facts.category
        fields["key"] = key
        fields["provenance"] = self.provenance(pointer)
        product = ProductNode.model_validate(fields)
        self.check_container_identity(product, pointer)
        self.add_node(product)
        self.register_ref(text(entry.get("bom-ref")), key, pointer)
        self.suppliers(entry, key, pointer)
        # metadata.supplier supplies the described component; metadata.manufacture (<= 1.5)
        # made it. metadata.manufacturer (1.6+) made the BOM, not the product: not mapped.
        for member, role in (("supplier", "supplier"), ("manufacture", "manufacturer")):
            entity = metadata.get(member)
            if isinstance(entity, dict):
                self.supplied_by(
                    key, entity.get("name"), entity.get("url"), f"/metadata/{member}", role
                )
        self.update_channels(key, facts)
        self.components(entry.get("components"), f"{pointer}/components", key)
        return product

    def check_container_identity(self, product: ProductNode, pointer: str) -> None:
        """A container subject must be immutable: an image digest, a purl or a hash.

        A mutable tag ("latest", "nonroot") names a different image after every push, so
        the SBOM cannot be tied to what runs anywhere: the document is refused.
        """
        if product.component_type is not ComponentType.CONTAINER or product.purl:
            return
        if product.hashes:
            return
        if product.version is None or not _IMAGE_DIGEST.match(product.version):
            raise self.raw.refuse(
                f"metadata.component is a container named by the mutable tag "
                f"{product.version!r}, not an image digest (sha256:...), purl or hash: the SBOM "
                "cannot be tied to an image"
            )

    def components(self, entries: Any, pointer: str, parent: str | None) -> None:
        """The components of ``entries`` (the hot loop: once per component, so the
        per-component steps are inlined and bound to locals)."""
        if not isinstance(entries, list):
            return
        nodes, edges, refs, ref_pointers = self.nodes, self.edges, self.refs, self.ref_pointers
        locate, fields_of, suppliers = self.locate, self.software_fields, self.suppliers
        for i, entry in enumerate(entries):
            here = f"{pointer}/{i}"
            properties = entry.get("properties")
            facts = (
                software_facts(
                    properties, f"{here}/properties", is_product=False, report=self.report_property
                )
                if properties
                else None
            )
            fields = fields_of(entry, here, facts)
            ref = entry.get("bom-ref")
            ref = (ref.strip() or None) if ref.__class__ is str else text(ref)
            purl = fields["purl"]
            if purl is not None:
                key = _COMPONENT_PREFIX + normalise_purl(purl)
            else:
                key = self.local_key(fields, ref)
            location = here if locate is None else locate(here)
            if key not in nodes:  # else the same package listed again: first one wins
                nodes[key] = (key, _COMPONENT, location, _dumps(fields).decode())
            if ref is not None:
                if ref in ref_pointers:
                    self.register_ref(ref, key, here)  # reports the duplicate
                else:
                    refs[ref] = key
                    ref_pointers[ref] = here
            if parent is not None:  # the CONTAINS edge has the component's origin
                identity = (parent, _CONTAINS, key, "")
                if identity not in edges:
                    edges[identity] = (parent, _CONTAINS, key, "", location)
            suppliers(entry, key, here)
            if facts is not None:
                self.update_channels(key, facts)
            children = entry.get("components")
            if children:
                self.components(children, f"{here}/components", key)

    def local_key(self, fields: Mapping[str, Any], ref: str | None) -> str:
        """Key of a component without a purl: its bom-ref, else group/name@version, in
        this document."""
        local = ref
        if local is None:
            group, version = fields["group"], fields["version"]
            local = f"{group}/{fields['name']}" if group else fields["name"]
            local = f"{local}@{version}" if version else local
        return document_scoped_key(NodeKind.COMPONENT, self.doc_id, local)

    def update_channels(self, key: str, facts: SoftwareFacts | None) -> None:
        if facts is not None:
            for channel_id, pointer in facts.update_channels:
                target = key_for(NodeKind.UPDATE_CHANNEL, channel_id)
                self.add_edge(key, EdgeKind.UPDATED_VIA, target, pointer)

    # -- services and update channels -------------------------------------------------

    def services(self, entries: Any, pointer: str) -> None:
        if not isinstance(entries, list):
            return
        for i, entry in enumerate(entries):
            self.service(entry, f"{pointer}/{i}")

    def service(self, entry: JsonDict, pointer: str) -> None:
        ref = text(entry.get("bom-ref"))
        name = text(entry.get("name"))
        if name is None:
            raise self.raw.refuse(f"{self.describe(pointer)} (a service) has no name")
        provider = entry.get("provider")
        vendor = None
        if isinstance(provider, dict):
            vendor = self.vendor(provider.get("name"), provider.get("url"), f"{pointer}/provider")
        channel = channel_facts(
            entry.get("properties"), f"{pointer}/properties", report=self.report_property
        )
        node: Node
        if channel is not None:
            key = key_for(NodeKind.UPDATE_CHANNEL, channel.channel_id)
            if key in self.nodes:
                self.finding(
                    WARNING,
                    "DQ-DUPLICATE-REF",
                    f"update channel {channel.channel_id!r} declared twice; the first is kept",
                    pointer,
                )
            node = UpdateChannelNode(
                key=key,
                name=name,
                provenance=self.provenance(pointer),
                vendor=vendor,
                **channel.fields,
            )
            self.channels.add(key)
        else:
            group, version = text(entry.get("group")), text(entry.get("version"))
            local = ref or "/".join(filter(None, (group, name))) + (
                f"@{version}" if version else ""
            )
            key = document_scoped_key(NodeKind.SERVICE, self.doc_id, local)
            endpoints = entry.get("endpoints")
            node = ServiceNode(
                key=key,
                name=name,
                provenance=self.provenance(pointer),
                version=version,
                group=group,
                endpoints=tuple(e for e in endpoints if isinstance(e, str))
                if isinstance(endpoints, list)
                else (),
                authenticated=_flag(entry.get("authenticated")),
                crosses_trust_boundary=_flag(entry.get("x-trust-boundary")),
            )
        self.add_node(node)
        self.register_ref(ref, key, pointer)
        if vendor is not None:
            self.add_edge(key, EdgeKind.OPERATED_BY, vendor, f"{pointer}/provider")
        self.services(entry.get("services"), f"{pointer}/services")

    # -- dependencies and vulnerabilities ---------------------------------------------

    def dangling(self, ref: Any, what: str, pointer: str) -> None:
        hint = " (a BOM-Link into another document)" if str(ref).startswith("urn:cdx:") else ""
        self.finding(
            WARNING,
            "DQ-DANGLING-REF",
            f"{self.describe(pointer)}: {what} {ref!r} matches no bom-ref in the document"
            f"{hint}; edge dropped",
            pointer,
        )

    def dependencies(self, entries: Any) -> None:
        """DEPENDS_ON (UPDATED_VIA to a channel) edges (the hot loop: ~1 entry and
        ~4 targets per component, so bound to locals)."""
        if not isinstance(entries, list):
            return
        refs, edges, channels, locate = self.refs, self.edges, self.channels, self.locate
        for i, entry in enumerate(entries):
            ref = entry.get("ref")
            ref = (ref.strip() or None) if ref.__class__ is str else text(ref)
            if ref is None:
                raise self.raw.refuse(f"{self.describe(f'/dependencies/{i}')} has no ref")
            source = refs.get(ref)
            if source is None:
                self.dangling(ref, "dependency ref", f"/dependencies/{i}")
                continue
            targets = entry.get("dependsOn")
            if not isinstance(targets, list):
                continue
            for j, target_ref in enumerate(targets):
                target = refs.get(target_ref) if target_ref.__class__ is str else None
                if target is None:
                    where = f"/dependencies/{i}/dependsOn/{j}"
                    self.dangling(target_ref, "dependsOn ref", where)
                elif target != source:  # two bom-refs of one package: no self-loop
                    kind = _UPDATED_VIA if target in channels else _DEPENDS_ON
                    identity = (source, kind, target, "")
                    if identity not in edges:
                        where = f"/dependencies/{i}/dependsOn/{j}"
                        where = where if locate is None else locate(where)
                        edges[identity] = (source, kind, target, "", where)

    def vulnerabilities(self, entries: Any) -> None:
        if not isinstance(entries, list):
            return
        for i, entry in enumerate(entries):
            pointer = f"/vulnerabilities/{i}"
            vuln_id = text(entry.get("id"))
            if vuln_id is None:
                self.finding(WARNING, "DQ-SCHEMA", "vulnerability without an id; ignored", pointer)
                continue
            key = key_for(NodeKind.VULNERABILITY, vuln_id)
            source = entry.get("source")
            ratings = entry.get("ratings")
            rating = ratings[0] if isinstance(ratings, list) and ratings else {}
            score = rating.get("score")
            self.add_node(
                VulnerabilityNode(
                    key=key,
                    name=vuln_id,
                    provenance=self.provenance(pointer),
                    source=text(source.get("name")) if isinstance(source, dict) else None,
                    severity=text(rating.get("severity")),
                    score=float(score) if isinstance(score, int | float) else None,
                )
            )
            affects = entry.get("affects")
            for k, affected in enumerate(affects if isinstance(affects, list) else ()):
                affect_pointer = f"{pointer}/affects/{k}"
                ref = affected.get("ref")
                target = self.refs.get(ref) if isinstance(ref, str) else None
                if target is None:
                    self.dangling(ref, "affects ref", affect_pointer)
                else:
                    self.add_edge(key, EdgeKind.AFFECTS, target, affect_pointer)


def _hashes(entries: Sequence[Any]) -> tuple[dict[str, str], ...]:
    """``{"algorithm", "value"}`` of each hash with both as strings (Hash's JSON shape)."""
    out = []
    for h in entries:
        alg, content = h.get("alg"), h.get("content")
        if alg.__class__ is str and content.__class__ is str:
            out.append({"algorithm": alg, "value": content})
    return tuple(out)


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _licenses(entries: Sequence[Any]) -> tuple[str, ...]:
    """Licence ids (else names) and expressions, first spelling of each, in order."""
    out: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        lic = entry.get("license")
        if isinstance(lic, dict):
            named = lic.get("id")  # the common case, a plain SPDX id: text() inlined
            named = (named.strip() or None) if named.__class__ is str else text(named)
            if named is None:
                named = text(lic.get("name"))
        else:
            named = text(entry.get("expression"))
        if named is not None and named not in out:
            out.append(named)
    return tuple(out)


def map_document(
    raw: RawDocument,
    document: JsonDict,
    sink: FindingSink,
    *,
    locate: Callable[[str], str] | None,
    describe: Callable[[str], str],
) -> Mapped:
    """All records ``document`` asserts; raises :class:`Refused` for an unusable entry.

    ``locate`` turns a JSON pointer into the provenance location (None: the pointer
    itself, for JSON; an XPath-like path for XML); ``describe`` words a pointer for
    messages.
    """
    mapper = _Mapper(raw, sink, locate, describe)
    metadata = document.get("metadata")
    product = mapper.product(metadata if isinstance(metadata, dict) else {})
    mapper.components(document.get("components"), "/components", product.key if product else None)
    mapper.services(document.get("services"), "/services")
    mapper.dependencies(document.get("dependencies"))
    mapper.vulnerabilities(document.get("vulnerabilities"))
    mapper.add_vendor_nodes()
    nodes, edges = mapper.records()
    return Mapped(product, nodes, edges)
