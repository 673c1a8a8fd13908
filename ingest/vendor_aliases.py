"""Vendor aliases files: which spellings and purl namespaces name one legal entity.

An aliases file is ingested like any other document: each ``vendors:`` entry becomes a
:class:`~graph.model.VendorNode` (canonical key, display name, aliases, LEI, parent
group, country) whose provenance is the entry's line, so every merge that
:mod:`graph.vendors` makes at view time can name the file and line that justified it.
The file format is documented in ``docs/vendors.md``; :class:`VendorAliasesFile` is its
JSON Schema (``riskgraph schema vendor-aliases``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.keys import key_for, normalise_vendor_name
from graph.model import DocumentInfo, Node, ParsedDocument, VendorNode
from graph.vocabulary import DocumentFormat, NodeKind, Severity
from ingest.source import FindingSink, RawDocument

__all__ = ["VendorAliasEntry", "VendorAliasesFile", "lei_checksum_ok", "parse"]

_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VendorAliasEntry(_Strict):
    """One legal entity and every way the SBOMs may spell it."""

    id: str | None = Field(
        default=None,
        pattern=_ID_PATTERN,
        description="Canonical id (vendor key 'vendor:<id>'); default: the normalised name.",
    )
    name: str = Field(min_length=1, description="Display (legal) name.")
    aliases: list[str] = Field(
        default_factory=list,
        description="Spellings (compared after normalisation) and purl namespaces "
        "('pkg:<type>/<namespace>', e.g. 'pkg:maven/org.apache.logging.log4j').",
    )
    lei: str | None = Field(
        default=None,
        pattern=r"^[A-Z0-9]{18}[0-9]{2}$",
        description="ISO 17442 Legal Entity Identifier (20 characters).",
    )
    parent: str | None = Field(
        default=None, pattern=_ID_PATTERN, description="Canonical id of the parent group."
    )
    country: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code."
    )
    urls: list[str] = Field(default_factory=list)


class VendorAliasesFile(_Strict):
    """A riskgraph vendor aliases file (YAML)."""

    version: Literal[1] = Field(default=1, description="Format version.")
    updated: datetime | None = Field(
        default=None,
        description="When the file was last changed; orders versions of one file "
        "(default: the file's modification time).",
    )
    vendors: list[VendorAliasEntry] = Field(default_factory=list)
    aliases: dict[str, str] = Field(
        default_factory=dict,
        description="Shorthand: spelling or purl namespace -> canonical id of a vendor "
        "listed under 'vendors'.",
    )


def lei_checksum_ok(lei: str) -> bool:
    """ISO 17442 check digits (ISO 7064 MOD 97-10, as for IBANs).

    >>> lei_checksum_ok("5493001KJTIIGC8Y1R12")
    True
    >>> lei_checksum_ok("5493001KJTIIGC8Y1R13")
    False
    """
    digits = "".join(str(int(c, 36)) for c in lei)
    return int(digits) % 97 == 1


def parse(raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument:
    """An aliases file as a document of :class:`VendorNode` records; refuses bad files."""
    lines = _Lines.of(raw)
    try:
        spec = VendorAliasesFile.model_validate(payload)
    except ValidationError as e:
        raise raw.refuse(_first_error(e, lines)) from e
    sink = FindingSink(raw.document_id)
    ids = _canonical_ids(raw, spec, lines)
    extra = _shorthand_aliases(raw, spec, ids, lines)
    owner: dict[str, str] = {}
    nodes: list[Node] = []
    for i, (entry, vid) in enumerate(zip(spec.vendors, ids, strict=True)):
        where = lines.location(("vendors", i))
        aliases = list(dict.fromkeys([*entry.aliases, *extra.get(vid, [])]))
        for alias in aliases:
            _claim(raw, owner, ids, alias=alias, vid=vid, where=where)
        if entry.parent is not None:
            _check_parent(raw, sink, spec, ids, index=i, where=where)
        if entry.lei is not None and not lei_checksum_ok(entry.lei):
            sink.add(
                Severity.MEDIUM,
                "DQ-LEI-CHECKSUM",
                f"LEI {entry.lei} of {vid!r} fails its ISO 17442 check digits",
                where,
            )
        nodes.append(
            VendorNode(
                key=key_for(NodeKind.VENDOR, vid),
                name=entry.name,
                aliases=tuple(aliases),
                lei=entry.lei,
                parent=key_for(NodeKind.VENDOR, entry.parent) if entry.parent else None,
                country=entry.country,
                urls=tuple(entry.urls),
                provenance=raw.provenance(where),
            )
        )
    file_name = PurePath(raw.path).name
    stem = file_name.removesuffix(".yaml").removesuffix(".yml") or "aliases"
    info = DocumentInfo(
        id=raw.document_id,
        sha256=raw.sha256,
        path=raw.path,
        size=len(raw.data),
        format=fmt,
        spec_version=str(spec.version),
        name=f"vendor aliases {file_name} ({len(nodes)} vendors)",
        lineage=f"vendor-aliases:{stem}",
        created=spec.updated or _modified(raw.path),
    )
    nodes.sort(key=lambda n: n.key)
    return ParsedDocument(info=info, nodes=tuple(nodes), edges=(), findings=sink.result())


def _canonical_ids(raw: RawDocument, spec: VendorAliasesFile, lines: _Lines) -> list[str]:
    if not spec.vendors:
        raise raw.refuse("no vendors listed (expected a 'vendors:' list of entries)")
    ids: list[str] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(spec.vendors):
        vid = entry.id or normalise_vendor_name(entry.name)
        where = lines.location(("vendors", i))
        if vid in seen:
            raise raw.refuse(f"vendors[{i}] ({where}): id {vid!r} already listed at {seen[vid]}")
        seen[vid] = where or f"vendors[{i}]"
        ids.append(vid)
    return ids


def _shorthand_aliases(
    raw: RawDocument, spec: VendorAliasesFile, ids: list[str], lines: _Lines
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spelling, vid in spec.aliases.items():
        if vid not in ids:
            where = lines.location(("aliases", spelling))
            raise raw.refuse(
                f"aliases ({where}): {spelling!r} maps to {vid!r}, which is not listed "
                "under 'vendors'"
            )
        out.setdefault(vid, []).append(spelling)
    return out


def _claim(
    raw: RawDocument,
    owner: dict[str, str],
    ids: list[str],
    *,
    alias: str,
    vid: str,
    where: str | None,
) -> None:
    """Refuse a file where one spelling would name two vendors."""
    form = alias.strip().lower() if alias.startswith("pkg:") else normalise_vendor_name(alias)
    if form in ids and form != vid:
        clash = form
    elif owner.setdefault(form, vid) != vid:
        clash = owner[form]
    else:
        return
    raise raw.refuse(
        f"vendors ({where}): alias {alias!r} of {vid!r} also names {clash!r}; "
        "one spelling must name one vendor"
    )


def _check_parent(
    raw: RawDocument,
    sink: FindingSink,
    spec: VendorAliasesFile,
    ids: list[str],
    *,
    index: int,
    where: str | None,
) -> None:
    parent_of = {vid: e.parent for vid, e in zip(ids, spec.vendors, strict=True)}
    vid = ids[index]
    parent = parent_of[vid]
    if parent not in parent_of:
        sink.add(
            Severity.LOW,
            "DQ-VENDOR-PARENT",
            f"parent {parent!r} of {vid!r} is not listed in this file "
            "(list it here or in another aliases file)",
            where,
        )
        return
    chain = [vid]
    current: str | None = parent
    while current is not None and current in parent_of:
        if current in chain:
            cycle = " -> ".join([*chain, current])
            raise raw.refuse(f"vendors ({where}): parent groups form a cycle: {cycle}")
        chain.append(current)
        current = parent_of[current]


def _modified(path: str) -> datetime | None:
    """The file's modification time: a later edit of the same file supersedes the earlier."""
    try:
        return datetime.fromtimestamp(int(Path(path).stat().st_mtime), UTC)
    except OSError:
        return None


class _Lines:
    """Line numbers of YAML entries (the decoded payload carries none)."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root

    @classmethod
    def of(cls, raw: RawDocument) -> _Lines:
        try:
            return cls(yaml.compose(raw.data.decode("utf-8-sig"), Loader=yaml.CSafeLoader))
        except (yaml.YAMLError, UnicodeDecodeError):  # detection already refused these
            return cls(None)

    def location(self, path: tuple[str | int, ...]) -> str | None:
        """``line N`` of the node at ``path`` (mapping keys and list indexes)."""
        node = self._root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step] if step < len(node.value) else None
            else:
                node = None
        return None if node is None else f"line {node.start_mark.line + 1}"


def _first_error(error: ValidationError, lines: _Lines) -> str:
    first = error.errors()[0]
    loc = tuple(first["loc"])
    shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    where = None
    for cut in range(len(loc), 0, -1):
        where = lines.location(loc[:cut])
        if where:
            break
    suffix = f" ({where})" if where else ""
    more = f" (and {error.error_count() - 1} more problems)" if error.error_count() > 1 else ""
    return f"{shown or 'file'}{suffix}: {first['msg']}{more}"
