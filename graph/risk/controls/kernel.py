"""KG-KM-*: kernel-mode minimisation and crash-loop protection (controls.md §2)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.risk.controls.base import Control, RuleSubject, Tristate, all_of, any_of, rule_subject
from graph.risk.controls.catalogue import KM_01, KM_02
from graph.risk.controls.context import ChannelFacts, RuleContext
from graph.risk.controls.records import FindingItem
from graph.risk.controls.rules import Assessment, ChannelRule
from graph.risk.controls.validation import content_control
from graph.vocabulary import BootStart, NodeKind, Privilege, Severity

__all__ = ["KERNEL_RULES", "CrashLoopRule"]


def _km01(facts: ChannelFacts, context: RuleContext) -> Assessment | None:
    user_mode = None if facts.host_fatal is None else not facts.host_fatal
    judged = content_control(facts, user_mode)
    if isinstance(judged, str):
        return None
    evidence = context.channel_evidence(facts, "privilege", "channel_kind")
    return Assessment(judged, Severity.HIGH, evidence)


@dataclass(frozen=True)
class CrashLoopRule:
    """KG-KM-02 on every product or component that starts at boot (privilege
    boot-start-driver, or ``boot_start: boot``): present when it declares a crash-loop
    guard (undeclared: when a product containing it does), or when every host group
    running it recovers automatically (QMR/WinRE: ``automated_recovery``). Nobody running
    it counts as no OS recovery."""

    control: Control = KM_02

    def subjects(self, context: RuleContext) -> list[RuleSubject]:
        out = []
        attrs = context.view._node  # networkx's attribute dicts, read only
        candidates = context.boot_candidates()
        for kind in (NodeKind.COMPONENT, NodeKind.PRODUCT):
            keys = context.nodes(kind)
            if candidates is not None:  # the snapshot's columns narrowed them down
                keys = [k for k in candidates if attrs[k].get("kind") == kind.value]
            for key in keys:
                data = attrs[key]
                boot = data.get("privilege") == Privilege.BOOT_START_DRIVER.value
                if boot or data.get("boot_start") == BootStart.BOOT.value:
                    out.append(rule_subject(key, kind))
        return sorted(out, key=lambda s: s.key)

    def check(self, subject: RuleSubject, context: RuleContext) -> FindingItem | None:
        attrs = context.view._node  # networkx's attribute dicts, read only
        holders = [subject.key, *self._containers(context, subject.key)]
        evidence = [
            context.evidence(k, "crash_loop_guard", attrs[k].get("crash_loop_guard"))
            for k in holders
        ]
        own = attrs[subject.key].get("crash_loop_guard")
        # its own declaration decides; else any product that contains it
        guard = (
            own
            if own is not None
            else any_of(*(attrs[k].get("crash_loop_guard") for k in holders[1:]))
        )
        groups = context.software_groups(subject.key)
        recovery: Tristate = False
        if groups:
            values = [attrs[g].get("automated_recovery") for g in groups]
            evidence += [
                context.evidence(g, "automated_recovery", v)
                for g, v in zip(groups, values, strict=True)
            ]
            recovery = all_of(*values)
        channels = context.software_channels(subject.key)
        return context.finding(
            self.control,
            subject,
            present=any_of(guard, recovery),
            guidance=Severity.CRITICAL,
            evidence=evidence,
            reach=context.reach(groups),
            vendor=next(filter(None, (context.supplier(k) for k in holders)), None),
            channel=channels[0] if len(channels) == 1 else None,
        )

    @staticmethod
    def _containers(context: RuleContext, key: str) -> list[str]:
        seen: set[str] = set()
        stack = [key]
        while stack:
            for parent in context.containers(stack.pop()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return sorted(seen)


KERNEL_RULES = (ChannelRule(KM_01, _km01), CrashLoopRule())
