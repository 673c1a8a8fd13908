"""Risk commands: ``blast-radius``, ``simulate``, ``rank``."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel

from dashboard.cli.output import render_json, render_table
from graph.estate_cache import read_estate
from graph.risk.blast import blast_radius
from graph.risk.blast_results import BlastRadius
from graph.risk.policy import Policy, load_policy
from graph.risk.ranking import RankedSubject
from graph.risk.ranking_engine import FAST_RANK_NODES, SNAPSHOT_DOCUMENTS, rank_store
from graph.risk.rollout import RolloutOverride
from graph.risk.simulate import Simulation, simulate
from graph.risk.subject import FailureMode, Subject
from graph.store import GraphStore, open_store
from graph.vocabulary import HealthGate

AddFormat = Callable[..., None]
_FORMATS = ("table", "json", "csv")
_SUBJECTS = ("vendor", "product", "component", "channel", "platform", "vulnerability")


class RankingReport(BaseModel):
    """``riskgraph rank --format json``."""

    policy_version: str
    subjects: list[RankedSubject]


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], add_format: AddFormat
) -> None:
    p = sub.add_parser(
        "blast-radius",
        help="what fails, where and for how long if a subject fails",
        description="Blast radius with failure semantics: hosts down and degraded per host "
        "group, operator, function, sector and jurisdiction; recovery estimate; evidence paths.",
    )
    _add_subject(p)
    _add_common(p)
    add_format(p, _FORMATS)
    p.set_defaults(handler=_blast)

    p = sub.add_parser(
        "simulate",
        help="compare a channel's declared rollout with a hypothetical one",
        description="What if this channel had a different rollout? Reports hosts, operators "
        "and recovery hours avoided. Unset options keep the declared value.",
    )
    p.add_argument("--channel", required=True, help="channel id or key")
    p.add_argument("--stages", type=int, help="rollout stages (e.g. 4)")
    p.add_argument("--canary-share", type=float, help="first-stage share, 0-1 (e.g. 0.01)")
    p.add_argument("--bake-hours", type=float, help="hours between stages (e.g. 1)")
    p.add_argument("--health-gate", choices=[g.value for g in HealthGate])
    p.add_argument("--auto-halt", action=argparse.BooleanOptionalAction, default=None)
    _add_common(p)
    add_format(p, _FORMATS)
    p.set_defaults(handler=_simulate)

    p = sub.add_parser(
        "rank",
        help="every vendor and channel ranked by blast radius",
        description="Bad-update (or other mode) blast radius of every vendor and channel, worst "
        "first. Both engines give the same list: 'reference' runs one graph search per subject "
        "(fine for small estates), 'snapshot' compiles the estate once and ranks every subject "
        f"in one pass; 'auto' takes the snapshot for stores of {SNAPSHOT_DOCUMENTS} or more "
        f"active documents or views of {FAST_RANK_NODES:,} or more nodes.",
    )
    p.add_argument("--kind", choices=("vendor", "channel", "all"), default="all")
    p.add_argument("--engine", choices=("auto", "snapshot", "reference"), default="auto")
    _add_common(p, subject_mode=True, push_time=False)
    add_format(p, _FORMATS)
    p.set_defaults(handler=_rank)


def _add_subject(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group(required=True)
    for kind in _SUBJECTS:
        group.add_argument(f"--{kind}", metavar="REF", help=f"failing {kind} (key, id or name)")
    p.add_argument("--version-range", help="with --component: e.g. '>=2.0,<2.15'")


def _add_common(
    p: argparse.ArgumentParser, subject_mode: bool = True, push_time: bool = True
) -> None:
    if subject_mode:
        p.add_argument(
            "--mode", choices=[m.value for m in FailureMode], default=FailureMode.BAD_UPDATE.value
        )
    p.add_argument("--online-fraction", type=float, help="share of hosts online (default 1.0)")
    p.add_argument("--window-hours", type=float, help="hours from push to revert (default 1.3)")
    if push_time:  # the ranking applies one online share to every host group
        p.add_argument(
            "--push-time",
            type=_aware_time,
            help="ISO time of the push, e.g. 2024-07-19T04:09Z: online shares follow local time",
        )
    p.add_argument("--policy", help="YAML file overriding policy fields")


def _aware_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def policy_from_args(args: argparse.Namespace) -> Policy:
    policy = load_policy(Path(args.policy) if args.policy else None)
    update: dict[str, Any] = {}
    if getattr(args, "online_fraction", None) is not None:
        update["online_fraction"] = args.online_fraction
    if getattr(args, "window_hours", None) is not None:
        update["window_hours"] = args.window_hours
    return Policy.model_validate({**policy.model_dump(), **update}) if update else policy


def analysis_view(args: argparse.Namespace) -> nx.MultiDiGraph:
    """The canonical (vendor-merged) view of the store the command names."""
    store = open_store(args.store)
    try:
        return store_view(store)
    finally:
        store.close()


def store_view(store: GraphStore) -> nx.MultiDiGraph:
    """``canonical_view(store)``, from the estate cache when it holds this store's content
    (:mod:`graph.estate_cache`); else read from the store's rows, and the cache file for
    the next command written by a detached idle-priority child (it takes only the CPU the
    command leaves; the file appears once complete)."""
    estate = read_estate(store, defer=True)
    estate.close()
    estate.write_detached()
    return estate.view


def _subject(args: argparse.Namespace) -> Subject:
    for kind in _SUBJECTS:
        ref = getattr(args, kind)
        if ref:
            return Subject(kind=kind, ref=ref, version_range=args.version_range)  # type: ignore[arg-type]
    raise AssertionError("argparse guarantees one subject")


def _blast(args: argparse.Namespace) -> int:
    policy = policy_from_args(args)
    radius = blast_radius(
        analysis_view(args),
        _subject(args),
        FailureMode(args.mode),
        policy=policy,
        push_time=args.push_time,
    )
    if args.format == "json":
        render_json(radius)
    elif args.format == "csv":
        write_csv(
            [g.model_dump() for g in radius.host_groups],
            list(radius.host_groups[0].model_dump()) if radius.host_groups else ["host_group"],
        )
    else:
        print_blast(radius)
    return 0


def print_blast(r: BlastRadius) -> None:
    out = sys.stdout
    out.write(
        f"blast radius of {r.subject.label} ({r.mode.value}): {r.hosts_down:,} hosts down, "
        f"{r.hosts_degraded:,} degraded, {r.hosts_compromised:,} compromised; "
        f"{r.operators_hit} operators in {len(r.sectors_hit)} sectors "
        f"({', '.join(r.sectors_hit) or '-'}); "
        f"{r.critical_functions_lost} critical functions lost; {r.hands_on_hosts:,} hosts need "
        f"hands-on recovery, last back after {r.recovery_hours:,.1f} h\n"
    )
    for f in r.failing:
        out.write(
            f"  failing {f.key} at {f.privilege or 'unknown privilege'}: {f.rollout_explanation}\n"
        )
    if r.operators:
        out.write("\n")
        render_table(
            ("operator", "sectors", "cii", "down", "degraded", "recovery h", "functions lost"),
            [
                (
                    o.operator,
                    ",".join(o.sectors),
                    o.cii,
                    o.hosts_down,
                    o.hosts_degraded,
                    f"{o.recovery_hours:,.1f}",
                    ",".join(o.functions_lost) or "-",
                )
                for o in r.operators
            ],
        )
    if r.functions:
        out.write("\n")
        render_table(
            (
                "function",
                "status",
                "critical",
                "down",
                "of hosts",
                "rto h",
                "recovery h",
                "rto breached",
            ),
            [
                (
                    f.function,
                    f.status,
                    f.critical,
                    f.hosts_down,
                    f.hosts_total,
                    f.rto_hours,
                    f"{f.recovery_hours:,.1f}",
                    f.rto_breached,
                )
                for f in r.functions
            ],
        )
    if r.host_groups:
        out.write("\n")
        render_table(
            (
                "host group",
                "env",
                "hosts",
                "down",
                "degraded",
                "hands-on",
                "recovery h",
                "escaped because",
            ),
            [
                (
                    g.host_group,
                    g.environment,
                    g.host_count,
                    g.hosts_down,
                    g.hosts_degraded,
                    g.hands_on_hosts,
                    f"{g.recovery_hours:,.1f}",
                    g.protected_by or "-",
                )
                for g in r.host_groups
            ],
        )
    for o in r.operators[:50]:
        if o.evidence_path:
            docs = sorted({p.document_id for s in o.evidence_path for p in s.documents})
            path = " -> ".join(
                [o.evidence_path[0].source] + [f"[{s.kind}] {s.target}" for s in o.evidence_path]
            )
            out.write(f"\nevidence {path}\n  asserted by {', '.join(docs)}\n")
    if r.unknowns:
        out.write(f"\nundeclared (taken at their worst): {', '.join(r.unknowns)}\n")


def _simulate(args: argparse.Namespace) -> int:
    override = RolloutOverride(
        rollout_stages=args.stages,
        canary_share=args.canary_share,
        bake_time_hours=args.bake_hours,
        health_gate=HealthGate(args.health_gate) if args.health_gate else None,
        auto_halt=args.auto_halt,
    )
    result = simulate(
        analysis_view(args),
        args.channel,
        override,
        FailureMode(args.mode),
        policy=policy_from_args(args),
    )
    rows = simulation_rows(result)
    if args.format == "json":
        render_json(result)
    elif args.format == "csv":
        write_csv(
            [dict(zip(("metric", "declared", "what_if", "avoided"), r, strict=True)) for r in rows],
            ["metric", "declared", "what_if", "avoided"],
        )
    else:
        hypo = ", ".join(f"{k}={v}" for k, v in override.model_dump(exclude_none=True).items())
        print(f"simulate {result.channel}: declared rollout vs {hypo or 'no change'}")
        render_table(("metric", "declared", "what if", "avoided"), rows)
    return 0


def simulation_rows(s: Simulation) -> list[tuple[str, Any, Any, Any]]:
    d, w = s.declared, s.what_if
    return [
        ("hosts down", d.hosts_down, w.hosts_down, s.hosts_down_avoided),
        ("hosts degraded", d.hosts_degraded, w.hosts_degraded, s.hosts_degraded_avoided),
        ("operators hit", d.operators_hit, w.operators_hit, s.operators_avoided),
        ("hands-on hosts", d.hands_on_hosts, w.hands_on_hosts, s.hands_on_hosts_avoided),
        (
            "operator recovery hours",
            round(sum(o.recovery_hours for o in d.operators), 2),
            round(sum(o.recovery_hours for o in w.operators), 2),
            s.recovery_hours_avoided,
        ),
        (
            "critical functions lost",
            d.critical_functions_lost,
            w.critical_functions_lost,
            s.critical_functions_saved,
        ),
    ]


def _rank(args: argparse.Namespace) -> int:
    kinds: tuple[Any, ...] = ("vendor", "channel") if args.kind == "all" else (args.kind,)
    policy = policy_from_args(args)
    store = open_store(args.store)
    try:
        ranked = rank_store(store, kinds, FailureMode(args.mode), policy=policy, engine=args.engine)
    finally:
        store.close()
    if args.format == "json":
        render_json(RankingReport(policy_version=policy.version, subjects=ranked))
    elif args.format == "csv":
        write_csv([r.model_dump() for r in ranked], list(RankedSubject.model_fields))
    else:
        render_table(
            (
                "rank",
                "kind",
                "subject",
                "down",
                "degraded",
                "operators",
                "sectors",
                "crit. fn lost",
                "recovery h",
            ),
            [
                (
                    r.rank,
                    r.kind,
                    r.key,
                    r.hosts_down,
                    r.hosts_degraded,
                    r.operators_hit,
                    r.sectors_hit,
                    r.critical_functions_lost,
                    f"{r.recovery_hours:,.1f}",
                )
                for r in ranked
            ],
        )
    return 0


def write_csv(rows: Sequence[dict[str, Any]], fields: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(row.get(k)) for k in fields})


def _csv_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value
