"""The tolerant SPDX tag-value reader, on its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.vocabulary import DocumentFormat
from ingest import spdx
from ingest.source import RawDocument, Refused
from ingest.spdx_tagvalue import read_tag_value

HEADER = """\
SPDXVersion: SPDX-2.2
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: sample
DocumentNamespace: https://example.com/sample
Creator: Organization: Example Inc.
Creator: Tool: by-hand
Created: 2021-08-26T01:56:00Z
"""


def test_document_fields_land_where_spdx_json_puts_them() -> None:
    result = read_tag_value(HEADER)

    doc = result.document
    assert doc["spdxVersion"] == "SPDX-2.2" and doc["SPDXID"] == "SPDXRef-DOCUMENT"
    assert doc["name"] == "sample" and doc["documentNamespace"] == "https://example.com/sample"
    assert doc["creationInfo"] == {
        "creators": ["Organization: Example Inc.", "Tool: by-hand"],
        "created": "2021-08-26T01:56:00Z",
    }
    assert result.locate("creationInfo", key="created") == "line 8"
    assert result.problems == []


def test_package_fields_lists_and_external_refs() -> None:
    text = (
        HEADER
        + """
PackageName: zlib
SPDXID: SPDXRef-zlib
PackageVersion: 1.2.13
PackageSupplier: Organization: zlib (jloup@gzip.org)
PackageDownloadLocation: https://zlib.net/zlib-1.2.13.tar.gz
FilesAnalyzed: false
PackageChecksum: SHA256: b3a24de97a8fdbc835b9833169501030b8977031bcb54b3b3ac13740f846ab30
PackageLicenseDeclared: Zlib
ExternalRef: PACKAGE-MANAGER purl pkg:generic/zlib@1.2.13
ExternalRef: SECURITY cpe23Type cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*
PrimaryPackagePurpose: LIBRARY
"""
    )
    result = read_tag_value(text)

    (package,) = result.document["packages"]
    assert package["name"] == "zlib" and package["SPDXID"] == "SPDXRef-zlib"
    assert package["filesAnalyzed"] is False
    assert package["checksums"] == [
        {
            "algorithm": "SHA256",
            "checksumValue": "b3a24de97a8fdbc835b9833169501030b8977031bcb54b3b3ac13740f846ab30",
        }
    ]
    assert [r["referenceType"] for r in package["externalRefs"]] == ["purl", "cpe23Type"]
    assert package["externalRefs"][0]["referenceLocator"] == "pkg:generic/zlib@1.2.13"
    assert package["supplier"] == "Organization: zlib (jloup@gzip.org)"
    assert result.locate("packages", 0) == "line 10"


def test_multi_line_text_keeps_its_lines_and_colons() -> None:
    text = (
        HEADER
        + """
PackageName: app
SPDXID: SPDXRef-app
PackageDescription: <text>First line: with a colon
Second line</text>
PackageCopyrightText: <text>Copyright 2020 A</text>
"""
    )
    (package,) = read_tag_value(text).document["packages"]

    assert package["description"] == "First line: with a colon\nSecond line"
    assert package["copyrightText"] == "Copyright 2020 A"


def test_files_after_a_package_belong_to_it() -> None:
    text = (
        HEADER
        + """
FileName: ./loose.txt
SPDXID: SPDXRef-loose

PackageName: app
SPDXID: SPDXRef-app

FileName: ./main.c
SPDXID: SPDXRef-main
FileChecksum: SHA1: 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12

FileName: ./util.c
SPDXID: SPDXRef-util
"""
    )
    doc = read_tag_value(text).document

    assert doc["packages"][0]["hasFiles"] == ["SPDXRef-main", "SPDXRef-util"]
    assert [f["SPDXID"] for f in doc["files"]] == ["SPDXRef-loose", "SPDXRef-main", "SPDXRef-util"]
    assert doc["files"][1]["checksums"][0]["algorithm"] == "SHA1"
    assert all("_owner" not in f for f in doc["files"])


def test_relationships_are_entries_with_their_line() -> None:
    text = HEADER + "Relationship: SPDXRef-DOCUMENT describes SPDXRef-app\n"
    result = read_tag_value(text)

    assert result.document["relationships"] == [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "describes",
            "relatedSpdxElement": "SPDXRef-app",
        }
    ]
    assert result.locate("relationships", 0) == "line 9"


def test_malformed_lines_are_problems_not_errors() -> None:
    text = (
        HEADER
        + """
this line has no tag
Relationship: SPDXRef-a DEPENDS_ON
PackageVersion: 1.0
FancyNewTag: value
"""
    )
    problems = read_tag_value(text).problems

    assert [(code, line) for code, _, line in problems] == [
        ("DQ-SPDX-TAG", 10),
        ("DQ-SPDX-RELATIONSHIP", 11),
        ("DQ-SPDX-TAG", 12),
        ("DQ-SPDX-TAG", 13),
    ]
    assert "unknown tag 'FancyNewTag'" in problems[-1][1]
    assert "PackageVersion before any PackageName" in problems[2][1]


def test_unclosed_text_takes_the_rest_and_says_so() -> None:
    text = HEADER + "DocumentComment: <text>never closed\nPackageName: swallowed\n"
    result = read_tag_value(text)

    assert result.document["comment"] == "never closed\nPackageName: swallowed"
    assert "packages" not in result.document
    assert result.problems == [("DQ-SPDX-TAG", "DocumentComment: <text> is never closed", 9)]


TAGS = [
    "SPDXVersion", "SPDXID", "DocumentName", "Created", "Creator", "PackageName",
    "PackageVersion", "PackageSupplier", "ExternalRef", "PackageChecksum", "FilesAnalyzed",
    "FileName", "FileChecksum", "Relationship", "SnippetSPDXID", "LicenseID", "Annotator",
    "PackageDownloadLocation", "Unknown",
]  # fmt: skip
lines = st.one_of(
    st.tuples(st.sampled_from(TAGS), st.text(max_size=30)).map(lambda t: f"{t[0]}: {t[1]}"),
    st.just("PackageComment: <text>open"),
    st.just("close</text>"),
    st.text(max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=25))
def test_any_text_gives_records_or_a_refusal(body: list[str]) -> None:
    text = HEADER + "\n".join(body) + "\n"
    raw = RawDocument.of("fuzz.spdx", text.encode())
    try:
        doc = spdx.parse(raw, DocumentFormat.SPDX_TAG_VALUE, text)
    except Refused as refused:
        assert "\n" not in str(refused)
    else:
        keys = {n.key for n in doc.nodes}
        assert all(e.source in keys and e.target in keys for e in doc.edges)
