"""The rules that map a vendor key to its canonical vendor, and the records they leave.

An :class:`AliasTable` is built from the entries of vendor aliases documents. For each
vendor key of a view, :meth:`AliasTable.merge_for` applies the rules in order and returns
a :class:`VendorMerge` that says which rule held, what it matched and which aliases
entry (document and line) justified it. :mod:`graph.vendors` applies the merges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import Field

from graph.keys import key_for, normalise_vendor_name
from graph.model import Frozen, Provenance
from graph.purl_namespace import Namespace, coverage, parse_namespace
from graph.vocabulary import NodeKind

__all__ = ["AliasConflict", "AliasEntry", "AliasTable", "MergeRule", "VendorMerge"]


class MergeRule(StrEnum):
    """Why a vendor key maps to its canonical vendor."""

    CANONICAL = "canonical"  # the key is the canonical vendor itself
    NORMALISED_NAME = "normalised-name"  # same name once case, punctuation, suffixes fold
    ALIAS = "alias"  # a spelling listed in an aliases file
    PURL_NAMESPACE = "purl-namespace"  # the purl namespace an aliases file maps


class AliasEntry(Frozen):
    """One vendor of an aliases document, as resolution reads it."""

    canonical: str = Field(description="Canonical vendor key.")
    name: str
    aliases: tuple[str, ...] = ()
    lei: str | None = None
    parent: str | None = None
    country: str | None = None
    urls: tuple[str, ...] = ()
    path: str = Field(description="Path of the aliases file.")
    provenance: Provenance

    @property
    def source(self) -> str:
        """``path:line`` of the entry."""
        location = self.provenance.location or ""
        line = location.removeprefix("line ") if location.startswith("line ") else ""
        return f"{self.path}:{line}" if line else self.path

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The aliases that are purl namespaces (``pkg:<type>/<namespace>``)."""
        return tuple(a for a in self.aliases if a.startswith("pkg:"))


class VendorMerge(Frozen):
    """How one vendor key of the store view maps to its canonical vendor."""

    key: str
    canonical: str
    rule: MergeRule
    matched: str = Field(description="The key, normalised spelling or namespace matched.")
    reason: str
    source: Provenance | None = Field(default=None, description="Aliases entry behind it.")
    source_path: str | None = None


class AliasConflict(Frozen):
    """A form two aliases entries claim; the first (by canonical id, document) is kept."""

    form: str
    kept: str
    ignored: str
    reason: str


class _Claim(NamedTuple):
    canonical: str
    rule: MergeRule
    reason: str
    entry: AliasEntry


class AliasTable:
    """Normalised spellings and purl namespaces -> canonical vendor, first claim wins.

    Entries are sorted by (canonical key, document id, location) so that the table, and
    which of two conflicting claims wins, never depends on input order. Canonical ids are
    claimed before any spelling, so no alias can take an organisation's own id away.
    """

    def __init__(self, entries: Iterable[AliasEntry]) -> None:
        self.entries: tuple[AliasEntry, ...] = tuple(sorted(entries, key=_entry_order))
        self._claims: dict[str, _Claim] = {}
        self._namespaces: list[tuple[Namespace, str, AliasEntry]] = []
        self.conflicts: list[AliasConflict] = []
        for e in self.entries:
            reason = f"canonical id {_local(e.canonical)!r} listed in {e.source}"
            self._claim(_local(e.canonical), _Claim(e.canonical, MergeRule.CANONICAL, reason, e))
        for e in self.entries:
            reason = f"name {e.name!r} listed in {e.source}"
            self._claim(
                normalise_vendor_name(e.name), _Claim(e.canonical, MergeRule.ALIAS, reason, e)
            )
            for alias in e.aliases:
                self._add_alias(e, alias)

    def _add_alias(self, entry: AliasEntry, alias: str) -> None:
        if not alias.startswith("pkg:"):
            reason = f"alias {alias!r} listed in {entry.source}"
            claim = _Claim(entry.canonical, MergeRule.ALIAS, reason, entry)
            self._claim(normalise_vendor_name(alias), claim)
            return
        ns = parse_namespace(alias)
        if ns is None:
            return
        self._namespaces.append((ns, alias, entry))
        # a vendor spelled like the namespace itself ("org.apache.logging.log4j", "@angular")
        reason = f"purl namespace {alias} mapped in {entry.path}"
        claim = _Claim(entry.canonical, MergeRule.PURL_NAMESPACE, reason, entry)
        self._claim(normalise_vendor_name(ns.segments[-1]), claim)

    def _claim(self, form: str, new: _Claim) -> None:
        held = self._claims.setdefault(form, new)
        if held.canonical != new.canonical:
            self.conflicts.append(
                AliasConflict(
                    form=form,
                    kept=held.canonical,
                    ignored=new.canonical,
                    reason=f"{new.reason} conflicts with {held.reason}",
                )
            )

    def lookup(self, spelling: str) -> tuple[str, str] | None:
        """``(canonical key, reason)`` for a spelling the table lists, else None."""
        claim = self._claims.get(normalise_vendor_name(spelling))
        return None if claim is None else (claim.canonical, claim.reason)

    def match_namespace(self, ns: Namespace | None) -> tuple[AliasEntry, str] | None:
        """The entry (and its namespace text) that covers ``ns`` most specifically."""
        best: tuple[tuple[int, int], AliasEntry, str] | None = None
        for mapped, text, entry in self._namespaces:  # sorted: first of equal scores wins
            score = coverage(ns, mapped)
            if score > (0, 0) and (best is None or score > best[0]):
                best = (score, entry, text)
        return None if best is None else (best[1], best[2])

    def merge_for(self, key: str, data: Mapping[str, Any]) -> VendorMerge:
        """Map one vendor node of a view; first rule that holds wins.

        1. its key, name or a spelling it carries normalises to a form the table lists:
           its own canonical id (``canonical``), another canonical id
           (``normalised-name``), a spelling (``alias``) or a namespace (``purl-namespace``);
        2. else its normalised key: ``normalised-name`` when that differs from the key
           (a store that kept raw spellings as keys), otherwise ``canonical``.
        """
        local = _local(key)
        forms = [
            local,
            normalise_vendor_name(local),
            normalise_vendor_name(str(data.get("name", ""))),
        ]
        forms += [
            normalise_vendor_name(a) for a in data.get("aliases", ()) if not a.startswith("pkg:")
        ]
        for form in dict.fromkeys(forms):
            claim = self._claims.get(form)
            if claim is None:
                continue
            if claim.canonical == key:
                rule, reason = MergeRule.CANONICAL, claim.reason
            elif claim.rule is MergeRule.CANONICAL:
                rule = MergeRule.NORMALISED_NAME
                reason = f"normalised name equal ({form}): {claim.reason}"
            else:
                rule, reason = claim.rule, claim.reason
            return VendorMerge(
                key=key,
                canonical=claim.canonical,
                rule=rule,
                matched=form,
                reason=reason,
                source=claim.entry.provenance,
                source_path=claim.entry.path,
            )
        norm = normalise_vendor_name(local)
        canonical = key_for(NodeKind.VENDOR, norm)
        if canonical == key:
            return VendorMerge(
                key=key, canonical=key, rule=MergeRule.CANONICAL, matched=local, reason="own key"
            )
        return VendorMerge(
            key=key,
            canonical=canonical,
            rule=MergeRule.NORMALISED_NAME,
            matched=norm,
            reason=f"normalised name equal ({local!r} -> {norm})",
        )


def _entry_order(entry: AliasEntry) -> tuple[str, str, str]:
    return (entry.canonical, entry.provenance.document_id, entry.provenance.location or "")


def _local(key: str) -> str:
    return key.partition(":")[2]
