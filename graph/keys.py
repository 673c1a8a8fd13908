"""Stable, kind-prefixed node keys.

Keys are the identity of a node across documents: the same purl asserted by two SBOMs
yields one component key; a component without a purl is scoped to its document.
"""

from __future__ import annotations

import re
import unicodedata

from graph.vocabulary import NodeKind

__all__ = [
    "component_key",
    "document_scoped_key",
    "kind_of_key",
    "normalise_purl",
    "normalise_vendor_name",
    "product_key",
    "vendor_key",
]

_PREFIX = {
    NodeKind.SECTOR: "sector",
    NodeKind.OPERATOR: "operator",
    NodeKind.FUNCTION: "function",
    NodeKind.HOST_GROUP: "hostgroup",
    NodeKind.PRODUCT: "product",
    NodeKind.COMPONENT: "component",
    NodeKind.SERVICE: "service",
    NodeKind.VENDOR: "vendor",
    NodeKind.UPDATE_CHANNEL: "channel",
    NodeKind.PLATFORM: "platform",
    NodeKind.VULNERABILITY: "vuln",
    NodeKind.CONTRACT: "contract",
}
_KIND_BY_PREFIX = {v: k for k, v in _PREFIX.items()}


def key_for(kind: NodeKind, local_id: str) -> str:
    """``{prefix}:{local_id}`` for any node kind."""
    return f"{_PREFIX[kind]}:{local_id}"


def kind_of_key(key: str) -> NodeKind:
    """The node kind a key names; raises ``ValueError`` for an unknown prefix."""
    prefix, _, _ = key.partition(":")
    try:
        return _KIND_BY_PREFIX[prefix]
    except KeyError:
        raise ValueError(f"not a node key: {key!r}") from None


def normalise_purl(purl: str) -> str:
    """Canonical purl text: lower-case type, no qualifiers or subpath.

    Qualifiers (arch, distro, repository URL) and subpaths vary between generators for
    the same package, so they are not part of its identity.
    """
    text = purl.strip()
    if "#" in text:  # tested first: most purls have neither (runs once per component)
        text = text.split("#", 1)[0]
    if "?" in text:
        text = text.split("?", 1)[0]
    if text.startswith("pkg:"):
        rest = text[4:].lstrip("/")
        ptype, sep, tail = rest.partition("/")
        if sep:
            text = f"pkg:{ptype.lower()}/{tail}"
    return text


def component_key(purl: str) -> str:
    return key_for(NodeKind.COMPONENT, normalise_purl(purl))


def product_key(purl: str | None, name: str, version: str | None, group: str | None = None) -> str:
    """A product is identified by purl when it has one, else by group/name@version."""
    if purl:
        return key_for(NodeKind.PRODUCT, normalise_purl(purl))
    qualified = f"{group}/{name}" if group else name
    return key_for(NodeKind.PRODUCT, f"{qualified}@{version}" if version else qualified)


def document_scoped_key(kind: NodeKind, document_id: str, local_ref: str) -> str:
    """Key for an entry with no global identity: only meaningful inside its document."""
    return key_for(kind, f"{document_id}/{local_ref}")


_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(incorporated|inc|corporation|corp|company|co|limited|ltd|llc|l\.l\.c|plc|gmbh|ag|"
    r"sa|s\.a|sas|bv|b\.v|nv|n\.v|oy|ab|as|kk|k\.k|pty|pte|srl|spa|s\.p\.a|se)\.?$",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_vendor_name(name: str) -> str:
    """Fold case, accents, punctuation and legal-form suffixes.

    ``Microsoft Corp.``, ``Microsoft Corporation`` and ``microsoft`` all give ``microsoft``.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = text.strip().lower()
    text = re.sub(r"^(organization|person|tool):\s*", "", text)
    text = re.sub(r"\s*[<(][^>)]*[>)]\s*", " ", text).strip()  # drop "<email>" and "(url)"
    previous = None
    while previous != text:
        previous = text
        text = _LEGAL_SUFFIX.sub("", text).strip(" ,.")
    slug = _NON_WORD.sub("-", text).strip("-")
    return slug or "unknown"


def vendor_key(name: str) -> str:
    return key_for(NodeKind.VENDOR, normalise_vendor_name(name))
