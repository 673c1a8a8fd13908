"""Purl namespaces: who publishes under ``pkg:maven/org.apache``, ``pkg:npm/@angular``.

Used to attribute a supplier to a component that names none, from the namespace of its
purl. Matching is case-insensitive and percent-decoded (``%40angular`` is ``@angular``).
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote

from graph.keys import normalise_purl

__all__ = ["Namespace", "coverage", "namespace_of_purl", "parse_namespace"]


class Namespace(NamedTuple):
    """A purl type and its namespace segments."""

    ptype: str
    segments: tuple[str, ...]


def parse_namespace(text: str) -> Namespace | None:
    """A namespace written as a purl prefix; None without one.

    >>> parse_namespace("pkg:npm/%40angular")
    Namespace(ptype='npm', segments=('@angular',))
    """
    segments = _segments(text.strip().rstrip("/"))
    if segments is None or len(segments[1]) < 1:
        return None
    return Namespace(segments[0], segments[1])


def namespace_of_purl(purl: str) -> Namespace | None:
    """The namespace of a package purl (its path without the ``name@version`` segment).

    >>> namespace_of_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
    Namespace(ptype='maven', segments=('org.apache.logging.log4j',))
    >>> namespace_of_purl("pkg:pypi/requests@2.32.3") is None
    True
    """
    segments = _segments(purl)
    if segments is None or len(segments[1]) < 2:
        return None
    return Namespace(segments[0], segments[1][:-1])


def coverage(ns: Namespace | None, mapped: Namespace | None) -> tuple[int, int]:
    """How specifically ``mapped`` covers ``ns``: ``(0, 0)`` when it does not.

    Segments must be equal, except the last mapped one, which may also be a dotted prefix
    (``org.apache`` covers ``org.apache.logging.log4j``). More segments, then a longer
    last segment, is more specific.

    >>> coverage(namespace_of_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2"),
    ...          parse_namespace("pkg:maven/org.apache"))
    (1, 10)
    >>> coverage(namespace_of_purl("pkg:maven/org.apachex/x@1"),
    ...          parse_namespace("pkg:maven/org.apache"))
    (0, 0)
    """
    if ns is None or mapped is None or ns.ptype != mapped.ptype:
        return (0, 0)
    n = len(mapped.segments)
    if len(ns.segments) < n or ns.segments[: n - 1] != mapped.segments[:-1]:
        return (0, 0)
    have, want = ns.segments[n - 1], mapped.segments[-1]
    if have == want or have.startswith(want + "."):
        return (n, len(want))
    return (0, 0)


def _segments(text: str) -> tuple[str, tuple[str, ...]] | None:
    norm = normalise_purl(text)
    if not norm.startswith("pkg:"):
        return None
    ptype, _, rest = norm[4:].partition("/")
    return ptype, tuple(unquote(s).lower() for s in rest.split("/") if s)
