"""Schema validation of CycloneDX documents against the schemas bundled with cyclonedx-python-lib.

JSON (1.2-1.7) is checked with a compiled jsonschema_rs validator, XML (1.0-1.7) with an
lxml ``XMLSchema``. Both resolve every ``$ref`` / ``xs:import`` from the bundled files and
never touch the network. Every error becomes a :class:`SchemaIssue` with a JSON-shaped
path, so one policy (:mod:`ingest.cyclonedx_policy`) judges JSON and XML errors alike.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
from lxml import etree

from ingest.cyclonedx_xml import json_path_of, text_member, xpath_of

__all__ = [
    "JSON_SPEC_VERSIONS",
    "XML_SPEC_VERSIONS",
    "SchemaIssue",
    "SchemaUnavailableError",
    "validate_json",
    "validate_xml",
]

JSON_SPEC_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
XML_SPEC_VERSIONS = ("1.0", "1.1", *JSON_SPEC_VERSIONS)
_SCHEMA_BASE_URI = "http://cyclonedx.org/schema/"
_JSON_SHARED = (
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
    "cryptography-defs.SNAPSHOT.schema.json",
)


class SchemaUnavailableError(Exception):
    """No schema is bundled for this spec version (the document is mapped unvalidated)."""


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One schema error, located by a JSON-shaped path whatever the document's syntax."""

    path: tuple[str | int, ...]
    keyword: str = ""
    detail: str | None = None
    value: Any = None
    message: str = ""
    location: str = ""
    alternatives: tuple[tuple[SchemaIssue, ...], ...] = ()


def _schema_dir() -> Path:
    return Path(str(resources.files("cyclonedx.schema") / "_res"))


def _refuse_retrieval(uri: str) -> Any:
    # Every schema we need is registered locally; anything else is a bug, not a download.
    raise ValueError(f"schema {uri!r} is not bundled; refusing to fetch it")


@cache
def _json_validator(spec_version: str) -> jsonschema_rs.Validator:
    """Compiled validator for one spec version, built once per process."""
    directory = _schema_dir()
    path = directory / f"bom-{spec_version}.SNAPSHOT.schema.json"
    if not path.is_file():
        raise SchemaUnavailableError(f"no JSON schema bundled for CycloneDX {spec_version}")
    shared = [
        (_SCHEMA_BASE_URI + name, orjson.loads((directory / name).read_bytes()))
        for name in _JSON_SHARED
    ]
    registry = jsonschema_rs.Registry(shared, retriever=_refuse_retrieval)
    return jsonschema_rs.validator_for(
        orjson.loads(path.read_bytes()),
        validate_formats=True,
        registry=registry,
        retriever=_refuse_retrieval,
    )


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in path)


def _json_issue(error: jsonschema_rs.ValidationError) -> SchemaIssue:
    kind = error.kind
    keyword = kind.name
    detail: str | None = None
    alternatives: tuple[tuple[SchemaIssue, ...], ...] = ()
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.OneOfMultipleValid):
        keyword = "oneOfMultipleValid"
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Format):
        detail = kind.format
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        detail = kind.property
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        detail = ", ".join(kind.unexpected)
    elif isinstance(
        kind,
        jsonschema_rs.ValidationErrorKind.OneOfNotValid | jsonschema_rs.ValidationErrorKind.AnyOf,
    ):
        alternatives = tuple(tuple(_json_issue(e) for e in branch) for branch in kind.context)
    path = tuple(error.instance_path)
    return SchemaIssue(
        path=path,
        keyword=keyword,
        detail=detail,
        value=error.instance,
        message=error.message,
        location=_pointer(path),
        alternatives=alternatives,
    )


def validate_json(document: dict[str, Any], spec_version: str) -> list[SchemaIssue]:
    """Every schema error of a CycloneDX JSON document, in document order."""
    validator = _json_validator(spec_version)
    if validator.is_valid(document):  # the common case, ~20% cheaper than iter_errors
        return []
    return [_json_issue(e) for e in validator.iter_errors(document)]


class _BundledResolver(etree.Resolver):
    """Serves the bundled XSDs (``spdx.SNAPSHOT.xsd`` etc.) by file name; nothing else."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self._directory = directory

    # lxml-stubs predate the ``context`` argument and ``resolve_filename``.
    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:  # type: ignore[override]
        candidate = self._directory / system_url.rsplit("/", 1)[-1]
        if candidate.is_file():
            return self.resolve_filename(str(candidate), context)  # type: ignore[attr-defined]
        raise ValueError(f"schema {system_url!r} is not bundled; refusing to fetch it")


def _hardened_parser(directory: Path | None = None) -> etree.XMLParser:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    if directory is not None:
        parser.resolvers.add(_BundledResolver(directory))
    return parser


@cache
def _xml_schema(spec_version: str) -> etree.XMLSchema:
    directory = _schema_dir()
    path = directory / f"bom-{spec_version}.SNAPSHOT.xsd"
    if not path.is_file():
        raise SchemaUnavailableError(f"no XSD bundled for CycloneDX {spec_version}")
    return etree.XMLSchema(etree.parse(str(path), _hardened_parser(directory)))


_ATTRIBUTE = re.compile(r"attribute '([^']+)'")
_EXPECTED = re.compile(r"Expected is (?:one of )?\( *\{[^}]*\}([\w-]+)")
_ATOMIC_TYPE = re.compile(r"atomic type 'xs:(\w+)'")
_FACET = re.compile(r"\[facet '(\w+)'\]")
_XS_FORMATS = {"dateTime": "date-time", "anyURI": "uri", "date": "date"}


def _xml_issue(entry: Any, tree: Any) -> SchemaIssue:
    """Translate one libxml2 schema error into a :class:`SchemaIssue`."""
    message: str = entry.message
    found = tree.xpath(entry.path) if entry.path else []
    element = found[0] if found and isinstance(found, list) else None
    if element is None:
        return SchemaIssue(path=(), keyword="other", message=message, location=f"line {entry.line}")
    path = json_path_of(element)
    location = xpath_of(element)
    type_name: str = entry.type_name
    attribute = _ATTRIBUTE.search(message)
    keyword, detail = "other", None
    if type_name == "SCHEMAV_CVC_COMPLEX_TYPE_4" and attribute:
        keyword, detail = "required", attribute.group(1)
    elif type_name == "SCHEMAV_ELEMENT_CONTENT":
        if "Missing child element" in message:
            expected = _EXPECTED.search(message)
            keyword, detail = "required", expected.group(1) if expected else None
        else:  # unknown or misplaced element: reported against its parent, like JSON
            keyword, detail = "additionalProperties", str(element.tag).rsplit("}", 1)[-1]
            parent = element.getparent()
            if parent is not None:
                path, location = json_path_of(parent), xpath_of(parent)
    elif type_name.startswith("SCHEMAV_CVC_COMPLEX_TYPE_3_2"):
        keyword, detail = "additionalProperties", attribute.group(1) if attribute else None
    elif type_name == "SCHEMAV_CVC_DATATYPE_VALID_1_2_1":
        atomic = _ATOMIC_TYPE.search(message)
        xs_type = atomic.group(1) if atomic else ""
        keyword, detail = (
            ("format", _XS_FORMATS[xs_type]) if xs_type in _XS_FORMATS else ("type", xs_type)
        )
    else:
        facet = _FACET.search(message)
        if facet:
            keyword = {"enumeration": "enum"}.get(facet.group(1), facet.group(1))
    value: Any = None
    if keyword not in ("required", "additionalProperties"):
        if attribute:
            path = (*path, attribute.group(1))
            location = f"{location}/@{attribute.group(1)}"
            value = element.get(attribute.group(1))
        else:
            member = text_member(element)
            if member:
                path = (*path, member)
            value = (element.text or "").strip()
    return SchemaIssue(
        path=path, keyword=keyword, detail=detail, value=value, message=message, location=location
    )


def _valid_streaming(data: bytes, schema: etree.XMLSchema, spec_version: str) -> bool:
    """True when ``data`` is valid, checked while parsing without keeping the tree.

    libxml2 validates as it parses; each ``<component>`` is cleared once parsed, so the
    document's lxml tree (about 6x the file) never exists whole. Anything else (invalid,
    unparsable) answers False and :func:`validate_xml` reads the whole tree for the errors.
    """
    component = f"{{http://cyclonedx.org/schema/bom/{spec_version}}}component"
    try:
        for _, element in etree.iterparse(
            io.BytesIO(data),
            events=("end",),
            tag=component,
            schema=schema,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            element.clear(keep_tail=True)
    except etree.LxmlError:
        return False
    return True


def validate_xml(data: bytes, spec_version: str) -> list[SchemaIssue]:
    """Every schema error of a CycloneDX XML document, parsed again by a hardened lxml parser.

    Raises :class:`SchemaUnavailableError` when no XSD is bundled for ``spec_version`` and
    ``ValueError`` when lxml cannot parse what defusedxml accepted.
    """
    schema = _xml_schema(spec_version)
    if _valid_streaming(data, schema, spec_version):
        return []
    try:
        root = etree.fromstring(data, _hardened_parser())
    except etree.XMLSyntaxError as e:
        raise ValueError(f"invalid XML: {e}") from e
    if schema.validate(root):
        return []
    tree = root.getroottree()
    entries: Iterable[Any] = schema.error_log  # type: ignore[assignment]  # stubs: not iterable
    return [_xml_issue(entry, tree) for entry in entries]
