"""Evidence and findings as tuples while rules run, and as models built without revalidation.

One 100k-host evaluation makes about 93,000 findings and 200,000 evidence records, every
value of which is a string, a plain number, an enum member or a record validated before
(a view's provenance, a :class:`Reach`). The rules build them as tuples
(:class:`EvidenceItem`, :class:`FindingItem`: the model's fields in field order), which the
report turns into its rows directly; :func:`finding_model` makes the :class:`Finding` the
CLI and the dashboard show. :func:`evidence_item` and :func:`finding_item` check the types
that validation would convert (cheap ``type`` tests); anything else goes through
validation as before (and fails the same way) and the tuple holds the validated values.
A model made from a tuple has the same ``__dict__`` and fields set as a validated one, no
extra and no private values, so it equals it, hashes and dumps the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from graph.model import Provenance
from graph.risk.controls.base import Evidence, EvidenceValue, Finding, FindingStatus, RiskRemoved
from graph.risk.reach import Reach
from graph.trusted import trusted_model
from graph.vocabulary import NodeKind, Severity

__all__ = [
    "OPTIONAL_STR",
    "PLAIN_TYPES",
    "EvidenceItem",
    "FindingItem",
    "evidence_item",
    "evidence_model",
    "evidence_record",
    "finding_item",
    "finding_model",
    "finding_record",
    "item_of",
    "node_evidence",
    "plain_provenance",
]

PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
"""Types an evidence value keeps through validation."""
OPTIONAL_STR = frozenset({str, type(None)})
_PLAIN, _OPTIONAL_STR = PLAIN_TYPES, OPTIONAL_STR
_EVIDENCE_SET = frozenset(Evidence.model_fields)
# Finding(...) as RuleContext.finding calls it: every field but risk_removed
_FINDING_SET = frozenset(Finding.model_fields) - {"risk_removed"}
_ALL_SET = frozenset(Finding.model_fields)


class EvidenceItem(NamedTuple):
    """The fields of an :class:`Evidence`, each already of its field's type."""

    subject: str
    attribute: str
    value: EvidenceValue
    provenance: tuple[Provenance, ...]


class FindingItem(NamedTuple):
    """The fields of a :class:`Finding` but ``risk_removed``, each already of its type."""

    id: str
    control: str
    title: str
    severity: Severity
    status: FindingStatus
    subject: str
    subject_kind: NodeKind
    qualifier: str | None
    vendor: str | None
    channel: str | None
    operator: str | None
    evidence: tuple[EvidenceItem, ...]
    references: tuple[str, ...]
    remediation: str
    related_controls: tuple[str, ...]
    reach: Reach


_FINDING_FIELDS = FindingItem._fields


def plain_provenance(records: Any) -> tuple[Provenance, ...] | None:
    """``records`` as a tuple when every item is a :class:`Provenance` (what validation
    keeps as it is), else None."""
    found = tuple(records)
    return found if all(type(p) is Provenance for p in found) else None


def evidence_item(subject: Any, attribute: Any, value: Any, provenance: Any = ()) -> EvidenceItem:
    """``Evidence(subject=..., attribute=..., value=..., provenance=...)`` as a tuple."""
    if (
        type(subject) is str
        and type(attribute) is str
        and type(value) in _PLAIN
        and type(provenance) is tuple
        and all(type(p) is Provenance for p in provenance)
    ):
        return EvidenceItem(subject, attribute, value, provenance)
    e = Evidence(subject=subject, attribute=attribute, value=value, provenance=provenance)
    return EvidenceItem(e.subject, e.attribute, e.value, e.provenance)


def node_evidence(
    subject: str, attribute: str, value: Any, provenance: tuple[Provenance, ...]
) -> EvidenceItem:
    """:func:`evidence_item` for ``provenance`` known to be a tuple of :class:`Provenance`
    records (a node's, checked once by the caller)."""
    if type(subject) is str and type(attribute) is str and type(value) in _PLAIN:
        return EvidenceItem(subject, attribute, value, provenance)
    return evidence_item(subject, attribute, value, provenance)


def evidence_model(item: EvidenceItem) -> Evidence:
    """The :class:`Evidence` of a tuple made by :func:`evidence_item`."""
    return trusted_model(Evidence, dict(zip(EvidenceItem._fields, item, strict=True)))


def evidence_record(
    subject: str, attribute: str, value: Any, provenance: tuple[Provenance, ...]
) -> Evidence:
    """``Evidence(subject=..., attribute=..., value=..., provenance=...)``."""
    return evidence_model(evidence_item(subject, attribute, value, provenance))


def finding_item(
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
    evidence: Iterable[EvidenceItem | Evidence],
    references: tuple[str, ...],
    remediation: str,
    related_controls: tuple[str, ...],
    reach: Reach,
) -> FindingItem:
    """``Finding(...)`` of these fields (``risk_removed`` left unset) as a tuple."""
    cited = evidence if type(evidence) is tuple else tuple(evidence)
    item = FindingItem(
        id,
        control,
        title,
        severity,
        status,
        subject,
        subject_kind,
        qualifier,
        vendor,
        channel,
        operator,
        cited,  # type: ignore[arg-type]  # checked by _trusted
        references,
        remediation,
        related_controls,
        reach,
    )
    if _trusted(item):
        return item
    values = item._asdict()
    values["evidence"] = tuple(evidence_model(e) if type(e) is EvidenceItem else e for e in cited)
    return item_of(Finding(**values))


def item_of(finding: Finding) -> FindingItem:
    """A validated :class:`Finding`'s fields as a tuple (``risk_removed`` dropped)."""
    values = finding.__dict__
    cited = tuple([EvidenceItem(*e.__dict__.values()) for e in finding.evidence])
    return FindingItem._make(
        cited if name == "evidence" else values[name] for name in _FINDING_FIELDS
    )


def finding_model(item: FindingItem, risk_removed: RiskRemoved | None = None) -> Finding:
    """The :class:`Finding` of ``item`` (as :func:`finding_record` makes it), with
    ``risk_removed`` set as ``model_copy(update=...)`` sets it when given."""
    values: dict[str, Any] = dict(zip(_FINDING_FIELDS, item, strict=True))
    values["evidence"] = tuple(
        [trusted_model(Evidence, dict(zip(EvidenceItem._fields, e, strict=True))) for e in item[11]]
    )
    values["risk_removed"] = risk_removed
    return trusted_model(Finding, values, set(_FINDING_SET if risk_removed is None else _ALL_SET))


def finding_record(**fields: Any) -> Finding:
    """``Finding(**fields)`` (every field but ``risk_removed``, which stays unset)."""
    return finding_model(finding_item(**fields))


def _trusted(item: FindingItem) -> bool:
    """Every value already has the type validation would give it."""
    if not (
        type(item[0]) is str
        and type(item[1]) is str
        and type(item[2]) is str
        and type(item[13]) is str
        and type(item[5]) is str
        and type(item[3]) is Severity
        and type(item[4]) is FindingStatus
        and type(item[6]) is NodeKind
        and type(item[7]) in _OPTIONAL_STR
        and type(item[8]) in _OPTIONAL_STR
        and type(item[9]) in _OPTIONAL_STR
        and type(item[10]) in _OPTIONAL_STR
        and type(item[15]) is Reach
        and type(item[12]) is tuple
        and type(item[14]) is tuple
    ):
        return False
    for e in item[11]:
        if type(e) is not EvidenceItem:
            return False
    return all(type(text) is str for text in (*item[12], *item[14]))
