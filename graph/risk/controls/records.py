"""Evidence and findings built from values that are already of their field's type.

One 100k-host evaluation makes about 93,000 findings and 200,000 evidence records, every
value of which is a string, a plain number, an enum member or a record validated before
(a view's provenance, a :class:`Reach`, an :class:`Evidence`). Validating them again was
the largest single cost of the control rules. :func:`evidence_record` and
:func:`finding_record` check the types that validation would convert (cheap ``type``
tests) and then make the object validation would have made: the same ``__dict__``, the
same fields set, no extra and no private values, so equal to it, hashed and dumped the
same. Anything else goes through validation as before (and fails the same way).
"""

from __future__ import annotations

from typing import Any

from graph.model import Provenance
from graph.risk.controls.base import Evidence, Finding, FindingStatus
from graph.risk.reach import Reach
from graph.trusted import trusted_model
from graph.vocabulary import NodeKind, Severity

__all__ = ["evidence_record", "finding_record", "plain_provenance"]

_PLAIN = frozenset({str, int, float, bool, type(None)})
_OPTIONAL_STR = frozenset({str, type(None)})
_EVIDENCE_SET = frozenset(Evidence.model_fields)
# Finding(...) as RuleContext.finding calls it: every field but risk_removed
_FINDING_SET = frozenset(Finding.model_fields) - {"risk_removed"}


def plain_provenance(records: Any) -> tuple[Provenance, ...] | None:
    """``records`` as a tuple when every item is a :class:`Provenance` (what validation
    keeps as it is), else None."""
    found = tuple(records)
    return found if all(type(p) is Provenance for p in found) else None


def evidence_record(
    subject: str, attribute: str, value: Any, provenance: tuple[Provenance, ...]
) -> Evidence:
    """``Evidence(subject=..., attribute=..., value=..., provenance=...)``; ``provenance``
    must hold only :class:`Provenance` records (see :func:`plain_provenance`)."""
    if type(subject) is not str or type(attribute) is not str or type(value) not in _PLAIN:
        return Evidence(subject=subject, attribute=attribute, value=value, provenance=provenance)
    values = {"subject": subject, "attribute": attribute, "value": value, "provenance": provenance}
    return trusted_model(Evidence, values, set(_EVIDENCE_SET))


def finding_record(
    *,
    id: str,
    control: str,
    title: str,
    severity: Severity,
    status: FindingStatus,
    subject: str,
    subject_kind: NodeKind,
    qualifier: str | None,
    vendor: str | None,
    channel: str | None,
    operator: str | None,
    evidence: tuple[Evidence, ...],
    references: tuple[str, ...],
    remediation: str,
    related_controls: tuple[str, ...],
    reach: Reach,
) -> Finding:
    """``Finding(...)`` of these fields (``risk_removed`` left unset)."""
    values: dict[str, Any] = {
        "id": id,
        "control": control,
        "title": title,
        "severity": severity,
        "status": status,
        "subject": subject,
        "subject_kind": subject_kind,
        "qualifier": qualifier,
        "vendor": vendor,
        "channel": channel,
        "operator": operator,
        "evidence": evidence,
        "references": references,
        "remediation": remediation,
        "related_controls": related_controls,
        "reach": reach,
    }
    if not _trusted(values):
        return Finding(**values)
    values["risk_removed"] = None
    return trusted_model(Finding, values, set(_FINDING_SET))


def _trusted(values: dict[str, Any]) -> bool:
    """Every value already has the type validation would give it."""
    if not (
        type(values["id"]) is str
        and type(values["control"]) is str
        and type(values["title"]) is str
        and type(values["remediation"]) is str
        and type(values["subject"]) is str
        and type(values["severity"]) is Severity
        and type(values["status"]) is FindingStatus
        and type(values["subject_kind"]) is NodeKind
        and type(values["qualifier"]) in _OPTIONAL_STR
        and type(values["vendor"]) in _OPTIONAL_STR
        and type(values["channel"]) in _OPTIONAL_STR
        and type(values["operator"]) in _OPTIONAL_STR
        and type(values["reach"]) is Reach
        and type(values["evidence"]) is tuple
        and type(values["references"]) is tuple
        and type(values["related_controls"]) is tuple
    ):
        return False
    for e in values["evidence"]:
        if type(e) is not Evidence:
            return False
    for name in ("references", "related_controls"):
        for item in values[name]:
            if type(item) is not str:
                return False
    return True
