"""Update-channel declarations: records, unknown-is-a-value, and one line per failure mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import PlatformNode, UpdateChannelNode
from graph.store.sqlite import SqliteStore
from graph.vocabulary import ChannelKind, DocumentFormat, EdgeKind, NodeKind, Privilege
from ingest.pipeline import parse_file
from ingest.resolve import ReferenceIndex, resolve
from ingest.source import Refused
from tests.conftest import ASSETS
from tests.estate_fixtures import sensor_sbom
from tests.factories import FIXED

GOOD = ASSETS / "estate" / "good"
BAD = ASSETS / "estate" / "bad"

CASES = [
    (
        "ch-bad-kind.yaml",
        "channels[0].kind: must be one of 'code', 'driver', 'content', 'signatures', "
        "'firmware' or 'policy' (got 'contnet')",
    ),
    ("ch-missing-vendor.yaml", "channels[0].vendor: required field missing"),
    ("ch-stages-text.yaml", "channels[0].rollout_stages: must be a whole number (got '3')"),
    ("ch-canary-percent.yaml", "channels[0].canary_share: must be <= 1.0 (got 5)"),
    ("ch-zero-stages.yaml", "channels[0].rollout_stages: must be >= 1 (got 0)"),
    ("ch-duplicate-id.yaml", "channels[2].id: duplicate id 'c' (also at channels[0])"),
    (
        "ch-misspelt-field.yaml",
        "channels[0].rollout_stage: unknown field (did you mean 'rollout_stages'?)",
    ),
    (
        "ch-bad-privilege.yaml",
        "channels[0].privilege: must be one of 'kernel', 'boot-start-driver', 'firmware', "
        "'hypervisor', 'system-service', 'user' or 'cloud-service' (got 'ring0')",
    ),
    ("ch-not-a-list.yaml", "channels: must be a list (got 'acme-content')"),
]


@pytest.mark.parametrize(("name", "reason"), CASES, ids=[c[0] for c in CASES])
def test_each_failure_mode_is_refused_with_its_one_line(name: str, reason: str) -> None:
    path = BAD / name
    with pytest.raises(Refused) as caught:
        parse_file(path)
    assert str(caught.value) == f"{path}: {reason}"


def test_channel_declares_its_controls_and_leaves_the_rest_unknown() -> None:
    doc = parse_file(GOOD / "channels.yaml")
    assert doc.info.format is DocumentFormat.CHANNELS_YAML
    assert doc.info.spec_version == "riskgraph-channels/1"
    assert doc.info.lineage == "channels:acme-content"
    nodes = {n.key: n for n in doc.nodes}
    channel = nodes["channel:acme-content"]
    assert isinstance(channel, UpdateChannelNode)
    assert channel.vendor == "vendor:acme-security"
    assert channel.channel_kind is ChannelKind.CONTENT
    assert channel.privilege is Privilege.KERNEL
    assert channel.platforms == ("windows",)
    # declared "none" and declared false are values ...
    assert (channel.rollout_stages, channel.canary_share, channel.auto_halt) == (1, 0.0, False)
    # ... and what the file does not say stays unknown
    assert channel.health_gate is None
    assert channel.rollback is None
    assert channel.schema_validated is None
    platform = nodes["platform:acme-os"]
    assert isinstance(platform, PlatformNode)
    assert (platform.platform_kind, platform.family, platform.version) == ("os", "windows", "10")
    edges = {(e.source, e.kind, e.target) for e in doc.edges}
    assert edges == {
        ("channel:acme-content", EdgeKind.OPERATED_BY, "vendor:acme-security"),
        ("platform:acme-os", EdgeKind.SUPPLIED_BY, "vendor:acme-os"),
    }
    refs = {(r.by, r.value, r.version, r.reverse, r.target_kind) for r in doc.references}
    assert refs == {
        ("purl", "pkg:generic/acme/acme-sensor@1.0", None, True, NodeKind.COMPONENT),
        ("name", "acmedrv.sys", "1.0", True, NodeKind.COMPONENT),
    }


def test_updates_resolve_to_updated_via_edges_from_the_software() -> None:
    sbom = sensor_sbom()
    channels = parse_file(GOOD / "channels.yaml")
    index = ReferenceIndex()
    index.add_document(sbom)
    resolved = resolve(channels, index, lenient=False)
    updated_via = {(e.source, e.target) for e in resolved.edges if e.kind is EdgeKind.UPDATED_VIA}
    assert updated_via == {
        ("product:pkg:generic/acme/acme-sensor@1.0", "channel:acme-content"),
        ("component:pkg:generic/acme/acmedrv.sys@1.0", "channel:acme-content"),
    }


def test_a_channel_updating_a_platform_of_its_own_file_needs_no_resolution() -> None:
    doc = parse_file(ASSETS.parent.parent / "sample_sboms" / "channels" / "nimbus.yaml")
    assert doc.references == ()
    assert ("platform:nimbus-cloud", EdgeKind.UPDATED_VIA, "channel:nimbus-platform") in {
        (e.source, e.kind, e.target) for e in doc.edges
    }


def test_dangling_updates_name_every_failed_reference() -> None:
    path = BAD / "ch-dangling-component.yaml"
    index = ReferenceIndex()
    index.add_document(sensor_sbom())
    with pytest.raises(Refused) as caught:
        resolve(parse_file(path), index, lenient=False)
    assert str(caught.value) == (
        f"{path}: 2 unresolved references: channels[0].updates[0]: updated software "
        "'pkg:generic/nobody/ghost@1' (no SBOM describes it); channels[0].updates[1]: "
        "updated software 'acmedrv.sys' version '9.9' (no SBOM describes it)"
    )


def test_round_trip_through_the_store(tmp_path: Path) -> None:
    index = ReferenceIndex()
    index.add_document(sensor_sbom())
    resolved = resolve(parse_file(GOOD / "channels.yaml"), index, lenient=False)
    store = SqliteStore(tmp_path / "s.sqlite", clock=lambda: FIXED)
    try:
        store.upsert_document(resolved)
        back = store.document(resolved.info.id)
    finally:
        store.close()
    assert (back.nodes, back.edges, back.findings) == (
        resolved.nodes,
        resolved.edges,
        resolved.findings,
    )
