"""Sections of the Blast radius page (each computed only while its expander is open)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.ui import charts, data
from dashboard.ui.data import Workspace
from dashboard.ui.html_charts import note, side_by_side, stacked_bars
from dashboard.ui.tables import frame, table
from graph.risk.blast_results import BlastRadius
from graph.risk.subject import FailureMode, Subject

__all__ = [
    "functions_section",
    "groups_section",
    "recovery_section",
    "where_bars",
    "where_detail",
]

_OPERATOR_COLUMNS = [
    "operator",
    "name",
    "sectors",
    "jurisdictions",
    "cii",
    "hosts_down",
    "hosts_degraded",
    "hosts_compromised",
    "recovery_hours",
    "functions_lost",
]


def _long(rows: list[tuple[str, int, int, int]], by: str) -> pd.DataFrame:
    """Long form for stacked bars: one row per (name, state) with hosts."""
    return pd.DataFrame(
        [
            {by: name, "state": state, "hosts": hosts}
            for name, down, degraded, compromised in rows
            for state, hosts in (
                ("down", down),
                ("degraded", degraded),
                ("compromised", compromised),
            )
            if hosts
        ],
        columns=[by, "state", "hosts"],
    )


def where_bars(radius: BlastRadius) -> None:
    """Hosts down and degraded by sector and by operator, drawn as HTML.

    The first view: drawn after the headline above, and without a chart module (see
    :mod:`dashboard.ui.html_charts`); the interactive charts and the tables, which the
    browser loads and draws for seconds, are in :func:`where_detail`."""
    by_sector = [
        (s.name, (s.hosts_down, s.hosts_degraded, s.hosts_compromised)) for s in radius.sectors
    ]
    by_operator = [
        (o.name, (o.hosts_down, o.hosts_degraded, o.hosts_compromised)) for o in radius.operators
    ]
    charts_html = side_by_side(
        stacked_bars("Hosts by sector", by_sector), stacked_bars("Hosts by operator", by_operator)
    )
    if not radius.sectors and not radius.operators:
        charts_html = note("Nothing in your scope is hit.")
    st.html(charts_html)


def where_detail(ws: Workspace, radius: BlastRadius, subject: Subject, mode: FailureMode) -> None:
    by_sector = _long(
        [(s.name, s.hosts_down, s.hosts_degraded, s.hosts_compromised) for s in radius.sectors],
        "sector",
    )
    by_operator = _long(
        [(o.name, o.hosts_down, o.hosts_degraded, o.hosts_compromised) for o in radius.operators],
        "operator",
    )
    c1, c2 = st.columns(2)
    if len(by_sector):
        c1.altair_chart(charts.hosts_bars(by_sector, "sector", "Hosts by sector"), width="stretch")
    if len(by_operator):
        c2.altair_chart(
            charts.hosts_bars(by_operator, "operator", "Hosts by operator"), width="stretch"
        )
    table(frame(radius.operators, _OPERATOR_COLUMNS), "blast-operators", key="blast-operators")
    others = data.others_blast(ws, subject, mode)
    if others:
        st.subheader("Other operators (anonymised)")
        st.caption(
            "The same failure over the rest of the estate, summed over cohorts of at least "
            f"{ws.settings.min_cohort} operators; smaller cohorts, and cohorts whose totals "
            "would single out fewer by subtraction, are suppressed (blank)."
        )
        table(frame(others), "blast-others", key="blast-others")


def functions_section(radius: BlastRadius) -> None:
    """Critical functions lost or degraded, recovery time against RTO."""
    if not radius.functions:
        st.info("No function loses or degrades.")
        return
    st.altair_chart(charts.rto_chart(radius.functions), width="stretch")
    table(frame(radius.functions), "blast-functions", key="blast-functions")


def recovery_section(radius: BlastRadius) -> None:
    """The recovery curve: hosts back over hours and days."""
    if not radius.recovery_curve:
        st.info("No host is down, so there is nothing to recover.")
        return
    st.altair_chart(charts.recovery_curve(radius.recovery_curve), width="stretch")
    st.caption(
        f"{radius.hands_on_hosts:,} hosts need hands-on recovery; the last is back after "
        f"{radius.recovery_hours:,.1f} h ({radius.recovery_hours / 24:,.1f} days)."
    )
    table(frame(radius.recovery_curve), "blast-recovery", key="blast-recovery")


def groups_section(radius: BlastRadius) -> None:
    table(frame(radius.host_groups), "blast-host-groups", key="blast-host-groups")
