"""SPDX 2.x XML and RDF/XML into the SPDX JSON document shape.

*XML* (``<Document>`` with one child element per JSON key, list entries as repeated
elements) is converted directly from the Element that detection already parsed with
defusedxml. A key listed in the JSON schema as an array is always a list, even when it
occurs once.

*RDF/XML* has no simple tree shape, so it is read by spdx-tools (rdflib) and converted
back to the JSON shape with spdx-tools' own jsonschema converters. That reader is
strict: an RDF document it cannot read is refused with its first message. Detection
has already refused entity declarations, so re-parsing ``raw.data`` is safe.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from ingest.source import RawDocument

__all__ = ["RdfLocator", "XmlLocator", "from_rdf", "from_xml"]

_LIST_KEYS = frozenset(
    {
        "annotations", "artifactOfs", "attributionTexts", "checksums", "creators",
        "documentDescribes", "externalDocumentRefs", "externalRefs", "fileContributors",
        "fileDependencies", "fileTypes", "files", "hasExtractedLicensingInfos", "hasFiles",
        "licenseInfoFromFiles", "licenseInfoInFiles", "licenseInfoInSnippets", "packages",
        "packageVerificationCodeExcludedFiles", "ranges", "relationships", "revieweds",
        "seeAlsos", "snippets",
    }
)  # fmt: skip
_BOOLEAN_KEYS = frozenset({"filesAnalyzed"})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _convert(element: Element) -> Any:
    children = list(element)
    if not children:
        text = (element.text or "").strip()
        if _local(element.tag) in _BOOLEAN_KEYS:
            return {"true": True, "false": False}.get(text.lower(), text)
        return text
    result: dict[str, Any] = {}
    for child in children:
        key = _local(child.tag)
        value = _convert(child)
        if key in _LIST_KEYS:
            result.setdefault(key, []).append(value)
        elif key in result:  # repeated but not a schema array: keep every value
            previous = result[key]
            result[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[key] = value
    return result


class XmlLocator:
    """``/Document/packages[3]/supplier``: an XPath with 1-based positions."""

    def __init__(self, root: str) -> None:
        self.root = root

    def __call__(self, section: str, index: int | None = None, key: str | None = None) -> str:
        path = f"/{self.root}/{section}" + (f"[{index + 1}]" if index is not None else "")
        return f"{path}/{key}" if key else path


def from_xml(root: Element) -> tuple[dict[str, Any], XmlLocator]:
    """The JSON-shaped document of an SPDX XML root element (``<Document>``)."""
    converted = _convert(root)
    document = converted if isinstance(converted, dict) else {}
    return document, XmlLocator(_local(root.tag))


class RdfLocator:
    """RDF has no positions: a package is located by its node IRI (``ns#SPDXRef-x``)."""

    def __init__(self, document: dict[str, Any]) -> None:
        namespace = document.get("documentNamespace")
        self.namespace = namespace if isinstance(namespace, str) else ""
        self.document = document

    def __call__(
        self, section: str, index: int | None = None, key: str | None = None
    ) -> str | None:
        entries = self.document.get(section)
        if index is None or not isinstance(entries, list) or index >= len(entries):
            return f"<{self.namespace}> spdx:{key or section}"
        entry = entries[index]
        if section == "relationships":
            return f"<{self.namespace}#{entry.get('spdxElementId')}> spdx:relationship"
        node = f"<{self.namespace}#{entry.get('SPDXID')}>"
        return f"{node} spdx:{key}" if key else node


def from_rdf(raw: RawDocument) -> tuple[dict[str, Any], RdfLocator]:
    """Read SPDX RDF/XML with spdx-tools and convert it to the JSON document shape."""
    # spdx-tools and rdflib take about 0.4 s to import: only RDF/XML input pays for them.
    from rdflib import Graph  # noqa: PLC0415
    from spdx_tools.spdx.jsonschema.document_converter import DocumentConverter  # noqa: PLC0415
    from spdx_tools.spdx.parser.error import SPDXParsingError  # noqa: PLC0415
    from spdx_tools.spdx.parser.rdf.rdf_parser import (  # noqa: PLC0415
        translate_graph_to_document,
    )

    graph = Graph()
    try:
        graph.parse(data=raw.data, format="xml")
        document = translate_graph_to_document(graph)
        converter = DocumentConverter()  # type: ignore[no-untyped-call]
        converted: dict[str, Any] = converter.convert(document)
    except SPDXParsingError as e:
        messages = list(e.messages)
        first = " ".join(str(messages[0]).split())[:300] if messages else "no details"
        more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
        raise raw.refuse(f"SPDX RDF/XML not readable by spdx-tools: {first}{more}") from e
    except Exception as e:  # rdflib / beartype raise many unrelated types for bad input
        detail = " ".join(str(e).split())[:300] or type(e).__name__
        raise raw.refuse(f"SPDX RDF/XML not readable: {detail}") from e
    return converted, RdfLocator(converted)
