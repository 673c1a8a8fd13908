"""Evidence and findings built without revalidation equal the validated records."""

from __future__ import annotations

import pickle
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from graph.model import Provenance
from graph.risk.concentration_models import ConcentrationPolicy
from graph.risk.controls.base import (
    ControlsPolicy,
    Evidence,
    Finding,
    FindingStatus,
    RiskRemoved,
    RuleSubject,
    grade,
    rule_subject,
    shift,
)
from graph.risk.controls.catalogue import SR_01
from graph.risk.controls.context import RuleContext
from graph.risk.controls.records import (
    evidence_record,
    finding_model,
    finding_record,
    plain_provenance,
)
from graph.risk.reach import GroupFacts, Reach, reach_of
from graph.store.view import provenance_record
from graph.vocabulary import NodeKind, Severity
from tests.graph.risk.test_controls_pattern import AS_OF

PROVENANCE = (
    Provenance(document_id="doc-a", sha256="a" * 64, location="/components/0"),
    provenance_record("doc-b", "b" * 64, None),
)

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)


def _same(trusted: Any, validated: Any) -> None:
    assert trusted == validated
    assert type(trusted) is type(validated)
    assert trusted.model_fields_set == validated.model_fields_set
    assert trusted.model_dump() == validated.model_dump()
    assert trusted.model_dump_json() == validated.model_dump_json()
    assert hash(trusted) == hash(validated)
    assert pickle.loads(pickle.dumps(trusted)) == validated


@settings(max_examples=200, deadline=None)
@given(value=_values, cited=st.sampled_from([(), PROVENANCE[:1], PROVENANCE]))
def test_evidence_record_equals_the_validated_evidence(value: Any, cited: Any) -> None:
    validated = Evidence(subject="channel:c", attribute="signed", value=value, provenance=cited)
    trusted = evidence_record("channel:c", "signed", value, cited)
    _same(trusted, validated)
    for v1, v2 in zip(trusted.model_dump().values(), validated.model_dump().values(), strict=True):
        assert type(v1) is type(v2)


def test_evidence_record_validates_what_it_cannot_trust() -> None:
    class Text(str):
        pass

    found = evidence_record("k", "a", Text("x"), ())
    assert type(found.value) is str  # validation converted the subclass
    with pytest.raises(ValidationError):
        evidence_record("k", "a", [1, 2], ())


def test_plain_provenance_keeps_records_and_refuses_the_rest() -> None:
    assert plain_provenance(list(PROVENANCE)) == PROVENANCE
    assert plain_provenance([{"document_id": "d", "sha256": "s"}]) is None


def _finding_values(**changes: Any) -> dict[str, Any]:
    reach = reach_of(("hg:a",), [])
    values: dict[str, Any] = {
        "id": "KG-SR-01:channel:c@x",
        "control": "KG-SR-01",
        "title": "Staged rollout — c",
        "severity": Severity.HIGH,
        "status": FindingStatus.UNKNOWN,
        "subject": "channel:c",
        "subject_kind": NodeKind.UPDATE_CHANNEL,
        "qualifier": "x",
        "vendor": "vendor:v",
        "channel": "channel:c",
        "operator": None,
        "evidence": (evidence_record("channel:c", "rollout_stages", 1, PROVENANCE),),
        "references": ("NIST SP 800-53 CM-3", "DORA Art. 28"),
        "remediation": "Stage it.",
        "related_controls": ("KG-SR-06",),
        "reach": reach,
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"qualifier": None, "vendor": None, "channel": None, "evidence": ()},
        {"reach": Reach(hosts=3, operators=("operator:o",)), "related_controls": ()},
    ],
)
def test_finding_record_equals_the_validated_finding(changes: dict[str, Any]) -> None:
    values = _finding_values(**changes)
    trusted, validated = finding_record(**values), Finding(**values)
    _same(trusted, validated)
    assert trusted.risk_removed is None
    removed = RiskRemoved(hosts_down_avoided=5, operators_avoided=1)
    update = {"risk_removed": removed}
    _same(trusted.model_copy(update=update), validated.model_copy(update=update))
    assert trusted.sort_key() == validated.sort_key()


def test_finding_record_validates_what_it_cannot_trust() -> None:
    converted = finding_record(**_finding_values(severity="high", evidence=[]))
    assert converted.severity is Severity.HIGH
    assert converted == Finding(**_finding_values(evidence=()))
    with pytest.raises(ValidationError):
        finding_record(**_finding_values(severity="dreadful"))


def test_a_rule_finding_validates_what_a_rule_passes_untyped() -> None:
    view = nx.MultiDiGraph()
    view.add_node("channel:c", kind=NodeKind.UPDATE_CHANNEL.value, name="c")
    context = RuleContext(
        view, policy=ControlsPolicy(), concentration_policy=ConcentrationPolicy(), as_of=AS_OF
    )
    subject = RuleSubject(key="channel:c", kind=NodeKind.UPDATE_CHANNEL)
    kept = {"present": False, "evidence": [], "reach": Reach()}
    found = context.finding(SR_01, subject, guidance="high", graded=False, **kept)  # type: ignore[arg-type]
    assert found is not None and found.severity is Severity.HIGH
    typed = context.finding(SR_01, subject, guidance=Severity.HIGH, graded=False, **kept)  # type: ignore[arg-type]
    assert typed == found and finding_model(typed) == finding_model(found)
    with pytest.raises(ValidationError):
        context.finding(SR_01, subject, guidance=Severity.HIGH, vendor=5, **kept)  # type: ignore[arg-type]


def test_reach_of_and_rule_subjects_equal_the_validated_records() -> None:
    facts = [GroupFacts(3, "operator:o", True, ("function:f",)), GroupFacts(2, None, False, ())]
    got = reach_of(("hostgroup:a", "hostgroup:b"), facts)
    _same(got, Reach(**got.__dict__))
    assert got.critical_hosts == 3 and got.cii_critical_functions == ("function:f",)
    _same(rule_subject("k", NodeKind.PRODUCT), RuleSubject(key="k", kind=NodeKind.PRODUCT))
    _same(
        rule_subject("k", NodeKind.OPERATOR, "product:p"),
        RuleSubject(key="k", kind=NodeKind.OPERATOR, qualifier="product:p"),
    )
    assert rule_subject("k", "Product").kind is NodeKind.PRODUCT  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        rule_subject("k", "Nonsense")  # type: ignore[arg-type]


def test_a_shared_fields_set_is_never_changed() -> None:
    a, b = rule_subject("k", NodeKind.PRODUCT), rule_subject("j", NodeKind.PRODUCT)
    assert a.model_fields_set is b.model_fields_set  # one set for every such subject
    copied = a.model_copy(update={"qualifier": "q"})
    assert copied.model_fields_set == {"key", "kind", "qualifier"}
    assert a.model_fields_set == b.model_fields_set == {"key", "kind"}
    with pytest.raises(ValidationError):
        a.qualifier = "q"  # type: ignore[misc]  # frozen: never set in place


def test_evidence_is_shared_per_node_attribute_and_written_value() -> None:
    view = nx.MultiDiGraph()
    view.add_node("channel:c", kind=NodeKind.UPDATE_CHANNEL.value, provenance=list(PROVENANCE))
    context = RuleContext(
        view, policy=ControlsPolicy(), concentration_policy=ConcentrationPolicy(), as_of=AS_OF
    )
    first = context.evidence("channel:c", "stages", 1)
    assert context.evidence("channel:c", "stages", 1) is first
    assert first.provenance == PROVENANCE
    flag = context.evidence("channel:c", "stages", True)  # equal to 1, written differently
    assert flag.value is True and type(context.evidence("channel:c", "stages", 1).value) is int
    zero, negative = 0.0, -0.0
    assert repr(context.evidence("channel:c", "share", zero).value) == "0.0"
    assert repr(context.evidence("channel:c", "share", negative).value) == "-0.0"
    assert context.evidence("channel:c", "share", negative).value is negative


_CONTEXT = RuleContext(
    nx.MultiDiGraph(),
    policy=ControlsPolicy(),
    concentration_policy=ConcentrationPolicy(),
    as_of=AS_OF,
)


@settings(max_examples=300, deadline=None)
@given(
    guidance=st.sampled_from(list(Severity)),
    hosts=st.sampled_from([0, 5, 9_999, 10_000, 50_000]),
    critical=st.booleans(),
    cii=st.integers(0, 4),
    cii_critical=st.booleans(),
    irreversible=st.booleans(),
    graded=st.booleans(),
    unknown=st.booleans(),
)
def test_graded_severities_are_grade_and_the_unknown_step(
    guidance: Severity,
    hosts: int,
    critical: bool,
    cii: int,
    cii_critical: bool,
    irreversible: bool,
    graded: bool,
    unknown: bool,
) -> None:
    reach = Reach(
        hosts=hosts,
        critical_functions=("function:f",) if critical else (),
        cii_operators=tuple(f"operator:{i}" for i in range(cii)),
        cii_critical_functions=("function:f",) if cii_critical else (),
    )
    policy = _CONTEXT.policy
    expected = guidance
    if graded:
        expected = grade(guidance, reach, irreversible=irreversible, policy=policy)
    if unknown:
        expected = shift(expected, -policy.unknown_downgrade)
    # the context shares one grading per question across reach records (cached here)
    assert _CONTEXT._severity(guidance, reach, irreversible, graded, unknown) is expected
