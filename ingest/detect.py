"""Detect a document's format from its content, never from its file name.

Detection decodes the content once and hands the decoded payload on to the format
parser: a dict for JSON and YAML, the root Element for XML (parsed by defusedxml, so
external entities and entity expansion are refused here, before anything else sees
the document; CycloneDX XML gets an :class:`XmlStream`, the parse stopped at the root's
start tag, for its reader to finish), text for SPDX tag-value and CSV.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import orjson
import yaml
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse as safe_iterparse

from graph.vocabulary import DocumentFormat
from ingest.source import RawDocument

__all__ = ["Detected", "XmlStream", "detect"]

_CDX_NS = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(\d+\.\d+)\}bom$")
_RDF_ROOT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
_TV_VERSION = re.compile(rb"^\s*SPDXVersion\s*:\s*SPDX-\d", re.MULTILINE)
_INVENTORY_KEYS = frozenset({"operators", "host_groups", "deployments", "functions", "contracts"})
_CHANNEL_KEYS = frozenset({"channels"})
_ALIAS_KEYS = frozenset({"vendors", "aliases"})
_CSV_HEADER_HINT = "host_group"


@dataclass(frozen=True, slots=True)
class Detected:
    format: DocumentFormat
    payload: Any


def detect(raw: RawDocument) -> Detected:
    """Classify ``raw`` or raise :class:`Refused` saying what it is not."""
    data = raw.data
    if not data or data.isspace():  # not data.strip(): that copies the whole file
        raise raw.refuse("empty file")
    if b"\x00" in data[:8192]:
        raise raw.refuse("binary content, not a text document")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"[", b'"'):
        return _detect_json(raw)
    if head == b"<":
        return _detect_xml(raw)
    text = _decode(raw)
    if _TV_VERSION.search(data[:65536]):
        return Detected(DocumentFormat.SPDX_TAG_VALUE, text)
    first_line = text.lstrip().split("\n", 1)[0]
    if _CSV_HEADER_HINT in first_line and "," in first_line and ":" not in first_line:
        return Detected(DocumentFormat.INVENTORY_CSV, text)
    return _detect_yaml(raw, text)


def _decode(raw: RawDocument) -> str:
    try:
        return raw.data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise raw.refuse(f"not UTF-8 text (invalid byte at offset {e.start})") from e


def _detect_json(raw: RawDocument) -> Detected:
    try:
        doc = orjson.loads(raw.data.lstrip(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as e:
        raise raw.refuse(f"invalid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise raw.refuse(f"JSON top level is {_json_type(doc)}, expected an object")
    return Detected(_classify_mapping(raw, doc, "JSON"), doc)


def _json_type(value: object) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _classify_mapping(raw: RawDocument, doc: dict[str, Any], syntax: str) -> DocumentFormat:
    if "bomFormat" in doc:
        if doc.get("bomFormat") != "CycloneDX":
            raise raw.refuse(f"bomFormat is {doc.get('bomFormat')!r}, expected 'CycloneDX'")
        if syntax != "JSON":
            raise raw.refuse("CycloneDX must be JSON or XML, not YAML")
        return DocumentFormat.CYCLONEDX_JSON
    if "spdxVersion" in doc:
        return DocumentFormat.SPDX_JSON if syntax == "JSON" else DocumentFormat.SPDX_YAML
    context = doc.get("@context")
    if isinstance(context, str | list) and "spdx" in str(context).lower():
        return DocumentFormat.SPDX3_JSONLD
    keys = set(doc)
    if syntax == "YAML":
        if keys & _INVENTORY_KEYS:
            return DocumentFormat.INVENTORY_YAML
        if keys & _CHANNEL_KEYS:
            return DocumentFormat.CHANNELS_YAML
        if keys & _ALIAS_KEYS:
            return DocumentFormat.VENDOR_ALIASES_YAML
    shown = ", ".join(sorted(map(str, keys))[:5]) or "none"
    raise raw.refuse(
        f"not a CycloneDX, SPDX or riskgraph document ({syntax} object with keys: {shown})"
    )


class XmlStream:
    """A CycloneDX XML document whose defusedxml parse has reached the root's start tag.

    The rest of the parse is the CycloneDX reader's (:func:`ingest.cyclonedx_xml.stream_to_dict`),
    which converts each component as it is parsed and clears it, so the document's tree
    (about 5x the file in ElementTree objects) never exists whole. :meth:`events` refuses
    a malformed document with the line detection would have given.
    """

    __slots__ = ("_events", "_raw", "root", "tag")

    def __init__(self, raw: RawDocument, root: Element, events: Iterator[tuple[str, Any]]) -> None:
        self._raw = raw
        self._events = events
        self.root = root
        self.tag = root.tag

    def events(self) -> Iterator[tuple[str, Any]]:
        """``("start" | "end", element)`` for the rest of the document (once)."""
        with _xml_errors(self._raw):
            yield from self._events


@contextmanager
def _xml_errors(raw: RawDocument) -> Iterator[None]:
    try:
        yield
    except EntitiesForbidden as e:
        if e.sysid or e.pubid:
            reason = f"XML declares external entity {e.name!r} (refused: XXE risk)"
        else:
            reason = f"XML declares entity {e.name!r} (refused: entity-expansion risk)"
        raise raw.refuse(reason) from e
    except ExternalReferenceForbidden as e:
        raise raw.refuse("XML references an external resource (refused: XXE risk)") from e
    except DTDForbidden as e:  # pragma: no cover - DTDs are allowed, entities are not
        raise raw.refuse("XML has a DTD") from e
    except ParseError as e:
        raise raw.refuse(f"invalid XML: {e}") from e


def _detect_xml(raw: RawDocument) -> Detected:
    # defusedxml refuses entity declarations and external references in the prolog, so
    # before the root's start tag: nothing else is parsed until then.
    events = safe_iterparse(io.BytesIO(raw.data), events=("start", "end"), forbid_dtd=False)
    with _xml_errors(raw):
        _, root = next(events)
    tag = root.tag
    if _CDX_NS.match(tag):
        return Detected(DocumentFormat.CYCLONEDX_XML, XmlStream(raw, root, events))
    with _xml_errors(raw):  # every other XML format reads the whole tree
        for _ in events:
            pass
    if tag == _RDF_ROOT:
        if "spdx" in raw.data[:4096].decode("utf-8", "replace").lower():
            return Detected(DocumentFormat.SPDX_RDF, root)
        raise raw.refuse("RDF/XML that is not an SPDX document")
    local = tag.rsplit("}", 1)[-1]
    if local == "bom":
        raise raw.refuse(f"XML root <bom> is not in a CycloneDX namespace (got {tag!r})")
    if local in {"Document", "SpdxDocument"} or root.find("spdxVersion") is not None:
        return Detected(DocumentFormat.SPDX_XML, root)
    raise raw.refuse(f"XML root <{local}> is not a CycloneDX or SPDX document")


def _detect_yaml(raw: RawDocument, text: str) -> Detected:
    try:
        doc = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or "syntax error"
        raise raw.refuse(f"not JSON, XML, SPDX tag-value or valid YAML ({problem}{where})") from e
    if not isinstance(doc, dict):
        raise raw.refuse("not a recognised document (no JSON, XML, tag-value or YAML mapping)")
    return Detected(_classify_mapping(raw, doc, "YAML"), doc)
