"""SPDX 2.x refusal rules and spec-conformance findings, kept in one place.

A document is *refused* only when the graph cannot be built from it faithfully:

1. ``spdxVersion`` is not a string ``SPDX-2.<n>`` (another model, or not SPDX at all);
2. the document has no ``SPDXID`` (DESCRIBES relationships link from it);
3. a section that must be a list is not one, or an entry of it is not an object;
4. a package has no ``SPDXID`` (nothing can link to it);
5. there are no packages and no files;
6. a package field that *every* SPDX 2.x version requires (``name``,
   ``downloadLocation``) is absent from *every* package: the writer does not implement
   the SPDX 2 package model, so none of its other fields can be trusted to carry SPDX
   meaning (a field missing on *some* packages is only a finding).

Everything else is recorded as a finding and repaired or ignored.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.source import FindingSink, RawDocument
from ingest.spdx_values import WARNING, Locator, text_of

__all__ = ["DOCUMENT_REF", "check_conformance", "check_header", "entries"]

DOCUMENT_REF = "SPDXRef-DOCUMENT"
_VERSION = re.compile(r"^SPDX-2\.(\d+)$", re.IGNORECASE)
_ALWAYS_REQUIRED = ("name", "downloadLocation")
_REQUIRED_UNTIL_2_2 = ("licenseConcluded", "licenseDeclared", "copyrightText")


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def check_header(
    raw: RawDocument, doc: dict[str, Any], locate: Locator, sink: FindingSink
) -> tuple[str, int, str]:
    """``(spec version, minor version, document SPDXID)``, or refuse (rules 1 and 2)."""
    value = doc.get("spdxVersion")
    if not isinstance(value, str):
        raise raw.refuse(
            f"spdxVersion is {value!r} ({_type_name(value)}), expected a string like 'SPDX-2.3'"
        )
    match = _VERSION.match(value.strip())
    if match is None:
        raise raw.refuse(f"spdxVersion {value!r} is not SPDX 2.x (e.g. 'SPDX-2.3')")
    version = f"SPDX-2.{match.group(1)}"
    if value != version:
        sink.add(
            WARNING,
            "DQ-SPDX-FIELD",
            f"spdxVersion {value!r} read as {version!r}",
            locate("spdxVersion"),
        )
    spdx_id = text_of(doc.get("SPDXID"))
    if spdx_id is None:
        found = "has no SPDXID" if "SPDXID" not in doc else f"SPDXID is {doc['SPDXID']!r}"
        raise raw.refuse(
            f"document {found}: it must be {DOCUMENT_REF!r}, "
            "the element DESCRIBES relationships link from"
        )
    if spdx_id != DOCUMENT_REF:
        sink.add(
            WARNING,
            "DQ-SPDX-FIELD",
            f"document SPDXID is {spdx_id!r}, not {DOCUMENT_REF!r}",
            locate("SPDXID"),
        )
    return version, int(match.group(1)), spdx_id


def entries(raw: RawDocument, doc: dict[str, Any], section: str) -> list[dict[str, Any]]:
    """The list ``doc[section]`` (empty when absent), or refuse (rule 3)."""
    value = doc.get(section)
    if value is None:
        return []
    if not isinstance(value, list):
        raise raw.refuse(f"{section} is a {_type_name(value)}, expected a list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise raw.refuse(f"{section}[{i}] is a {_type_name(item)}, not an object")
    return value


def check_conformance(
    raw: RawDocument,
    doc: dict[str, Any],
    locate: Locator,
    sink: FindingSink,
    version: tuple[str, int],
) -> None:
    """Refuse by rules 4-6; record missing mandatory fields as findings."""
    packages, files = entries(raw, doc, "packages"), entries(raw, doc, "files")
    if not packages and not files:
        raise raw.refuse("no packages and no files: nothing to ingest")
    for i, package in enumerate(packages):
        if text_of(package.get("SPDXID")) is None:
            name = text_of(package.get("name")) or "unnamed"
            raise raw.refuse(
                f"packages[{i}] ({name!r}) has no SPDXID, so relationships cannot refer to it"
            )
    for field in _ALWAYS_REQUIRED:
        if packages and all(p.get(field) in (None, "") for p in packages):
            which = "the only package" if len(packages) == 1 else f"all {len(packages)} packages"
            raise raw.refuse(
                f"'{field}' is missing from {which}: not written to the SPDX 2 package model "
                "(every SPDX 2.x version requires it; NOASSERTION is allowed)"
            )
    spec, minor = version
    for field in _ALWAYS_REQUIRED + (_REQUIRED_UNTIL_2_2 if minor <= 2 else ()):
        _report_missing(
            sink, locate=locate, section="packages", items=packages, field=field, spec=spec
        )
    _report_missing(sink, locate=locate, section="files", items=files, field="checksums", spec=spec)
    contradictory = [
        i for i, p in enumerate(packages) if p.get("filesAnalyzed") is False and p.get("hasFiles")
    ]
    if contradictory:
        sink.add(
            WARNING,
            "DQ-SPDX-FIELD",
            f"{len(contradictory)} packages list hasFiles but say filesAnalyzed: false",
            locate("packages", contradictory[0]),
        )
    creation = doc.get("creationInfo")
    for field in ("created", "creators"):
        if not isinstance(creation, dict) or creation.get(field) in (None, "", []):
            sink.add(
                WARNING,
                "DQ-SPDX-MISSING-FIELD",
                f"creationInfo.{field} is missing",
                locate("creationInfo", key=field),
            )
    for field in ("name", "dataLicense", "documentNamespace"):
        if text_of(doc.get(field)) is None:
            sink.add(
                WARNING, "DQ-SPDX-MISSING-FIELD", f"document {field} is missing", locate(field)
            )


def _report_missing(
    sink: FindingSink,
    *,
    locate: Locator,
    section: str,
    items: list[dict[str, Any]],
    field: str,
    spec: str,
) -> None:
    missing = [i for i, item in enumerate(items) if item.get(field) in (None, "", [])]
    if missing:
        sink.add(
            WARNING,
            "DQ-SPDX-MISSING-FIELD",
            f"{field} is missing on {len(missing)} of {len(items)} {section} (mandatory in {spec})",
            locate(section, missing[0]),
        )
