"""SPDX mapping rules on inline documents, and robustness on arbitrary values."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import ParsedDocument
from graph.vocabulary import EdgeKind, NodeKind
from ingest import spdx
from ingest.detect import detect
from ingest.source import RawDocument, Refused
from tests.ingest.spdx_helpers import (
    ASSETS,
    assert_well_formed,
    codes,
    ingest_dict,
    software,
)

# --- mapping rules on inline documents --------------------------------------------------------


def document(
    packages: list[dict[str, Any]], relationships: list[tuple[str, str, str]], **extra: Any
) -> dict[str, Any]:
    return {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "inline",
        "dataLicense": "CC0-1.0",
        "documentNamespace": "https://example.com/inline",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: test"]},
        "packages": [
            {"SPDXID": f"SPDXRef-{name}", "name": name, "downloadLocation": "NOASSERTION", **fields}
            for name, fields in ((p.pop("name"), p) for p in packages)
        ],
        "relationships": [
            {
                "spdxElementId": f"SPDXRef-{a}",
                "relationshipType": t,
                "relatedSpdxElement": f"SPDXRef-{b}",
            }
            for a, t, b in relationships
        ],
        **extra,
    }


def edges_of(doc: ParsedDocument, kind: EdgeKind) -> set[tuple[str, str, str]]:
    short = {n.key: n.name for n in doc.nodes}
    return {(short[e.source], short[e.target], e.role) for e in doc.edges if e.kind is kind}


def test_reverse_relationship_types_point_from_dependant_to_dependency() -> None:
    doc = ingest_dict(
        document(
            [{"name": "app"}, {"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}],
            [
                ("DOCUMENT", "DESCRIBES", "app"),
                ("a", "DEPENDENCY_OF", "app"),
                ("b", "RUNTIME_DEPENDENCY_OF", "app"),
                ("app", "STATIC_LINK", "c"),
                ("d", "CONTAINED_BY", "c"),
            ],
        )
    )

    assert edges_of(doc, EdgeKind.DEPENDS_ON) == {
        ("app", "a", ""),
        ("app", "b", "runtime"),
        ("app", "c", "static-link"),
    }
    assert ("c", "d", "") in edges_of(doc, EdgeKind.CONTAINS)
    assert {t for s, t, _ in edges_of(doc, EdgeKind.CONTAINS) if s == "app"} == {"a", "b", "c", "d"}


def test_several_products_contain_what_they_reach_and_share_the_rest() -> None:
    doc = ingest_dict(
        document(
            [
                {"name": "one"},
                {"name": "two"},
                {"name": "lib1"},
                {"name": "lib2"},
                {"name": "stray"},
            ],
            [("one", "DEPENDS_ON", "lib1"), ("two", "DEPENDS_ON", "lib2")],
            documentDescribes=["SPDXRef-one", "SPDXRef-two"],
        )
    )

    contains = edges_of(doc, EdgeKind.CONTAINS)
    assert contains == {
        ("one", "lib1", ""),
        ("two", "lib2", ""),
        ("one", "stray", ""),
        ("two", "stray", ""),
    }
    assert doc.info.lineage == "spdx:one"


def test_relationships_through_files_map_to_the_owning_package() -> None:
    spec = document(
        [{"name": "app", "hasFiles": ["SPDXRef-main.c"]}, {"name": "zlib"}],
        [
            ("DOCUMENT", "DESCRIBES", "app"),
            ("main.c", "STATIC_LINK", "zlib"),
            ("app", "CONTAINS", "main.c"),
        ],
        files=[{"SPDXID": "SPDXRef-main.c", "fileName": "./main.c", "checksums": []}],
    )
    doc = ingest_dict(spec)

    assert edges_of(doc, EdgeKind.DEPENDS_ON) == {("app", "zlib", "static-link")}
    assert codes(doc)["DQ-DANGLING-REF"] == 0


def test_duplicate_purls_merge_into_one_node() -> None:
    purl = [
        {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceType": "purl",
            "referenceLocator": "pkg:pypi/six@1.16.0",
        }
    ]
    doc = ingest_dict(
        document(
            [
                {"name": "app"},
                {"name": "six", "externalRefs": purl},
                {"name": "six2", "externalRefs": purl},
            ],
            [("DOCUMENT", "DESCRIBES", "app"), ("app", "DEPENDS_ON", "six2")],
        )
    )

    assert [n.key for n in software(doc)] == ["component:pkg:pypi/six@1.16.0", "product:app"]
    assert ("app", "six", "") in edges_of(doc, EdgeKind.DEPENDS_ON)
    assert codes(doc)["DQ-SPDX-DUPLICATE"] == 1


def test_noassertion_suppliers_and_licences_are_not_data() -> None:
    doc = ingest_dict(
        document(
            [
                {
                    "name": "app",
                    "supplier": "NOASSERTION",
                    "licenseConcluded": "NOASSERTION",
                    "licenseDeclared": "NONE",
                }
            ],
            [("DOCUMENT", "DESCRIBES", "app")],
        )
    )

    (product,) = software(doc)
    assert product.licenses == ()
    assert not any(n.kind is NodeKind.VENDOR for n in doc.nodes)
    assert not any(f.code == "DQ-SPDX-ACTOR" for f in doc.findings)


def test_a_7346_package_document_maps_completely() -> None:
    packages: list[dict[str, Any]] = [{"name": "image"}]
    relationships = [("DOCUMENT", "DESCRIBES", "image")]
    for i in range(1, 7346):
        ref = {
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": f"pkg:npm/p{i}@1.{i}",
        }
        packages.append(
            {
                "name": f"p{i}",
                "versionInfo": f"1.{i}",
                "externalRefs": [ref],
                "supplier": f"Organization: V{i % 40}",
            }
        )
        relationships.append(("image" if i < 50 else f"p{i // 50}", "DEPENDS_ON", f"p{i}"))
    raw = RawDocument.of("big.spdx.json", json.dumps(document(packages, relationships)).encode())
    detected = detect(raw)

    doc = spdx.parse(raw, detected.format, detected.payload)

    assert len(software(doc)) == 7346


# --- robustness: whatever the values, a result or a one-line refusal ----------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("spdxVersion",), ("SPDXID",), ("name",), ("creationInfo",), ("creationInfo", "created"),
    ("documentDescribes",), ("packages",), ("packages", 0), ("packages", 0, "SPDXID"),
    ("packages", 0, "name"), ("packages", 0, "versionInfo"), ("packages", 0, "supplier"),
    ("packages", 0, "externalRefs"), ("packages", 0, "checksums"), ("packages", 0, "hasFiles"),
    ("packages", 1, "primaryPackagePurpose"), ("packages", 1, "licenseConcluded"),
    ("relationships",), ("relationships", 0), ("relationships", 0, "relationshipType"),
    ("relationships", 0, "relatedSpdxElement"), ("files",),
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_any_values_give_records_or_a_refusal(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    doc = json.loads((ASSETS / "valid-minimal.spdx.json").read_text())
    for path, value in changes:
        target: Any = doc
        for step in path[:-1]:
            try:
                target = target[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            settable = isinstance(target, dict) and isinstance(last, str)
            settable |= isinstance(target, list) and isinstance(last, int) and last < len(target)
            if settable:
                target[last] = value
    try:
        parsed = ingest_dict(doc)
    except Refused as refused:
        assert "\n" not in str(refused)
    else:
        assert_well_formed(parsed)
