"""The report's own hash: SHA-256 over a canonical JSON of everything but ``integrity``.

Canonical means: the JSON-mode dump (dates as ISO strings), keys sorted, separators
``,`` and ``:`` without spaces, UTF-8, non-ASCII kept. Re-parsing a rendered JSON report
and canonicalising it again gives the same bytes, so the hash can be checked from the
file alone (:func:`declared_hash_holds`) and from the store (``riskgraph report verify``).

Examples
--------
>>> canonical_bytes({"b": 1, "a": [1.5, "é"], "integrity": {"x": 1}})
b'{"a":[1.5,"\\xc3\\xa9"],"b":1}'
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from dashboard.reports.jsonbytes import stdlib_json_bytes
from dashboard.reports.model import InputHash, Integrity, Report
from dashboard.reports.modeljson import model_json_bytes

__all__ = [
    "body_sha256",
    "canonical_bytes",
    "declared_hash_holds",
    "inputs_sha256",
    "report_canonical_bytes",
    "seal",
    "verification_stub",
]


def canonical_bytes(body: Mapping[str, Any]) -> bytes:
    """The bytes hashed: ``body`` without its ``integrity`` key, canonical JSON."""
    data = {k: v for k, v in body.items() if k != "integrity"}
    return stdlib_json_bytes(data, sort_keys=True)


def body_sha256(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def report_canonical_bytes(report: Report) -> bytes:
    """``canonical_bytes(report.model_dump(mode="json"))``, written from the models (no
    dump: :mod:`dashboard.reports.modeljson`)."""
    return model_json_bytes(report, sort_keys=True, omit="integrity")


def seal(report: Report) -> Report:
    """``report`` with ``integrity.body_sha256`` computed from the rest of it."""
    digest = hashlib.sha256(report_canonical_bytes(report)).hexdigest()
    return report.model_copy(update={"integrity": Integrity(body_sha256=digest)})


def declared_hash_holds(body: Mapping[str, Any]) -> bool:
    """True when a parsed report's declared ``body_sha256`` matches its content."""
    integrity = body.get("integrity")
    declared = integrity.get("body_sha256") if isinstance(integrity, Mapping) else None
    return isinstance(declared, str) and declared == body_sha256(body)


def inputs_sha256(inputs: Iterable[InputHash]) -> str:
    lines = sorted(f"{i.document_id} {i.sha256} {i.status}" for i in inputs)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def verification_stub(report: Report, *, with_inputs: bool = True) -> dict[str, Any]:
    """What every format embeds for ``verify``: the manifest and the integrity record.

    ``with_inputs=False`` drops the per-document list (``inputs_sha256`` still covers it)
    for formats where size matters (PDF metadata).
    """
    manifest = report.manifest.model_dump(mode="json")
    if not with_inputs:
        manifest.pop("inputs")
    return {"manifest": manifest, "integrity": report.integrity.model_dump(mode="json")}
