"""What is failing: a vendor, product, component, channel, platform or vulnerability."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

import networkx as nx
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict

from graph.keys import key_for, normalise_purl, normalise_vendor_name
from graph.vocabulary import NodeKind

__all__ = [
    "SUBJECT_NODE_KINDS",
    "FailureMode",
    "Subject",
    "SubjectError",
    "SubjectKind",
    "resolve_subject",
]


class FailureMode(StrEnum):
    BAD_UPDATE = "bad-update"
    OUTAGE = "outage"
    COMPROMISE = "compromise"


SubjectKind = Literal["vendor", "product", "component", "channel", "platform", "vulnerability"]

SUBJECT_NODE_KINDS: dict[SubjectKind, NodeKind] = {  # in the order pickers list them
    "vendor": NodeKind.VENDOR,
    "product": NodeKind.PRODUCT,
    "component": NodeKind.COMPONENT,
    "channel": NodeKind.UPDATE_CHANNEL,
    "platform": NodeKind.PLATFORM,
    "vulnerability": NodeKind.VULNERABILITY,
}


class SubjectError(Exception):
    """The subject names nothing in the graph; ``str()`` is the user-facing line."""


class Subject(BaseModel):
    """A failing subject as the user named it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: SubjectKind
    ref: str
    version_range: str | None = None

    @property
    def label(self) -> str:
        suffix = f" {self.version_range}" if self.version_range else ""
        return f"{self.kind} {self.ref}{suffix}"


def resolve_subject(view: nx.MultiDiGraph, subject: Subject) -> list[str]:
    """The node keys the subject names, sorted; raises :class:`SubjectError` if none."""
    kind = SUBJECT_NODE_KINDS[subject.kind]
    ref = subject.ref.strip()
    if ref in view and view.nodes[ref].get("kind") == kind.value:
        return [ref]
    prefixed = key_for(kind, ref)
    if prefixed in view and view.nodes[prefixed].get("kind") == kind.value:
        return [prefixed]
    matches = sorted(
        key
        for key, data in view.nodes(data=True)
        if data.get("kind") == kind.value and _matches(key, data, ref, subject.version_range)
    )
    if not matches:
        raise SubjectError(f"no {subject.kind} matches {subject.ref!r}" + _hint(view, kind))
    return matches


def _matches(key: str, data: dict[str, Any], ref: str, version_range: str | None) -> bool:
    purl = data.get("purl")
    wanted = ref.lower()
    if ref.startswith("pkg:") and purl:
        mine = normalise_purl(purl)
        target = normalise_purl(ref)
        if "@" in target.rsplit("/", 1)[-1]:
            if mine != target:
                return False
        elif mine.split("@", 1)[0] != target:
            return False
        return _in_range(data.get("version"), version_range)
    name = str(data.get("name", "")).lower()
    local = key.partition(":")[2].lower()
    if data.get("kind") == NodeKind.VENDOR.value:
        spellings = {normalise_vendor_name(a) for a in (data.get("aliases") or ())}
        spellings |= {normalise_vendor_name(name), local}
        return normalise_vendor_name(ref) in spellings
    if wanted not in (name, local):
        return False
    return _in_range(data.get("version"), version_range)


def _in_range(version: str | None, version_range: str | None) -> bool:
    if not version_range:
        return True
    if version is None:
        return False
    try:
        return Version(version) in SpecifierSet(version_range)
    except (InvalidVersion, InvalidSpecifier):
        return version == version_range.lstrip("=")


def _hint(view: nx.MultiDiGraph, kind: NodeKind) -> str:
    names = sorted(k for k, d in view.nodes(data=True) if d.get("kind") == kind.value)
    if not names:
        return f" (the graph has no {kind.value} nodes)"
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return f" (known: {shown})"
