"""Which CycloneDX schema errors refuse a document and which only become findings.

The rule (documented with its evidence in docs/cyclonedx-validation.md):

* **structural** - the error sits in a field riskgraph maps and the value is malformed:
  wrong JSON type, outside its closed vocabulary (component type, hash algorithm), fails
  the pattern or format that defines it (serialNumber, hash digest, metadata timestamp),
  or an object lacks the member that gives it meaning (dependency without ``ref``,
  property without ``name``, licence without id/name/expression, hash without content,
  component without ``name`` and without ``purl``). Mapping it would put a false or
  unusable fact in the graph, so the whole document is refused.
* **advisory** - URL and e-mail formats (real generators fail ``iri-reference``), unknown
  or misplaced extra fields, duplicates in arrays, licence ids outside the SPDX list and
  rating severities outside the enum (both stored verbatim), a missing component
  ``type``, and any error in a section riskgraph does not map (tools, externalReferences,
  patentAssertions, formulation, ...). These become ``DQ-SCHEMA`` findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ingest.cyclonedx_schema import SchemaIssue

__all__ = ["Verdict", "describe_path", "judge"]

_INDEX = "#"
_LEAF = ""
_UNMAPPED = "unmapped"
# context -> member -> context of the member's value ("" = a mapped leaf value)
_MAPPED: dict[str, dict[str, str]] = {
    "bom": {
        "bomFormat": _LEAF,
        "specVersion": _LEAF,
        "serialNumber": _LEAF,
        "metadata": "metadata",
        "components": "components",
        "services": "services",
        "dependencies": "dependencies",
        "vulnerabilities": "vulnerabilities",
    },
    "metadata": {
        "timestamp": _LEAF,
        "component": "component",
        "supplier": "entity",
        "manufacture": "entity",
    },
    "components": {_INDEX: "component"},
    "component": {
        **dict.fromkeys(
            ("type", "name", "version", "group", "purl", "cpe", "bom-ref", "description"), _LEAF
        ),
        "publisher": _LEAF,
        "author": _LEAF,
        "supplier": "entity",
        "manufacturer": "entity",
        "authors": "entities",
        "hashes": "hashes",
        "licenses": "licenses",
        "components": "components",
    },
    "services": {_INDEX: "service"},
    "service": {
        **dict.fromkeys(
            ("bom-ref", "name", "version", "group", "authenticated", "x-trust-boundary"), _LEAF
        ),
        "provider": "entity",
        "services": "services",
    },
    "dependencies": {_INDEX: "dependency"},
    "dependency": {"ref": _LEAF, "dependsOn": "refs"},
    "refs": {_INDEX: _LEAF},
    "vulnerabilities": {_INDEX: "vulnerability"},
    "vulnerability": {"id": _LEAF, "bom-ref": _LEAF, "ratings": "ratings", "affects": "affects"},
    "ratings": {_INDEX: "rating"},
    "rating": {"score": _LEAF, "severity": _LEAF},
    "affects": {_INDEX: "affect"},
    "affect": {"ref": _LEAF},
    "hashes": {_INDEX: "hash"},
    "hash": {"alg": _LEAF, "content": _LEAF},
    "licenses": {_INDEX: "license-choice"},
    "license-choice": {"license": "license", "expression": _LEAF},
    "license": {"id": _LEAF, "name": _LEAF},
    "properties": {_INDEX: "property"},
    "property": {"name": _LEAF},  # a non-string value is ignored like any bad value
    "entity": {"name": _LEAF},
    "entities": {_INDEX: "entity"},
}
# Members whose absence makes the object meaningless (context -> members).
_REQUIRED = {
    "bom": {"bomFormat", "specVersion"},
    "dependency": {"ref"},
    "property": {"name"},
    "hash": {"alg", "content"},
    "license": {"id", "name"},
    "license-choice": {"license", "expression"},
    "affect": {"ref"},
    "service": {"name"},
}
# Extra data, duplicates and over-specification (a licence with both id and name) leave
# every mapped value intact.
_ADVISORY_KEYWORDS = frozenset(
    {"additionalProperties", "unevaluatedProperties", "uniqueItems", "oneOfMultipleValid"}
)
# Mapped leaves kept verbatim as text: a value outside the enum is not a false fact.
_VERBATIM_LEAVES = frozenset({("license", "id"), ("rating", "severity")})


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an issue refuses the document, and its one-line description."""

    structural: bool
    reason: str


def _locate(path: tuple[str | int, ...], context: str = "bom") -> tuple[str, str | None]:
    """(context, leaf member or None) of a path; ``unmapped`` outside mapped fields."""
    for i, step in enumerate(path):
        key = _INDEX if isinstance(step, int) else step
        nxt = "properties" if key == "properties" else _MAPPED.get(context, {}).get(key)
        if nxt is None:
            # nameless properties are structural wherever they are: resume at the last one
            rest = path[i:]
            if "properties" in rest:
                last = len(rest) - 1 - rest[::-1].index("properties")
                return _locate(rest[last + 1 :], "properties")
            return _UNMAPPED, None
        if nxt == _LEAF:
            return (context, str(step)) if i == len(path) - 1 else (_UNMAPPED, None)
        context = nxt
    return context, None


def _is_structural(issue: SchemaIssue) -> bool:
    context, leaf = _locate(issue.path)
    keyword = issue.keyword
    if keyword in _ADVISORY_KEYWORDS:
        return False
    if keyword == "format":
        return (context, leaf) == ("metadata", "timestamp")
    if context == _UNMAPPED:
        return False
    if issue.alternatives:  # oneOf/anyOf: fine if some branch fails only on advisory points
        return all(any(_is_structural(i) for i in branch) for branch in issue.alternatives)
    if keyword == "required":
        if context == "component" and issue.detail == "name":
            return not (isinstance(issue.value, Mapping) and issue.value.get("purl"))
        return issue.detail in _REQUIRED.get(context, ())
    return not (keyword == "enum" and (context, leaf) in _VERBATIM_LEAVES)


def describe_path(path: tuple[str | int, ...]) -> str:
    """``("components", 0, "type")`` -> ``components[0].type``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out or "document"


def _lookup(document: Mapping[str, Any], path: tuple[str | int, ...]) -> Any:
    current: Any = document
    for step in path:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            return None
    return current


def _first_structural(issue: SchemaIssue) -> SchemaIssue:
    """The most specific structural issue under a oneOf/anyOf (first branch first).

    A licence object's own oneOf (id or name) is kept whole: it reads better than either
    of its branches.
    """
    for branch in issue.alternatives:
        for inner in branch:
            if _is_structural(inner):
                if inner.alternatives and _locate(inner.path)[0] == "license":
                    return inner
                return _first_structural(inner)
    return issue


def _closest_branch(issue: SchemaIssue) -> SchemaIssue:
    """For an advisory oneOf/anyOf: the first error of a branch that fails only advisorily."""
    for branch in issue.alternatives:
        if branch and not any(_is_structural(i) for i in branch):
            inner = branch[0]
            return _closest_branch(inner) if inner.alternatives else inner
    return issue


def _reason(issue: SchemaIssue, spec_version: str, document: Mapping[str, Any], where: str) -> str:
    context, leaf = _locate(issue.path)
    value = issue.value
    shown = repr(value) if isinstance(value, str | int | float) else None
    if context == "license" and issue.alternatives:
        return f"{where} has neither an SPDX licence id nor a name"
    if issue.keyword == "required":
        return f"{where} has no {issue.detail}"
    if issue.keyword in ("additionalProperties", "unevaluatedProperties"):
        return f"{where}: unknown or misplaced {issue.detail!r} (ignored)"
    if shown is not None:
        if (context, leaf) == ("component", "type"):
            return f"{where} {shown} is not a CycloneDX {spec_version} component type"
        if (context, leaf) == ("hash", "alg"):
            return f"{where} {shown} is not a CycloneDX {spec_version} hash algorithm"
        if (context, leaf) == ("hash", "content"):
            alg = _lookup(document, (*issue.path[:-1], "alg")) or "hash"
            return f"{where} {shown} is not a valid {alg} digest"
        if (context, leaf) == ("bom", "serialNumber"):
            return f"serialNumber {shown} is not a urn:uuid (RFC 4122)"
        if (context, leaf) == ("metadata", "timestamp"):
            return f"{where} {shown} is not an RFC 3339 date-time"
        if issue.keyword == "minLength" and value == "":
            return f"{where} is empty"
    message = issue.message if len(issue.message) <= 160 else issue.message[:157] + "..."
    return f"{where}: {message}"


def judge(
    issue: SchemaIssue, spec_version: str, document: Mapping[str, Any], *, xml: bool = False
) -> Verdict:
    """Classify one schema issue and word it for a refusal line or a finding."""
    structural = _is_structural(issue)
    shown = issue
    if structural and issue.alternatives and _locate(issue.path)[0] != "license":
        shown = _first_structural(issue)
    elif not structural and issue.alternatives:
        shown = _closest_branch(issue)
    where = shown.location if xml else describe_path(shown.path)
    return Verdict(structural, _reason(shown, spec_version, document, where))
