"""SPDX 2.x (JSON, YAML, XML, tag-value, RDF/XML) into graph records.

Every syntax is first brought to the SPDX JSON document shape (tag-value and XML by
:mod:`ingest.spdx_tagvalue` and :mod:`ingest.spdx_xml`), then one lenient mapper reads
that dict. spdx-tools is not used to read (it rejects most real generator output) nor
to validate (super-linear): deviations become data-quality findings instead. A
document is refused only when it cannot be linked or is not written to the SPDX 2
model at all; see ``docs/spdx.md`` for the rules.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Any

from graph.model import DocumentInfo, ParsedDocument
from graph.vocabulary import DocumentFormat, EdgeKind, Severity
from ingest.source import FindingSink, RawDocument
from ingest.spdx_checks import DOCUMENT_REF, check_conformance, check_header, entries
from ingest.spdx_graph import GraphBuilder, SoftwareFacts, document_info, software_key
from ingest.spdx_tagvalue import read_tag_value
from ingest.spdx_values import (
    INFO,
    NO_VALUE,
    WARNING,
    Locator,
    component_type_of,
    json_pointer,
    make_hash,
    parse_timestamp,
    text_of,
)
from ingest.spdx_xml import from_rdf, from_xml

__all__ = ["parse"]

# type -> (edge kind, read right-to-left?, role)
_EDGES: dict[str, tuple[EdgeKind, bool, str]] = {
    "CONTAINS": (EdgeKind.CONTAINS, False, ""),
    "CONTAINED_BY": (EdgeKind.CONTAINS, True, ""),
    "OPTIONAL_COMPONENT_OF": (EdgeKind.CONTAINS, True, "optional"),
    "DEPENDS_ON": (EdgeKind.DEPENDS_ON, False, ""),
    "DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, ""),
    "RUNTIME_DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, "runtime"),
    "BUILD_DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, "build"),
    "DEV_DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, "dev"),
    "TEST_DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, "test"),
    "OPTIONAL_DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, "optional"),
    "PROVIDED_DEPENDENCY_OF": (EdgeKind.DEPENDS_ON, True, "provided"),
    "DYNAMIC_LINK": (EdgeKind.DEPENDS_ON, False, "dynamic-link"),
    "STATIC_LINK": (EdgeKind.DEPENDS_ON, False, "static-link"),
    "BUILD_TOOL_OF": (EdgeKind.DEPENDS_ON, True, "build-tool"),
    "HAS_PREREQUISITE": (EdgeKind.DEPENDS_ON, False, "prerequisite"),
    "PREREQUISITE_FOR": (EdgeKind.DEPENDS_ON, True, "prerequisite"),
}
_OTHER_TYPES = frozenset(
    {
        "DESCRIBES", "DESCRIBED_BY", "DEPENDENCY_MANIFEST_OF", "EXAMPLE_OF", "GENERATES",
        "GENERATED_FROM", "ANCESTOR_OF", "DESCENDANT_OF", "VARIANT_OF",
        "DISTRIBUTION_ARTIFACT", "PATCH_FOR", "PATCH_APPLIED", "COPY_OF", "FILE_ADDED",
        "FILE_DELETED", "FILE_MODIFIED", "EXPANDED_FROM_ARCHIVE", "DATA_FILE_OF",
        "TEST_CASE_OF", "DEV_TOOL_OF", "TEST_OF", "TEST_TOOL_OF", "DOCUMENTATION_OF",
        "METAFILE_OF", "PACKAGE_OF", "AMENDS", "REQUIREMENT_DESCRIPTION_FOR",
        "SPECIFICATION_FOR", "OTHER",
    }
)  # fmt: skip


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """Map an SPDX 2.x document, already decoded by :func:`ingest.detect.detect`."""
    sink = FindingSink(raw.document_id)
    locate: Locator
    if fmt in (DocumentFormat.SPDX_JSON, DocumentFormat.SPDX_YAML):
        if not isinstance(payload, dict):
            raise raw.refuse("SPDX document is not a JSON/YAML object")
        document, locate = payload, json_pointer
    elif fmt is DocumentFormat.SPDX_TAG_VALUE:
        tag_value = read_tag_value(str(payload))
        for code, message, line in tag_value.problems:
            sink.add(WARNING, code, message, f"line {line}")
        document, locate = tag_value.document, tag_value.locate
    elif fmt is DocumentFormat.SPDX_XML:
        document, locate = from_xml(payload)
    elif fmt is DocumentFormat.SPDX_RDF:
        document, locate = from_rdf(raw)
    else:
        raise raw.refuse(f"{fmt.value} is not an SPDX 2 format")
    return _Mapper(raw, fmt, document, locate, sink).run()


class _Mapper:
    def __init__(
        self,
        raw: RawDocument,
        fmt: DocumentFormat,
        doc: dict[str, Any],
        locate: Locator,
        sink: FindingSink,
    ) -> None:
        self.raw, self.fmt, self.doc, self.locate, self.sink = raw, fmt, doc, locate, sink
        self.builder = GraphBuilder(raw, sink)
        self.document_ids = {DOCUMENT_REF}
        self.package_ids: set[str] = set()
        self.keys: dict[str, str] = {}  # package SPDXID -> node key
        self.owners: dict[str, str | None] = {}  # file / snippet SPDXID -> its package

    def warn(
        self, code: str, message: str, location: str | None, level: Severity = WARNING
    ) -> None:
        self.sink.add(level, code, message, location)

    def run(self) -> ParsedDocument:
        raw, doc = self.raw, self.doc
        version, minor, spdx_id = check_header(raw, doc, self.locate, self.sink)
        self.document_ids.add(spdx_id)
        check_conformance(raw, doc, self.locate, self.sink, (version, minor))
        packages, files = entries(raw, doc, "packages"), entries(raw, doc, "files")
        relationships = entries(raw, doc, "relationships")
        facts = [self.package_facts(i, p) for i, p in enumerate(packages)]
        self.package_ids = {f.ref for f in facts}
        self.map_files(packages, files, entries(raw, doc, "snippets"), relationships)
        described = self.described(relationships)  # in document order: the first is the subject
        is_described = set(described)
        for item in facts:
            self.add_package(item, product=item.ref in is_described)
        self.relationships(relationships)
        self.builder.contain_floating(
            [self.keys[ref] for ref in described],
            ((self.keys[f.ref], f.location) for f in facts if f.ref not in is_described),
        )
        if not described:
            message = "no package is described (no documentDescribes or DESCRIBES relationship)"
            self.warn("DQ-NO-SUBJECT", message + ": its packages belong to no product", None)
        if files:
            self.warn("DQ-SPDX-FILES", f"{len(files)} files are not mapped to nodes", None, INFO)
        by_ref = {f.ref: f for f in facts}
        subject = by_ref[described[0]] if described else None
        return self.builder.build(self.info(version, subject))

    def package_facts(self, index: int, package: dict[str, Any]) -> SoftwareFacts:
        ref = str(text_of(package.get("SPDXID")))
        location = self.locate("packages", index)
        facts = SoftwareFacts(ref=ref, name=text_of(package.get("name")) or ref, location=location)
        version = package.get("versionInfo")
        facts.version = text_of(version)
        if isinstance(version, int | float) and not isinstance(version, bool):
            message = (
                f"versionInfo is a number ({version!r}), not a string; read as {facts.version!r}"
            )
            self.warn("DQ-SPDX-FIELD", message, self.locate("packages", index, "versionInfo"))
        self.external_refs(package, facts, index)
        checksums = package.get("checksums")
        for checksum in checksums if isinstance(checksums, list) else []:
            if isinstance(checksum, dict):
                found = make_hash(checksum.get("algorithm"), checksum.get("checksumValue"))
                if found is not None:
                    facts.hashes.append(found)
        facts.add_license(package.get("licenseConcluded"))
        facts.add_license(package.get("licenseDeclared"))
        purpose = package.get("primaryPackagePurpose")
        facts.component_type = component_type_of(purpose, self.sink, location)
        facts.description = text_of(package.get("description")) or text_of(package.get("summary"))
        for field, actors in (("supplier", facts.suppliers), ("originator", facts.originators)):
            actor = text_of(package.get(field))
            if actor is not None:
                actors.append((actor, self.locate("packages", index, field)))
        return facts

    def external_refs(self, package: dict[str, Any], facts: SoftwareFacts, index: int) -> None:
        """purl (the identity: first one wins) and CPEs from ``externalRefs``."""
        refs = package.get("externalRefs")
        for ref in refs if isinstance(refs, list) else []:
            if (
                not isinstance(ref, dict)
                or (locator := text_of(ref.get("referenceLocator"))) is None
            ):
                continue
            category = (text_of(ref.get("referenceCategory")) or "").upper().replace("_", "-")
            kind = (text_of(ref.get("referenceType")) or "").lower()
            if category == "PACKAGE-MANAGER" and kind == "purl":
                if not locator.startswith("pkg:"):
                    message = f"purl {locator!r} does not start with 'pkg:'; ignored"
                    self.warn(
                        "DQ-SPDX-FIELD", message, self.locate("packages", index, "externalRefs")
                    )
                elif facts.purl is None:
                    facts.purl = locator
            elif category == "SECURITY" and kind in ("cpe22type", "cpe23type"):
                facts.cpes.append(locator)

    def map_files(
        self,
        packages: list[dict[str, Any]],
        files: list[dict[str, Any]],
        snippets: list[dict[str, Any]],
        relationships: list[dict[str, Any]],
    ) -> None:
        """Which package each file belongs to, when exactly one package claims it."""
        claims: dict[str, set[str]] = {
            ref: set() for f in files if (ref := text_of(f.get("SPDXID")))
        }
        for package in packages:
            owned = package.get("hasFiles")
            for ref in owned if isinstance(owned, list) else []:
                claims.setdefault(str(ref), set()).add(str(text_of(package["SPDXID"])))
        for rel in relationships:
            rtype = _normalise_type(rel.get("relationshipType"))
            a, b = text_of(rel.get("spdxElementId")), text_of(rel.get("relatedSpdxElement"))
            if rtype == "CONTAINED_BY":
                a, b = b, a
            if rtype in ("CONTAINS", "CONTAINED_BY") and b in claims and a is not None:
                claims[b].add(a)
        for ref, claimants in claims.items():
            owners = claimants & self.package_ids
            self.owners[ref] = next(iter(owners)) if len(owners) == 1 else None
        for snippet in snippets:
            ref, source = text_of(snippet.get("SPDXID")), text_of(snippet.get("snippetFromFile"))
            if ref is not None:
                self.owners[ref] = self.owners.get(source or "")

    def described(self, relationships: list[dict[str, Any]]) -> list[str]:
        """SPDXIDs of the described packages, in document order."""
        refs: dict[str, str | None] = {}
        listed = self.doc.get("documentDescribes") or []
        for j, ref in enumerate(listed if isinstance(listed, list) else [listed]):
            if (text := text_of(ref)) is not None:
                refs.setdefault(text, self.locate("documentDescribes", j))
        for i, rel in enumerate(relationships):
            rtype = _normalise_type(rel.get("relationshipType"))
            a, b = text_of(rel.get("spdxElementId")), text_of(rel.get("relatedSpdxElement"))
            if rtype == "DESCRIBED_BY":
                a, b = b, a
            if rtype in ("DESCRIBES", "DESCRIBED_BY") and a in self.document_ids and b:
                refs.setdefault(b, self.locate("relationships", i))
        packages = []
        for ref, location in refs.items():
            if ref in self.package_ids:
                packages.append(ref)
            elif ref in self.owners:
                self.warn("DQ-SPDX-FILES", f"described file {ref!r} is not a node", location, INFO)
            elif ref.startswith("DocumentRef-"):
                message = f"described {ref!r} is in another document"
                self.warn("DQ-SPDX-EXTERNAL-REF", message, location, INFO)
            else:
                self.warn("DQ-DANGLING-REF", f"described element {ref!r} does not exist", location)
        return packages

    def add_package(self, facts: SoftwareFacts, *, product: bool) -> None:
        if facts.ref in self.keys:
            message = f"SPDXID {facts.ref!r} is used by two packages; the first is kept"
            self.warn("DQ-SPDX-DUPLICATE", message, facts.location)
            return
        key = software_key(facts, self.raw.document_id, product=product)
        self.keys[facts.ref] = key
        if not self.builder.add_software(key, facts, product=product):
            message = f"{facts.ref} has the same identity as an earlier package ({key}); merged"
            self.warn("DQ-SPDX-DUPLICATE", message, facts.location, INFO)
        for role, actors in (("supplier", facts.suppliers), ("originator", facts.originators)):
            for text, location in actors:
                self.builder.add_actor(key, text, role, location)

    def relationships(self, relationships: list[dict[str, Any]]) -> None:
        ignored: Counter[str] = Counter()
        respelled: set[str] = set()
        for i, rel in enumerate(relationships):
            location = self.locate("relationships", i)
            written = text_of(rel.get("relationshipType"))
            a, b = text_of(rel.get("spdxElementId")), text_of(rel.get("relatedSpdxElement"))
            if written is None or a is None or b is None:
                self.warn("DQ-SPDX-RELATIONSHIP", "relationship is incomplete; ignored", location)
                continue
            rtype = _normalise_type(written)
            if rtype not in _EDGES and rtype not in _OTHER_TYPES:
                message = f"unknown relationship type {written!r} ({a} -> {b}); ignored"
                self.warn("DQ-SPDX-RELATIONSHIP", message, location)
                continue
            if written != rtype and written not in respelled:
                respelled.add(written)
                message = (
                    f"relationship type {written!r} is not spelled as in the spec; read as {rtype}"
                )
                self.warn("DQ-SPDX-RELATIONSHIP", message, location)
            dangling = [ref for ref in (a, b) if not self.is_known(ref)]
            if dangling:
                message = f"{a} {written} {b}: {dangling[0]!r} is not in this document; dropped"
                self.warn("DQ-DANGLING-REF", message, location)
            elif rtype in _EDGES:
                kind, reverse, role = _EDGES[rtype]
                source, target = self.resolve(a, ignored), self.resolve(b, ignored)
                if source is not None and target is not None:
                    if reverse:
                        source, target = target, source
                    self.builder.add_edge(source, kind, target, location, role)
            elif rtype not in ("DESCRIBES", "DESCRIBED_BY"):
                ignored[f"type {rtype}"] += 1
        if ignored:
            summary = ", ".join(f"{what} x{n}" for what, n in sorted(ignored.items()))
            self.warn("DQ-SPDX-RELATIONSHIP", f"relationships not mapped: {summary}", None, INFO)

    def is_known(self, ref: str) -> bool:
        """Whether ``ref`` names something: an element here, another document, or nothing."""
        return (
            ref in self.keys
            or ref in self.owners
            or ref in self.document_ids
            or ref.upper() in NO_VALUE
            or ref.startswith("DocumentRef-")
        )

    def resolve(self, ref: str, ignored: Counter[str]) -> str | None:
        """The node key a known relationship end stands for; None when it has none."""
        if ref in self.keys:
            return self.keys[ref]
        if ref in self.owners:
            owner = self.owners[ref]
            if owner is None:
                ignored["ends at a file of no single package"] += 1
            return self.keys.get(owner) if owner else None
        if ref.startswith("DocumentRef-"):
            ignored["ends in another document"] += 1
        elif ref in self.document_ids:
            ignored["ends at the document itself"] += 1
        return None

    def info(self, version: str, subject: SoftwareFacts | None) -> DocumentInfo:
        creation = self.doc.get("creationInfo")
        created = None
        if isinstance(creation, dict) and creation.get("created") not in (None, ""):
            where = self.locate("creationInfo", key="created")
            created = parse_timestamp(creation["created"], self.sink, where)
        return document_info(
            self.raw,
            self.fmt,
            version,
            name=text_of(self.doc.get("name")),
            serial=text_of(self.doc.get("documentNamespace")),
            subject=subject,
            created=created,
        )


def _normalise_type(value: Any) -> str:
    """``describes`` / ``depends-on`` / ``dependsOn`` -> ``DESCRIBES`` / ``DEPENDS_ON``."""
    return _normalise_text(text_of(value) or "")


@functools.lru_cache(maxsize=256)
def _normalise_text(text: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    return re.sub(r"[\s\-]+", "_", text).upper()
