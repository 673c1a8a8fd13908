"""CycloneDX ingest (JSON 1.2-1.7, XML 1.0-1.7): validate, judge, map.

``parse`` is the format's entry point (see :class:`ingest.source.FormatParser`):

1. the spec version comes from ``specVersion`` (JSON) or the namespace (XML); anything
   outside the supported range refuses the file;
2. the document is validated against the bundled schema (:mod:`ingest.cyclonedx_schema`);
   :mod:`ingest.cyclonedx_policy` splits the errors into structural ones, which refuse the
   file with one line, and advisory ones, which become ``DQ-SCHEMA`` findings;
3. XML is turned into the JSON shape (:mod:`ingest.cyclonedx_xml`) and both are mapped by
   :mod:`ingest.cyclonedx_map`.

The CycloneDX library's own model (``Bom.from_json``) is deliberately not used: it is two
orders of magnitude slower, drops unknown data and rejects a document on any one error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from graph.keys import normalise_purl
from graph.model import DocumentInfo, ParsedDocument, ProductNode
from graph.records import DocumentRecords
from graph.vocabulary import DocumentFormat
from ingest.cyclonedx_map import map_document
from ingest.cyclonedx_policy import describe_path, judge
from ingest.cyclonedx_records import ADVISORY
from ingest.cyclonedx_schema import (
    JSON_SPEC_VERSIONS,
    XML_SPEC_VERSIONS,
    SchemaIssue,
    SchemaUnavailableError,
    validate_json,
    validate_xml,
)
from ingest.cyclonedx_xml import XPathLocator, bom_to_dict, stream_to_dict
from ingest.detect import XmlStream
from ingest.source import FindingSink, RawDocument

__all__ = ["load", "parse"]


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """Records of one CycloneDX document; raises :class:`ingest.source.Refused` if unusable."""
    return load(raw, fmt, payload).parsed()


def load(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> DocumentRecords:
    """:func:`parse`'s records as storage rows (the ingest hot path: no pydantic per record)."""
    sink = FindingSink(raw.document_id)
    if fmt is DocumentFormat.CYCLONEDX_JSON:
        if not isinstance(payload, dict):
            raise raw.refuse("CycloneDX JSON must be an object at the top level")
        spec_version = _json_spec_version(raw, payload)
        issues = validate_json(payload, spec_version)
        document: Mapping[str, Any] = payload
    elif fmt is DocumentFormat.CYCLONEDX_XML:
        if isinstance(payload, XmlStream):  # finish the parse: refuses a malformed file
            document = stream_to_dict(payload, _namespace_version(payload.tag))
        else:
            document = bom_to_dict(payload, _namespace_version(getattr(payload, "tag", "")))
        spec_version = _xml_spec_version(raw, payload)
        issues = _xml_issues(raw, spec_version, sink)
    else:
        raise raw.refuse(f"{fmt.value} is not a CycloneDX format")
    xml = fmt is DocumentFormat.CYCLONEDX_XML
    _apply_policy(raw, issues, spec_version, document, sink, xml=xml)
    locate = XPathLocator() if xml else None
    mapped = map_document(raw, document, sink, locate=locate, describe=locate or _dotted)
    info = _document_info(raw, fmt, spec_version, document, mapped.product, sink)
    return DocumentRecords(info, mapped.nodes, mapped.edges, sink.result())


def _dotted(pointer: str) -> str:
    """``/components/3/hashes/0`` -> ``components[3].hashes[0]``."""
    steps: list[str | int] = [
        int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~")
        for p in pointer.split("/")[1:]
    ]
    return describe_path(tuple(steps))


def _json_spec_version(raw: RawDocument, payload: Mapping[str, Any]) -> str:
    version = payload.get("specVersion")
    if version is None:
        raise raw.refuse("CycloneDX JSON without specVersion")
    if version not in JSON_SPEC_VERSIONS:
        supported = f"{JSON_SPEC_VERSIONS[0]} to {JSON_SPEC_VERSIONS[-1]}"
        raise raw.refuse(
            f"specVersion {version!r} is not a supported CycloneDX JSON version ({supported})"
        )
    return str(version)


def _namespace_version(tag: Any) -> str:
    text = str(tag)
    return text[1:].split("}", 1)[0].rsplit("/", 1)[-1] if text.startswith("{") else ""


def _xml_spec_version(raw: RawDocument, root: Any) -> str:
    version = _namespace_version(getattr(root, "tag", ""))
    if version not in XML_SPEC_VERSIONS:
        supported = f"{XML_SPEC_VERSIONS[0]} to {XML_SPEC_VERSIONS[-1]}"
        raise raw.refuse(
            f"CycloneDX XML namespace version {version!r} is not supported ({supported})"
        )
    return version


def _xml_issues(raw: RawDocument, spec_version: str, sink: FindingSink) -> list[SchemaIssue]:
    try:
        return validate_xml(raw.data, spec_version)
    except SchemaUnavailableError as e:
        sink.add(ADVISORY, "DQ-SCHEMA", f"not validated: {e}")
        return []
    except ValueError as e:
        raise raw.refuse(str(e)) from e


def _apply_policy(
    raw: RawDocument,
    issues: list[SchemaIssue],
    spec_version: str,
    document: Mapping[str, Any],
    sink: FindingSink,
    *,
    xml: bool,
) -> None:
    """Refuse on the first structural issue; record the advisory ones as findings."""
    structural: list[str] = []
    advisory: list[tuple[str, str]] = []
    for issue in issues:
        verdict = judge(issue, spec_version, document, xml=xml)
        if verdict.structural:
            structural.append(verdict.reason)
        else:
            advisory.append((verdict.reason, issue.location))
    if structural:
        more = len(structural) - 1
        suffix = f" (and {more} more structural schema error{'s' * (more > 1)})" if more else ""
        raise raw.refuse(structural[0] + suffix)
    for reason, location in advisory:
        sink.add(ADVISORY, "DQ-SCHEMA", f"schema (advisory): {reason}", location or None)


def _lineage(raw: RawDocument, document: Mapping[str, Any], product: ProductNode | None) -> str:
    """Documents describing the same subject share a lineage; the version is left out."""
    if product is not None:
        if product.purl:
            purl = normalise_purl(product.purl)
            at = purl.rfind("@")
            if at > purl.rfind("/"):
                purl = purl[:at]
            return f"cdx:{purl}"
        return f"cdx:{product.group}/{product.name}" if product.group else f"cdx:{product.name}"
    serial = document.get("serialNumber")
    if isinstance(serial, str) and serial:
        return f"cdx-serial:{serial}"
    return raw.document_id


def _created(document: Mapping[str, Any], sink: FindingSink, xml: bool) -> datetime | None:
    metadata = document.get("metadata")
    stamp = metadata.get("timestamp") if isinstance(metadata, Mapping) else None
    if not isinstance(stamp, str) or not stamp:
        return None
    location = "/bom/metadata/timestamp" if xml else "/metadata/timestamp"
    try:
        created = datetime.fromisoformat(stamp)
    except ValueError:
        sink.add(ADVISORY, "DQ-SCHEMA", f"metadata.timestamp {stamp!r} unreadable", location)
        return None
    if created.tzinfo is None:
        sink.add(
            ADVISORY, "DQ-SCHEMA", "metadata.timestamp has no time zone; UTC assumed", location
        )
        created = created.replace(tzinfo=UTC)
    return created


def _document_info(
    raw: RawDocument,
    fmt: DocumentFormat,
    spec_version: str,
    document: Mapping[str, Any],
    product: ProductNode | None,
    sink: FindingSink,
) -> DocumentInfo:
    if product is not None:
        name = f"{product.name} {product.version}" if product.version else product.name
    else:
        name = PurePath(raw.path).name
    serial = document.get("serialNumber")
    bom_version = document.get("version")
    return DocumentInfo(
        id=raw.document_id,
        sha256=raw.sha256,
        path=raw.path,
        size=len(raw.data),
        format=fmt,
        spec_version=spec_version,
        name=name,
        serial=serial if isinstance(serial, str) and serial else None,
        bom_version=bom_version
        if isinstance(bom_version, int) and not isinstance(bom_version, bool)
        else None,
        lineage=_lineage(raw, document, product),
        created=_created(document, sink, fmt is DocumentFormat.CYCLONEDX_XML),
        ingested_at=None,
    )
