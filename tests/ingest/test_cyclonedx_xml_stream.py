"""CycloneDX XML read as it is parsed gives what the whole tree gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from ingest.cyclonedx_xml import bom_to_dict, stream_to_dict
from ingest.detect import XmlStream, detect
from ingest.source import RawDocument

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
XML = sorted((CORPUS / "cyclonedx").rglob("*.xml"))


@pytest.mark.parametrize("path", XML, ids=lambda p: p.name)
def test_stream_converts_like_the_whole_tree(path: Path) -> None:
    raw = RawDocument.of(str(path), path.read_bytes())
    stream = detect(raw).payload
    assert isinstance(stream, XmlStream)
    streamed = stream_to_dict(stream, "1.x")
    assert streamed == bom_to_dict(fromstring(raw.data, forbid_dtd=False), "1.x")
    for wrapper in stream.root.findall("{*}components"):  # converted, then cleared
        assert all(len(c) == 0 and not c.attrib for c in wrapper)


def test_stream_frees_each_top_level_component() -> None:
    ns = "http://cyclonedx.org/schema/bom/1.4"
    components = "".join(
        f'<component type="library"><name>c{i}</name><version>1</version>'
        f'<components><component type="library"><name>n{i}</name></component></components>'
        "</component>"
        for i in range(3)
    )
    raw = RawDocument.of(
        "t.xml", f'<bom xmlns="{ns}"><components>{components}</components></bom>'.encode()
    )
    stream = detect(raw).payload
    assert isinstance(stream, XmlStream)
    out = stream_to_dict(stream, "1.4")
    assert [c["name"] for c in out["components"]] == ["c0", "c1", "c2"]
    assert [c["components"][0]["name"] for c in out["components"]] == ["n0", "n1", "n2"]
    assert all(len(c) == 0 for c in stream.root.iter(f"{{{ns}}}component"))
