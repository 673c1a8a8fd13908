"""Blast radius: pick what fails and how; see what goes down, where, for how long, why,
and what a different rollout would have avoided."""

from __future__ import annotations

import streamlit as st

from dashboard.ui import data
from dashboard.ui.blast_views import (
    functions_section,
    groups_section,
    recovery_section,
    where_section,
)
from dashboard.ui.errors import one_line
from dashboard.ui.evidence import evidence_section
from dashboard.ui.frame import start_page
from dashboard.ui.picker import node_options, pick_node
from dashboard.ui.whatif import what_if_panel
from graph.risk.blast_results import BlastRadius
from graph.risk.subject import SUBJECT_NODE_KINDS, FailureMode, Subject, SubjectKind

KINDS = SUBJECT_NODE_KINDS
MODES = {
    FailureMode.BAD_UPDATE: "bad update (crashes what interprets it)",
    FailureMode.OUTAGE: "outage (the vendor's services are unavailable)",
    FailureMode.COMPROMISE: "compromise (every exposed host counts as compromised)",
}

ws = start_page(
    "Blast radius",
    "If this fails, what goes down, where, and for how long? Failure semantics, not plain "
    "reachability: a kernel or boot-start driver takes the whole host down, a user-mode "
    "failure only degrades what depends on it, a channel reaches only what it updates.",
)

left, middle, right = st.columns([1, 2, 2])
kinds = list(KINDS)
wanted_kind = st.query_params.get("kind")
kind: SubjectKind = left.selectbox(
    "What fails",
    kinds,
    index=kinds.index(wanted_kind) if wanted_kind in kinds else kinds.index("channel"),
    key="blast-kind",
)
if wanted_kind is not None and wanted_kind != kind:
    st.query_params.pop("subject", None)  # the old subject is of another kind
if wanted_kind != kind:
    st.query_params["kind"] = kind
options = node_options(ws.view, KINDS[kind].value)
# the default subject is the worst of its kind: ranked only when no subject is asked for
default = None
if (
    kind in ("vendor", "channel")
    and st.query_params.get("subject") not in options
    and data.ranking_ready(ws, kind)
):
    default = next((r.key for r in data.ranking(ws, kind)), None)
with middle:
    subject_key = pick_node(
        ws.view,
        options,
        label=kind.capitalize(),
        key=f"blast-subject-{kind}",
        param="subject",
        default=default,
    )
modes = list(MODES)
wanted_mode = st.query_params.get("mode")
mode = right.selectbox(
    "Failure mode",
    modes,
    index=[m.value for m in modes].index(wanted_mode)
    if wanted_mode in [m.value for m in modes]
    else 0,
    format_func=MODES.__getitem__,
    key="blast-mode",
)
if wanted_mode != mode.value:
    st.query_params["mode"] = mode.value
if subject_key is None:
    st.info(f"Choose a {kind} to see its blast radius.")
    st.stop()

subject = Subject(kind=kind, ref=subject_key)
with one_line():
    radius: BlastRadius = data.blast(ws, subject, mode)

st.markdown(
    f"**{subject.label}** ({mode.value}): {radius.hosts_down:,} hosts down, "
    f"{radius.hosts_degraded:,} degraded, {radius.hosts_compromised:,} compromised across "
    f"{radius.operators_hit} operators in {len(radius.sectors_hit)} sectors "
    f"({', '.join(radius.sectors_hit) or '-'})."
)
cols = st.columns(7)
for col, label, value in (
    (cols[0], "Hosts down", f"{radius.hosts_down:,}"),
    (cols[1], "Hosts degraded", f"{radius.hosts_degraded:,}"),
    (cols[2], "Hosts compromised", f"{radius.hosts_compromised:,}"),
    (cols[3], "Operators hit", f"{radius.operators_hit:,}"),
    (cols[4], "Critical functions lost", f"{radius.critical_functions_lost:,}"),
    (cols[5], "Hands-on recovery hosts", f"{radius.hands_on_hosts:,}"),
    (cols[6], "Last host back (h)", f"{radius.recovery_hours:,.1f}"),
):
    col.metric(label, value)
with st.expander("How the failure is interpreted", expanded=False):
    for f in radius.failing:
        st.markdown(
            f"- `{f.key}` at **{f.privilege or 'unknown privilege'}**"
            f"{' (host-fatal)' if f.host_fatal else ''}"
            f"{', crash-loops at boot' if f.crash_loop else ''}: {f.rollout_explanation}"
        )
    if radius.unknowns:
        st.markdown(f"Undeclared, taken at their worst: {', '.join(radius.unknowns)}")


# one section at a time (only it is computed and drawn): the headline above paints first.
# A segmented control, not st.tabs: lazy tabs report their state on mount, costing a rerun.
SECTIONS = ("Where", "Functions and RTO", "Recovery", "Host groups", "Evidence", "What if")
section = st.segmented_control(
    "Section", SECTIONS, default="Where", key="blast-section", label_visibility="collapsed"
)
if section == "Where":
    where_section(ws, radius, subject, mode)
elif section == "Functions and RTO":
    functions_section(radius)
elif section == "Recovery":
    recovery_section(radius)
elif section == "Host groups":
    groups_section(radius)
elif section == "Evidence":
    evidence_section(ws, radius)
elif section == "What if":
    # a channel's own rollout, or the channels the subject's failure arrives by
    channels = (
        [subject_key]
        if kind == "channel"
        else sorted({f.channel for f in radius.failing if f.channel and f.channel in ws.view})
    )
    what_if_panel(ws, channels, mode)
