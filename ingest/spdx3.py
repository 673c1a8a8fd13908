"""SPDX 3.0 / 3.0.1 JSON-LD into graph records, read from the ``@graph`` directly.

No Python library reads SPDX 3 (spdx-tools only writes a pre-release model), and the
JSON-LD is a flat list of elements linked by id, so a plain walk is enough. Both the
3.0 names (``software_Package``, ``software_packageVersion``) and the un-prefixed
pre-release names (``Package``, ``packageVersion``) are accepted.

Subjects are the packages among the ``rootElement`` of the SpdxDocument (through an
Sbom / Bom when the root is one) and the targets of ``describes`` relationships.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from graph.model import ParsedDocument
from graph.vocabulary import DocumentFormat, EdgeKind, Severity
from ingest.source import FindingSink, RawDocument
from ingest.spdx_graph import GraphBuilder, SoftwareFacts, document_info, software_key
from ingest.spdx_values import (
    INFO,
    NO_VALUE,
    WARNING,
    Tally,
    component_type_of,
    json_pointer,
    make_hash,
    parse_actor,
    parse_timestamp,
    text_of,
)

__all__ = ["parse"]

Element = dict[str, Any]

_SPEC = re.compile(r"^3\.\d+(\.\d+)?$")
_CONTAINERS = frozenset({"SpdxDocument", "Sbom", "Bom", "Bundle"})
_EDGES: dict[str, tuple[EdgeKind, str]] = {
    "contains": (EdgeKind.CONTAINS, ""),
    "hasOptionalComponent": (EdgeKind.CONTAINS, "optional"),
    "dependsOn": (EdgeKind.DEPENDS_ON, ""),
    "hasDynamicLink": (EdgeKind.DEPENDS_ON, "dynamic-link"),
    "hasStaticLink": (EdgeKind.DEPENDS_ON, "static-link"),
    "hasOptionalDependency": (EdgeKind.DEPENDS_ON, "optional"),
    "hasProvidedDependency": (EdgeKind.DEPENDS_ON, "provided"),
    "hasPrerequisite": (EdgeKind.DEPENDS_ON, "prerequisite"),
    "usesTool": (EdgeKind.DEPENDS_ON, "tool"),
}
_LICENSES = ("hasConcludedLicense", "hasDeclaredLicense")
_OTHER_TYPES = frozenset(
    {
        "affects", "amendedBy", "ancestorOf", "availableFrom", "configures", "coordinatedBy",
        "copiedTo", "delegatedTo", "descendantOf", "describes", "doesNotAffect", "expandsTo",
        "exploitCreatedBy", "fixedBy", "fixedIn", "foundBy", "generates", "hasAddedFile",
        "hasAssessmentFor", "hasAssociatedVulnerability", "hasDataFile", "hasDeletedFile",
        "hasDependencyManifest", "hasDistributionArtifact", "hasDocumentation", "hasEvidence",
        "hasExample", "hasHost", "hasInput", "hasMetadata", "hasOutput", "hasRequirement",
        "hasSpecification", "hasTest", "hasTestCase", "hasVariant", "invokedBy", "modifiedBy",
        "other", "packagedBy", "patchedBy", "publishedBy", "reportedBy", "republishedBy",
        "serializedInArtifact", "testedOn", "trainedOn", "underInvestigationFor",
    }
)  # fmt: skip
_SCOPE_ROLES = {"development": "dev"}
_INDIVIDUALS = re.compile(r"/Core/(NoAssertionElement|NoneElement|SpdxOrganization)$")


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """Map an SPDX 3 JSON-LD document, already decoded by :func:`ingest.detect.detect`."""
    if fmt is not DocumentFormat.SPDX3_JSONLD or not isinstance(payload, dict):
        raise raw.refuse(f"{fmt.value} is not SPDX 3 JSON-LD")
    graph = payload.get("@graph")
    if not isinstance(graph, list):
        raise raw.refuse("no '@graph' list: not an SPDX 3 JSON-LD serialisation")
    return _Mapper(raw, graph).run()


def _local_type(element: Element) -> str:
    """``software_Package`` / ``spdx:Software/Package`` -> ``Package``."""
    value = element.get("type", element.get("@type"))
    text = value[0] if isinstance(value, list) and value else value
    local = re.split(r"[/#:]", str(text or ""))[-1]
    return re.sub(r"^[a-z]+_", "", local)


def _id(element: Element) -> str | None:
    return text_of(element.get("spdxId")) or text_of(element.get("@id"))


def _prop(element: Element, name: str) -> Any:
    """A software-profile property under its 3.0 name or its pre-release bare name."""
    value = element.get(f"software_{name}")
    return element.get(name) if value is None else value


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _canonical_type(written: str) -> str:
    """``DEPENDS_ON`` / ``depends_on`` -> ``dependsOn``; camelCase stays as written."""
    if "_" not in written and not written.isupper():
        return written
    head, *rest = written.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


class _Mapper:
    def __init__(self, raw: RawDocument, graph: list[Any]) -> None:
        self.raw, self.sink = raw, FindingSink(raw.document_id)
        self.tally = Tally(self.sink)
        self.builder = GraphBuilder(raw, self.sink)
        self.elements: dict[str, Element] = {}
        self.where: dict[int, str] = {}  # id(element) -> JSON pointer
        self.by_type: dict[str, list[Element]] = {}
        for i, element in enumerate(graph):
            if not isinstance(element, dict):
                self.warn("DQ-SPDX-FIELD", "@graph entry is not an object; ignored", f"/@graph/{i}")
                continue
            self.where[id(element)] = json_pointer("@graph", i)
            ref = _id(element)
            if ref is not None:
                self.elements.setdefault(ref, element)
            self.by_type.setdefault(_local_type(element), []).append(element)
        self.packages = self.by_type.get("Package", [])
        self.relationships = self.by_type.get("Relationship", []) + self.by_type.get(
            "LifecycleScopedRelationship", []
        )
        self.external = {  # elements of other documents that this one refers to
            str(text_of((self.resolve(item) or {}).get("externalSpdxId")))
            for document in self.by_type.get("SpdxDocument", [])
            for item in _as_list(document.get("import"))
        }
        self.keys: dict[str, str] = {}  # package id -> node key
        self.owners: dict[str, str | None] = {}  # file / snippet id -> package id

    def warn(
        self, code: str, message: str, location: str | None, level: Severity = WARNING
    ) -> None:
        self.sink.add(level, code, message, location)

    def locate(self, element: Element | None) -> str | None:
        return self.where.get(id(element)) if element is not None else None

    def resolve(self, value: Any) -> Element | None:
        """An element named by id, or one written inline."""
        if isinstance(value, dict):
            return value
        return self.elements.get(value) if isinstance(value, str) else None

    def run(self) -> ParsedDocument:
        document = next(iter(self.by_type.get("SpdxDocument", [])), None)
        spec, created = self.creation(document)
        files = self.by_type.get("File", []) + self.by_type.get("Snippet", [])
        if not self.packages and not files:
            raise self.raw.refuse("no software_Package and no software_File: nothing to ingest")
        for element in self.packages:
            if _id(element) is None:
                name = text_of(element.get("name")) or "unnamed"
                raise self.raw.refuse(
                    f"package {name!r} at {self.locate(element)} has no spdxId, "
                    "so relationships cannot refer to it"
                )
        if document is None:
            self.warn("DQ-SPDX-MISSING-FIELD", "no SpdxDocument element", None)
        self.map_files(files)
        roots = self.subjects()  # in document order: the first is the subject
        is_root = set(roots)
        licenses = self.licenses()
        facts = [self.package_facts(p, licenses) for p in self.packages]
        for item in facts:
            self.add_package(item, product=item.ref in is_root)
        self.map_relationships()
        self.builder.contain_floating(
            [self.keys[ref] for ref in roots],
            ((self.keys[f.ref], f.location) for f in facts if f.ref not in is_root),
        )
        self.tally.flush()
        if not roots:
            self.warn("DQ-NO-SUBJECT", "no package is a rootElement or described", None)
        if files:
            self.warn("DQ-SPDX-FILES", f"{len(files)} files/snippets are not nodes", None, INFO)
        info = document_info(
            self.raw,
            DocumentFormat.SPDX3_JSONLD,
            spec,
            name=text_of(document.get("name")) if document else None,
            serial=_id(document) if document else None,
            subject=next((p for p in facts if p.ref == roots[0]), None) if roots else None,
            created=created,
        )
        return self.builder.build(info)

    def creation(self, document: Element | None) -> tuple[str, datetime | None]:
        """The spec version (or refuse) and the creation time of the document."""
        candidates = [self.resolve(document.get("creationInfo"))] if document else []
        candidates += self.by_type.get("CreationInfo", [])
        info = next((c for c in candidates if c and c.get("specVersion") is not None), None)
        if info is None:
            raise self.raw.refuse("no CreationInfo has a specVersion: the SPDX version is unknown")
        spec = info["specVersion"]
        if not isinstance(spec, str) or not _SPEC.match(spec.strip()):
            raise self.raw.refuse(f"specVersion {spec!r} is not SPDX 3.x (e.g. '3.0.1')")
        if info.get("created") in (None, ""):
            self.warn("DQ-SPDX-MISSING-FIELD", "CreationInfo.created is missing", self.locate(info))
            return spec.strip(), None
        return spec.strip(), parse_timestamp(info["created"], self.sink, self.locate(info))

    def map_files(self, files: list[Element]) -> None:
        """Which package each file belongs to, when exactly one package contains it."""
        claims: dict[str, set[str]] = {ref: set() for f in files if (ref := _id(f))}
        package_ids = {_id(p) for p in self.packages}
        for rel in self.relationships:
            source = text_of(rel.get("from"))
            if (
                _canonical_type(str(rel.get("relationshipType"))) == "contains"
                and source in package_ids
            ):
                for target in _as_list(rel.get("to")):
                    if target in claims:
                        claims[target].add(str(source))
        self.owners = {ref: next(iter(o)) if len(o) == 1 else None for ref, o in claims.items()}
        for snippet in self.by_type.get("Snippet", []):
            if (ref := _id(snippet)) is not None:
                self.owners[ref] = self.owners.get(str(_prop(snippet, "snippetFromFile")))

    def subjects(self) -> list[str]:
        """Ids of the subject packages, in document order, each once."""
        roots: list[Any] = []
        pending = [e for t in sorted(_CONTAINERS) for e in self.by_type.get(t, [])]
        seen: set[int] = set()
        while pending:
            container = pending.pop()
            if id(container) in seen:
                continue
            seen.add(id(container))
            for root in _as_list(container.get("rootElement")):
                element = self.resolve(root)
                if element is not None and _local_type(element) in _CONTAINERS:
                    pending.append(element)
                else:
                    roots.append(root)
        for rel in self.relationships:
            if _canonical_type(str(rel.get("relationshipType"))) != "describes":
                continue
            source = self.resolve(rel.get("from"))
            if source is None:
                self.warn(
                    "DQ-SPDX-RELATIONSHIP",
                    f"describes relationship from {rel.get('from')!r}, which is not an element;"
                    " read as from the document",
                    self.locate(rel),
                )
            elif _local_type(source) not in _CONTAINERS:
                continue
            roots.extend(_as_list(rel.get("to")))
        packages = {_id(p) for p in self.packages}
        return list(dict.fromkeys(r for r in roots if isinstance(r, str) and r in packages))

    def licenses(self) -> dict[str, list[str]]:
        """Package id -> its concluded, then declared licence expressions."""
        found: dict[str, list[tuple[int, str]]] = {}
        for rel in self.relationships:
            rtype = _canonical_type(str(rel.get("relationshipType")))
            source = text_of(rel.get("from"))
            if rtype not in _LICENSES or source is None:
                continue
            for target in _as_list(rel.get("to")):
                text = self.license_text(target)
                if text is not None:
                    found.setdefault(source, []).append((_LICENSES.index(rtype), text))
        return {
            ref: [t for _, t in sorted(items, key=lambda x: x[0])] for ref, items in found.items()
        }

    def license_text(self, value: Any) -> str | None:
        element = self.resolve(value)
        if element is None:
            return (
                value.rsplit("/", 1)[-1]
                if isinstance(value, str) and "/licenses/" in value
                else None
            )
        for key in ("simplelicensing_licenseExpression", "licenseExpression", "name"):
            if (text := text_of(element.get(key))) is not None:
                return text
        ref = _id(element) or ""
        return ref.rsplit("/", 1)[-1] if "/licenses/" in ref else None

    def package_facts(self, element: Element, licenses: dict[str, list[str]]) -> SoftwareFacts:
        ref = str(_id(element))
        location = self.locate(element)
        facts = SoftwareFacts(ref=ref, name=text_of(element.get("name")) or ref, location=location)
        facts.version = text_of(_prop(element, "packageVersion"))
        facts.purl = text_of(_prop(element, "packageUrl"))
        for item in _as_list(element.get("externalIdentifier")):
            identifier = self.resolve(item) or {}
            kind = text_of(identifier.get("externalIdentifierType"))
            value = text_of(identifier.get("identifier"))
            if value is None:
                continue
            if kind in ("packageUrl", "purl") and facts.purl is None:
                facts.purl = value
                if kind == "purl":
                    message = "externalIdentifierType 'purl' should be 'packageUrl'"
                    self.tally.add(WARNING, "DQ-SPDX-FIELD", message, location)
            elif kind in ("cpe22", "cpe23"):
                facts.cpes.append(value)
        for item in _as_list(element.get("verifiedUsing")):
            check = self.resolve(item) or {}
            found = make_hash(check.get("algorithm"), check.get("hashValue"))
            if _local_type(check) == "Hash" and found is not None:
                facts.hashes.append(found)
        for text in licenses.get(ref, []):
            facts.add_license(text)
        purpose = _prop(element, "primaryPurpose")
        facts.component_type = component_type_of(purpose, self.sink, location)
        facts.description = text_of(element.get("description")) or text_of(element.get("summary"))
        for field, actors in (("suppliedBy", facts.suppliers), ("originatedBy", facts.originators)):
            for value in _as_list(element.get(field)):
                agent = self.resolve(value)
                name = text_of(agent.get("name")) if agent else None
                if name is not None:
                    actors.append((name, location))
        return facts

    def add_package(self, facts: SoftwareFacts, *, product: bool) -> None:
        key = software_key(facts, self.raw.document_id, product=product)
        self.keys[facts.ref] = key
        if not self.builder.add_software(key, facts, product=product):
            message = f"{facts.ref} has the same identity as an earlier package ({key}); merged"
            self.warn("DQ-SPDX-DUPLICATE", message, facts.location, INFO)
        for role, actors in (("supplier", facts.suppliers), ("originator", facts.originators)):
            for name, location in actors:
                actor, _ = parse_actor(name)
                if actor is not None and actor.kind != "unknown":
                    message = f"agent name {name!r} carries an SPDX 2 type prefix"
                    self.tally.add(WARNING, "DQ-SPDX-ACTOR", message, location)
                if actor is not None:
                    self.builder.add_vendor(key, actor.name, role, location)

    def map_relationships(self) -> None:
        ignored: Counter[str] = Counter()
        respelled: set[str] = set()
        for rel in self.relationships:
            location = self.locate(rel)
            written = text_of(rel.get("relationshipType")) or ""
            rtype = _canonical_type(written)
            if rtype != written and written not in respelled:
                respelled.add(written)
                message = f"relationshipType {written!r} is not SPDX 3 camelCase; read as {rtype!r}"
                self.warn("DQ-SPDX-RELATIONSHIP", message, location)
            if rtype not in _EDGES and rtype not in _OTHER_TYPES and rtype not in _LICENSES:
                message = f"unknown relationshipType {written!r}; ignored"
                self.warn("DQ-SPDX-RELATIONSHIP", message, location)
                continue
            source = text_of(rel.get("from"))
            targets = [t for t in _as_list(rel.get("to")) if isinstance(t, str)]
            dangling = [r for r in [source, *targets] if r is not None and not self.is_known(r)]
            if dangling and rtype != "describes":
                message = (
                    f"{rtype} relationship names {dangling[0]!r}, which is not in this document"
                )
                self.warn("DQ-DANGLING-REF", message, location)
            if rtype not in _EDGES:
                if rtype not in _LICENSES and rtype != "describes":
                    ignored[rtype] += 1
                continue
            kind, role = _EDGES[rtype]
            scope = text_of(rel.get("scope"))
            if scope and not role:
                role = _SCOPE_ROLES.get(scope, scope)
            for target in targets:
                ends = (self.resolve_key(source, ignored), self.resolve_key(target, ignored))
                if ends[0] is not None and ends[1] is not None:
                    self.builder.add_edge(ends[0], kind, ends[1], location, role)
        if ignored:
            summary = ", ".join(f"{what} x{n}" for what, n in sorted(ignored.items()))
            self.warn("DQ-SPDX-RELATIONSHIP", f"relationships not mapped: {summary}", None, INFO)

    def is_known(self, ref: str) -> bool:
        return (
            ref in self.elements
            or ref in self.external
            or ref.upper() in NO_VALUE
            or bool(_INDIVIDUALS.search(ref))
        )

    def resolve_key(self, ref: str | None, ignored: Counter[str]) -> str | None:
        if ref is None:
            return None
        if ref in self.keys:
            return self.keys[ref]
        if ref in self.owners:
            owner = self.owners[ref]
            if owner is None:
                ignored["ends at a file of no single package"] += 1
            return self.keys.get(owner) if owner else None
        return None
