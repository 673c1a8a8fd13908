"""A tolerant SPDX 2.x tag-value reader that yields the SPDX JSON document shape.

The result feeds the same mapper as SPDX JSON, so tag-value needs no model of its own.
Only what the graph uses is mapped; every other known tag is skipped silently, and
unknown tags and malformed lines become problems, not errors. Line numbers are kept
for provenance (``line N``).

Files listed after a package belong to it (SPDX 2.3 clause 5.2.2): the reader adds
them to that package's ``hasFiles``, as the JSON form would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TagValueDocument", "read_tag_value"]

_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*:\s?(.*)$")

_DOCUMENT_TAGS = {
    "SPDXVersion": "spdxVersion",
    "DataLicense": "dataLicense",
    "DocumentName": "name",
    "DocumentNamespace": "documentNamespace",
    "DocumentComment": "comment",
}
_CREATION_TAGS = {"Created": "created", "CreatorComment": "comment"}
_CREATION_TAGS["LicenseListVersion"] = "licenseListVersion"
_PACKAGE_TAGS = {
    "PackageVersion": "versionInfo",
    "PackageFileName": "packageFileName",
    "PackageSupplier": "supplier",
    "PackageOriginator": "originator",
    "PackageDownloadLocation": "downloadLocation",
    "PackageHomePage": "homepage",
    "PackageSourceInfo": "sourceInfo",
    "PackageLicenseConcluded": "licenseConcluded",
    "PackageLicenseDeclared": "licenseDeclared",
    "PackageLicenseComments": "licenseComments",
    "PackageCopyrightText": "copyrightText",
    "PackageSummary": "summary",
    "PackageDescription": "description",
    "PackageComment": "comment",
    "PrimaryPackagePurpose": "primaryPackagePurpose",
    "ReleaseDate": "releaseDate",
    "BuiltDate": "builtDate",
    "ValidUntilDate": "validUntilDate",
    "PackageVerificationCode": "packageVerificationCode",
}
_PACKAGE_LISTS = {
    "PackageLicenseInfoFromFiles": "licenseInfoFromFiles",
    "PackageAttributionText": "attributionTexts",
}
_FILE_TAGS = {
    "LicenseConcluded": "licenseConcluded",
    "FileCopyrightText": "copyrightText",
    "FileComment": "comment",
    "FileNotice": "noticeText",
    "LicenseComments": "licenseComments",
}
_FILE_LISTS = {
    "FileType": "fileTypes",
    "LicenseInfoInFile": "licenseInfoInFiles",
    "FileContributor": "fileContributors",
    "FileAttributionText": "attributionTexts",
}
# Known tags whose content the graph does not use.
_SKIPPED = frozenset(
    {
        "ExtractedText", "LicenseName", "LicenseCrossReference", "LicenseComment",
        "AnnotationDate", "AnnotationType", "AnnotationComment", "SPDXREF",
        "SnippetByteRange", "SnippetLineRange", "SnippetLicenseConcluded",
        "LicenseInfoInSnippet", "SnippetLicenseComments", "SnippetCopyrightText",
        "SnippetComment", "SnippetName", "SnippetAttributionText", "FileDependency",
        "ArtifactOfProjectName", "ArtifactOfProjectHomePage", "ArtifactOfProjectURI",
        "ReviewDate", "Reviewer", "ReviewComment", "RelationshipComment",
        "ExternalRefComment", "FileChecksumComment",
    }
)  # fmt: skip


@dataclass
class TagValueDocument:
    """The JSON-shaped document plus where each part was found."""

    document: dict[str, Any]
    entry_lines: dict[str, list[int]] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    entry_field_lines: dict[tuple[str, int, str], int] = field(default_factory=dict)
    problems: list[tuple[str, str, int]] = field(default_factory=list)  # code, message, line

    def locate(self, section: str, index: int | None = None, key: str | None = None) -> str | None:
        """``line N`` of a list entry (``packages``, 0) or of a document field (``created``)."""
        if index is not None:
            lines = self.entry_lines.get(section, [])
            line = self.entry_field_lines.get((section, index, key or ""))
            if line is None and index < len(lines):
                line = lines[index]
            return f"line {line}" if line is not None else None
        line = self.field_lines.get(key or section)
        return f"line {line}" if line is not None else None


class _Reader:
    def __init__(self) -> None:
        self.doc: dict[str, Any] = {}
        self.out = TagValueDocument(self.doc)
        self.section = "document"
        self.package: dict[str, Any] | None = None
        self.file: dict[str, Any] | None = None
        self.unknown: dict[str, int] = {}

    def entry(self, section: str, line: int, item: dict[str, Any]) -> dict[str, Any]:
        self.doc.setdefault(section, []).append(item)
        self.out.entry_lines.setdefault(section, []).append(line)
        return item

    def problem(self, code: str, message: str, line: int) -> None:
        self.out.problems.append((code, message, line))

    def handle(self, tag: str, value: str, line: int) -> None:
        if tag in _DOCUMENT_TAGS:
            self.doc[_DOCUMENT_TAGS[tag]] = value
            self.out.field_lines[_DOCUMENT_TAGS[tag]] = line
        elif tag in _CREATION_TAGS:
            self.doc.setdefault("creationInfo", {})[_CREATION_TAGS[tag]] = value
            self.out.field_lines[_CREATION_TAGS[tag]] = line
        elif tag == "Creator":
            self.doc.setdefault("creationInfo", {}).setdefault("creators", []).append(value)
        elif tag == "ExternalDocumentRef":
            self.external_document_ref(value, line)
        elif tag == "SPDXID":
            self.spdx_id(value, line)
        elif tag == "PackageName":
            self.section, self.file = "package", None
            self.package = self.entry("packages", line, {"name": value})
        elif tag == "FileName":
            self.section = "file"
            self.file = self.entry("files", line, {"fileName": value})
            if self.package is not None:
                self.file["_owner"] = self.package
        elif tag == "SnippetSPDXID":
            self.section, self.file = "snippet", None
            self.entry("snippets", line, {"SPDXID": value})
        elif tag == "SnippetFromFileSPDXID":
            if self.section == "snippet":
                self.doc["snippets"][-1]["snippetFromFile"] = value
        elif tag == "LicenseID":
            self.section = "license"
        elif tag == "Annotator":
            self.section = "annotation"
        elif tag == "Relationship":
            self.relationship(value, line)
        elif (
            tag in _PACKAGE_TAGS
            or tag in _PACKAGE_LISTS
            or tag in {"PackageChecksum", "ExternalRef", "FilesAnalyzed"}
        ):
            self.package_field(tag, value, line)
        elif tag in _FILE_TAGS or tag in _FILE_LISTS or tag == "FileChecksum":
            self.file_field(tag, value, line)
        elif tag not in _SKIPPED:
            self.unknown.setdefault(tag, line)

    def external_document_ref(self, value: str, line: int) -> None:
        parts = value.split(None, 2)
        if len(parts) != 3:
            self.problem("DQ-SPDX-TAG", f"ExternalDocumentRef {value!r} is malformed", line)
            return
        ref: dict[str, Any] = {"externalDocumentId": parts[0], "spdxDocument": parts[1]}
        algorithm, _, digest = parts[2].partition(":")
        ref["checksum"] = {"algorithm": algorithm.strip(), "checksumValue": digest.strip()}
        self.doc.setdefault("externalDocumentRefs", []).append(ref)

    def spdx_id(self, value: str, line: int) -> None:
        if self.section == "document":
            self.doc["SPDXID"] = value
            self.out.field_lines["SPDXID"] = line
        elif self.section == "package" and self.package is not None:
            self.package["SPDXID"] = value
        elif self.section == "file" and self.file is not None:
            self.file["SPDXID"] = value
        else:
            self.problem("DQ-SPDX-TAG", f"SPDXID {value!r} outside a package or file", line)

    def relationship(self, value: str, line: int) -> None:
        parts = value.split()
        if len(parts) != 3:
            self.problem(
                "DQ-SPDX-RELATIONSHIP",
                f"Relationship {value!r} is not 'SPDXRef-A TYPE SPDXRef-B'; ignored",
                line,
            )
            return
        item = {"spdxElementId": parts[0], "relationshipType": parts[1]}
        item["relatedSpdxElement"] = parts[2]
        self.entry("relationships", line, item)

    def package_field(self, tag: str, value: str, line: int) -> None:
        package = self.package
        if package is None:
            self.problem("DQ-SPDX-TAG", f"{tag} before any PackageName; ignored", line)
            return
        if self.section not in {"package", "annotation"}:
            self.problem("DQ-SPDX-TAG", f"{tag} outside its package's section", line)
        if tag in _PACKAGE_TAGS:
            package[_PACKAGE_TAGS[tag]] = value
            index = len(self.doc["packages"]) - 1
            self.out.entry_field_lines[("packages", index, _PACKAGE_TAGS[tag])] = line
        elif tag in _PACKAGE_LISTS:
            package.setdefault(_PACKAGE_LISTS[tag], []).append(value)
        elif tag == "PackageChecksum":
            package.setdefault("checksums", []).append(_checksum(value))
        elif tag == "FilesAnalyzed":
            package["filesAnalyzed"] = _boolean(value)
        else:
            self.external_ref(package, value, line)

    def external_ref(self, package: dict[str, Any], value: str, line: int) -> None:
        parts = value.split(None, 2)
        if len(parts) != 3:
            self.problem(
                "DQ-SPDX-TAG", f"ExternalRef {value!r} is not 'CATEGORY TYPE LOCATOR'", line
            )
            return
        ref = {"referenceCategory": parts[0], "referenceType": parts[1]}
        ref["referenceLocator"] = parts[2]
        package.setdefault("externalRefs", []).append(ref)

    def file_field(self, tag: str, value: str, line: int) -> None:
        if self.file is None or self.section not in {"file", "annotation"}:
            self.problem("DQ-SPDX-TAG", f"{tag} outside a file section; ignored", line)
            return
        if tag in _FILE_TAGS:
            self.file[_FILE_TAGS[tag]] = value
        elif tag in _FILE_LISTS:
            self.file.setdefault(_FILE_LISTS[tag], []).append(value)
        else:
            self.file.setdefault("checksums", []).append(_checksum(value))

    def finish(self) -> TagValueDocument:
        for item in self.doc.get("files", []):
            owner = item.pop("_owner", None)
            if owner is not None and item.get("SPDXID"):
                owner.setdefault("hasFiles", []).append(item["SPDXID"])
        if self.unknown:
            tag, line = next(iter(self.unknown.items()))
            more = f" and {len(self.unknown) - 1} more" if len(self.unknown) > 1 else ""
            self.problem("DQ-SPDX-TAG", f"unknown tag {tag!r}{more} ignored", line)
        return self.out


def _checksum(value: str) -> dict[str, str]:
    algorithm, _, digest = value.partition(":")
    return {"algorithm": algorithm.strip(), "checksumValue": digest.strip()}


def _boolean(value: str) -> bool | str:
    lowered = value.strip().lower()
    return {"true": True, "false": False}.get(lowered, value)


def read_tag_value(text: str) -> TagValueDocument:
    """Read SPDX tag-value ``text`` into the SPDX JSON document shape."""
    reader = _Reader()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        number, raw_line = i + 1, lines[i]
        i += 1
        stripped = raw_line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _TAG.match(stripped)
        if match is None:
            reader.problem("DQ-SPDX-TAG", f"not a 'Tag: value' line: {stripped[:60]!r}", number)
            continue
        tag, value = match.group(1), match.group(2).strip()
        if value.startswith("<text>"):
            value = value[len("<text>") :]
            parts = [value]
            while "</text>" not in parts[-1] and i < len(lines):
                parts.append(lines[i])
                i += 1
            body = "\n".join(parts)
            if "</text>" not in body:
                reader.problem("DQ-SPDX-TAG", f"{tag}: <text> is never closed", number)
            value = body.split("</text>", 1)[0].strip()
        reader.handle(tag, value, number)
    return reader.finish()
