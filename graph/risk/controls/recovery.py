"""KG-RR-*: the operator's ability to recover hosts that no longer boot (controls.md §2).

These are operator-side findings on host groups ("ask the operator" when undeclared).
"""

from __future__ import annotations

from graph.model import HostGroupNode
from graph.risk.controls.base import Tristate, all_of, any_of, at_least, is_recent
from graph.risk.controls.catalogue import RR_01, RR_02, RR_03, RR_04
from graph.risk.controls.context import RuleContext
from graph.risk.controls.rules import Assessment, HostGroupRule
from graph.vocabulary import Environment, NodeKind, Severity

__all__ = ["RECOVERY_RULES", "escrow_independent"]

_UNENCRYPTED = frozenset({"none", "no", "false"})


def _encrypted(node: HostGroupNode) -> Tristate:
    if node.disk_encryption is None:
        return None
    return node.disk_encryption.strip().lower() not in _UNENCRYPTED


def _cii_critical(node: HostGroupNode, context: RuleContext) -> bool:
    return bool(context.group_reach(node.key).cii_critical_functions)


def _host_fatal_channels(context: RuleContext) -> dict[str, frozenset[str]]:
    """Host groups reached by each channel at a host-fatal (or undeclared) privilege."""

    def build() -> dict[str, frozenset[str]]:
        out = {}
        for channel in context.nodes(NodeKind.UPDATE_CHANNEL):
            if context.channel(channel).host_fatal is not False:
                out[channel] = context.channel_group_set(channel)
        return out

    return context.memo(("host-fatal-channels",), build)


def escrow_independent(node: HostGroupNode, context: RuleContext) -> Tristate:
    """The key escrow does not run on the host group's own platform, nor on host groups
    of the same operator that share a host-fatal channel with it."""
    escrow = node.key_escrow_platform
    if escrow is None:
        return None
    if escrow == node.platform:
        return False
    if escrow not in context.view:
        return None
    # the host-fatal channels meeting the operator's host groups on the escrow platform,
    # once per (escrow platform, operator): a shared escrow platform made this quadratic
    known: dict[tuple[str, str | None], list[frozenset[str]]] = context.memo(
        ("escrow-channels",), dict
    )
    shared = known.get((escrow, node.operator))
    if shared is None:
        shared = known[(escrow, node.operator)] = _meeting(context, escrow, node.operator)
    return not any(node.key in reached for reached in shared)


def _meeting(context: RuleContext, escrow: str, operator: str | None) -> list[frozenset[str]]:
    """Groups reached by the host-fatal channels that reach one of ``operator``'s host
    groups running on ``escrow`` (one walk per escrow platform)."""

    def by_operator() -> dict[str | None, set[str]]:
        out: dict[str | None, set[str]] = {}
        for hg in context.software_groups(escrow):
            out.setdefault(context.operator_of(hg), set()).add(hg)
        return out

    on_escrow = context.memo(("escrow-host-groups-by-operator", escrow), by_operator)
    escrow_groups = on_escrow.get(operator, set())
    return [
        reached
        for reached in _host_fatal_channels(context).values()
        if not escrow_groups.isdisjoint(reached)
    ]


def _rr01(node: HostGroupNode, context: RuleContext) -> Assessment | None:
    encrypted = _encrypted(node)
    if encrypted is False:
        return None
    evidence = [
        context.evidence(node.key, "disk_encryption", node.disk_encryption),
        context.evidence(node.key, "keys_escrowed_share", node.keys_escrowed_share),
        context.evidence(node.key, "key_escrow_platform", node.key_escrow_platform),
    ]
    escrowed = at_least(node.keys_escrowed_share, context.policy.min_keys_escrowed_share)
    present = all_of(encrypted, escrowed, escrow_independent(node, context))
    if encrypted is None and present is False:
        present = None
    guidance = Severity.CRITICAL if _cii_critical(node, context) else Severity.HIGH
    return Assessment(present, guidance, evidence)


def _rr02(node: HostGroupNode, context: RuleContext) -> Assessment | None:
    if node.environment not in context.policy.oob_environments:
        return None
    evidence = [
        context.evidence(node.key, "oob_console", node.oob_console),
        context.evidence(node.key, "cloud_rescue_runbook", node.cloud_rescue_runbook),
        context.evidence(node.key, "automated_recovery", node.automated_recovery),
    ]
    # controls.md: oob_console OR cloud_rescue_runbook; the runbook only means something
    # for cloud VMs; automatic OS recovery (QMR) counts when declared, is not asked for
    present: Tristate = node.oob_console
    if node.environment is Environment.CLOUD_VM:
        present = any_of(node.oob_console, node.cloud_rescue_runbook)
    if node.automated_recovery:
        present = True
    return Assessment(present, Severity.HIGH, evidence)


def _rr03(node: HostGroupNode, context: RuleContext) -> Assessment:
    tested = node.recovery_playbook_tested
    evidence = [context.evidence(node.key, "recovery_playbook_tested", tested)]
    present = is_recent(tested, context.as_of, context.policy.playbook_max_age_days)
    cii = bool(context.group_reach(node.key).cii_operators)
    detail = f"last exercised {tested}" if present is False else ""
    return Assessment(present, Severity.HIGH if cii else Severity.MEDIUM, evidence, detail)


def _rr04(node: HostGroupNode, context: RuleContext) -> Assessment | None:
    if _encrypted(node) is not True:
        return None
    share = node.keys_escrowed_share
    if share is not None and share >= 1:
        return None  # every key escrowed: no host needs the break-glass path
    evidence = [
        context.evidence(node.key, "local_admin_breakglass", node.local_admin_breakglass),
        context.evidence(node.key, "keys_escrowed_share", share),
    ]
    return Assessment(node.local_admin_breakglass, Severity.MEDIUM, evidence)


RECOVERY_RULES = (
    HostGroupRule(RR_01, _rr01),
    HostGroupRule(RR_02, _rr02),
    HostGroupRule(RR_03, _rr03),
    HostGroupRule(RR_04, _rr04),
)
