"""The ``riskgraph:`` property namespace on CycloneDX components, products and services.

CycloneDX properties are free name/value strings; riskgraph reads only names in its own
namespace (docs/cyclonedx-properties.md lists them). Other namespaces are ignored. An
unknown ``riskgraph:`` name, a value outside its vocabulary or a conflicting repeat is
reported through ``report(message, pointer)`` and the value is ignored: a bad annotation
never refuses a document.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from graph.model import UpdateChannelNode
from graph.vocabulary import BootStart, Privilege, ProductCategory

__all__ = [
    "CHANNEL_PREFIX",
    "PLATFORMS",
    "PREFIX",
    "ChannelFacts",
    "Report",
    "SoftwareFacts",
    "channel_facts",
    "software_facts",
]

PREFIX = "riskgraph:"
CHANNEL_PREFIX = "riskgraph:channel:"
PLATFORMS = ("windows", "linux", "macos")
_BOOLEANS = {"true": True, "false": False}

Report = Callable[[str, str], None]
"""``report(message, json_pointer)``: where bad annotations go."""


@dataclass(slots=True)
class SoftwareFacts:
    """What ``riskgraph:`` properties declare about a component or product."""

    privilege: Privilege | None = None
    boot_start: BootStart | None = None
    category: ProductCategory | None = None
    crash_loop_guard: bool | None = None
    platforms: list[str] = field(default_factory=list)
    update_channels: list[tuple[str, str]] = field(
        default_factory=list, metadata={"doc": "(channel id, pointer of the property)"}
    )


@dataclass(slots=True)
class ChannelFacts:
    """An update channel declared by ``riskgraph:channel:*`` properties on a service."""

    channel_id: str
    fields: dict[str, Any]


def _riskgraph_entries(
    properties: Sequence[Mapping[str, Any]] | None, pointer: str
) -> list[tuple[str, str | None, str]]:
    """(name, value, pointer) of each ``riskgraph:`` property, in document order."""
    if not properties:
        return []
    out = []
    for i, prop in enumerate(properties):
        name = prop.get("name")
        if isinstance(name, str) and name.startswith(PREFIX):
            value = prop.get("value")
            out.append((name, value if isinstance(value, str) else None, f"{pointer}/{i}"))
    return out


def _single(
    name: str,
    value: Any,
    current: Any,
    where: str,
    report: Report,
) -> Any:
    """Keep the first value of a single-valued property, reporting conflicting repeats."""
    if current is not None and current != value:
        first, then = (v.value if isinstance(v, StrEnum) else v for v in (current, value))
        report(f"{name} repeated with {first!r} and {then!r}; the first is used", where)
        return current
    return value


def _enum_value(enum: type[StrEnum], name: str, value: str, where: str, report: Report) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        report(f"{name} value {value!r} is not one of: {allowed}", where)
        return None


def _boolean(name: str, value: str, where: str, report: Report) -> bool | None:
    if value in _BOOLEANS:
        return _BOOLEANS[value]
    report(f"{name} value {value!r} is not 'true' or 'false'", where)
    return None


def _platform(name: str, value: str, where: str, report: Report) -> str | None:
    if value in PLATFORMS:
        return value
    report(f"{name} value {value!r} is not one of: {', '.join(PLATFORMS)}", where)
    return None


_SOFTWARE_ENUMS: dict[str, tuple[str, type[StrEnum]]] = {
    "riskgraph:privilege": ("privilege", Privilege),
    "riskgraph:boot_start": ("boot_start", BootStart),
    "riskgraph:category": ("category", ProductCategory),
}


def software_facts(
    properties: Sequence[Mapping[str, Any]] | None,
    pointer: str,
    *,
    is_product: bool,
    report: Report,
) -> SoftwareFacts | None:
    """Facts from a component's (or the product's) properties; None when it has none."""
    entries = _riskgraph_entries(properties, pointer)
    if not entries:
        return None
    facts = SoftwareFacts()
    for name, raw_value, where in entries:
        value = raw_value.strip() if raw_value is not None else ""
        if not value:
            report(f"{name} has no value", where)
            continue
        if name in _SOFTWARE_ENUMS:
            attr, enum = _SOFTWARE_ENUMS[name]
            if attr == "category" and not is_product:
                report(f"{name} applies to the product (metadata.component) only", where)
                continue
            parsed = _enum_value(enum, name, value, where, report)
            if parsed is not None:
                setattr(facts, attr, _single(name, parsed, getattr(facts, attr), where, report))
        elif name == "riskgraph:crash_loop_guard":
            flag = _boolean(name, value, where, report)
            if flag is not None:
                facts.crash_loop_guard = _single(name, flag, facts.crash_loop_guard, where, report)
        elif name == "riskgraph:platform":
            platform = _platform(name, value, where, report)
            if platform is not None and platform not in facts.platforms:
                facts.platforms.append(platform)
        elif name == "riskgraph:update_channel":
            facts.update_channels.append((value, where))
        elif name.startswith(CHANNEL_PREFIX):
            report(f"{name} applies to services only", where)
        else:
            report(f"unknown riskgraph property {name!r}", where)
    return facts


# Channel fields settable by property. ``name`` comes from the service's name and
# ``vendor`` from its provider, so neither is a property.
_CHANNEL_RENAMES = {"kind": "channel_kind", "platform": "platforms"}
_NOT_BY_PROPERTY = frozenset({"key", "kind", "name", "provenance", "vendor"})


def _channel_parsers() -> dict[str, Callable[[str, str, str, Report], Any]]:
    """One parser per settable UpdateChannelNode field, keyed by property suffix."""
    parsers: dict[str, Callable[[str, str, str, Report], Any]] = {}
    suffix_of = {v: k for k, v in _CHANNEL_RENAMES.items()}
    for field_name, info in UpdateChannelNode.model_fields.items():
        if field_name in _NOT_BY_PROPERTY:
            continue
        suffix = suffix_of.get(field_name, field_name)
        if field_name == "platforms":
            parsers[suffix] = _platform
        elif bool in typing.get_args(info.annotation):
            parsers[suffix] = _boolean
        else:
            parsers[suffix] = _adapter_parser(info.annotation, info.metadata)
    return parsers


def _adapter_parser(annotation: Any, metadata: list[Any]) -> Callable[[str, str, str, Report], Any]:
    """Parse with the field's own type and constraints (``ge``/``le``), lax from text."""
    adapter: TypeAdapter[Any] = TypeAdapter(
        Annotated[annotation, *metadata] if metadata else annotation
    )

    def parse(name: str, value: str, where: str, report: Report) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError as e:
            problem = e.errors()[0]["msg"] if e.errors() else "invalid"
            report(f"{name} value {value!r} is invalid: {problem}", where)
            return None

    return parse


_CHANNEL_PARSERS = _channel_parsers()


def channel_facts(
    properties: Sequence[Mapping[str, Any]] | None, pointer: str, *, report: Report
) -> ChannelFacts | None:
    """The update channel a service declares, or None when it has no ``riskgraph:channel:id``."""
    entries = _riskgraph_entries(properties, pointer)
    if not entries:
        return None
    channel_id: str | None = None
    fields: dict[str, Any] = {}
    for name, raw_value, where in entries:
        value = raw_value.strip() if raw_value is not None else ""
        if not value:
            report(f"{name} has no value", where)
            continue
        if not name.startswith(CHANNEL_PREFIX):
            report(f"{name} is not a service property", where)
            continue
        suffix = name[len(CHANNEL_PREFIX) :]
        if suffix == "id":
            channel_id = _single(name, value, channel_id, where, report)
            continue
        parser = _CHANNEL_PARSERS.get(suffix)
        if parser is None:
            report(f"unknown riskgraph property {name!r}", where)
            continue
        parsed = parser(name, value, where, report)
        if parsed is None:
            continue
        field_name = _CHANNEL_RENAMES.get(suffix, suffix)
        if field_name == "platforms":
            platforms = fields.setdefault("platforms", [])
            if parsed not in platforms:
                platforms.append(parsed)
        else:
            fields[field_name] = _single(name, parsed, fields.get(field_name), where, report)
    if channel_id is None:
        if fields:
            report(
                "riskgraph:channel:* properties without riskgraph:channel:id are ignored", pointer
            )
        return None
    if "platforms" in fields:
        fields["platforms"] = tuple(fields["platforms"])
    return ChannelFacts(channel_id, fields)
