"""Update-channel declarations (YAML): how updates reach components, with which controls.

The format is :class:`ingest.estate_schema.ChannelsFile`, documented in
docs/estate-formats.md. Each channel becomes an :class:`~graph.model.UpdateChannelNode`
(every undeclared control stays ``None``: unknown, never assumed absent) operated by its
vendor (``channel OPERATED_BY vendor``). What a channel updates lives in vendor SBOMs, so
each ``updates`` entry becomes a reference resolved by ``ingest.resolve`` into
``component|product|platform UPDATED_VIA channel``. Platforms (OS, hypervisor, cloud) may
be declared here too, with their vendor.
"""

from __future__ import annotations

from typing import Any

from graph.keys import key_for
from graph.model import ParsedDocument, UpdateChannelNode
from graph.vocabulary import DocumentFormat, EdgeKind, NodeKind
from ingest.estate_records import Records, refusal, validated
from ingest.estate_schema import Channel, ChannelsFile, channels_problems
from ingest.source import RawDocument

__all__ = ["SPEC_VERSION", "parse"]

SPEC_VERSION = "riskgraph-channels/1"


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """Read a channels YAML mapping into channel and platform records."""
    declared = validated(raw, ChannelsFile, payload)
    problems = channels_problems(declared)
    if problems:
        raise refusal(raw, problems)
    records = Records(raw)
    for i, platform in enumerate(declared.platforms):
        records.platform(platform, f"platforms[{i}]")
    for i, channel in enumerate(declared.channels):
        _channel(records, channel, f"channels[{i}]")
    ids = sorted(c.id for c in declared.channels) or sorted(p.id for p in declared.platforms)
    return records.build(
        fmt=fmt,
        spec_version=SPEC_VERSION,
        name=declared.name or "channels: " + ", ".join(ids),
        lineage=f"channels:{','.join(ids)}",
        created=declared.as_of,
    )


def _channel(records: Records, channel: Channel, at: str) -> None:
    vendor = records.vendor(channel.vendor, f"{at}.vendor")
    fields = channel.model_dump(exclude={"id", "name", "vendor", "kind", "updates"})
    key = records.node(
        UpdateChannelNode(
            key=key_for(NodeKind.UPDATE_CHANNEL, channel.id),
            name=channel.name or channel.id,
            vendor=vendor,
            channel_kind=channel.kind,
            provenance=records.raw.provenance(at),
            **fields,
        )
    )
    records.edge(key, EdgeKind.OPERATED_BY, vendor, f"{at}.vendor")
    for j, target in enumerate(channel.updates):
        records.reference(
            key,
            EdgeKind.UPDATED_VIA,
            target,
            f"{at}.updates[{j}]",
            target_kind=NodeKind.COMPONENT,
            reverse=True,
        )
