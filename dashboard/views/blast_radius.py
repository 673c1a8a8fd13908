"""Blast radius: pick what fails and how; see what goes down, where, for how long, why,
and what a different rollout would have avoided.

The page's first run in a session draws the title and the headline figures alone; the
rest follows once they are painted (:mod:`dashboard.ui.later`), below them: the sentence
naming the subject, "Change what fails" (:mod:`dashboard.ui.blast_subject`), the bars of
where it hits, and every other section, each an expander that runs, and so is computed and
drawn, only while it is open.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.ui import data
from dashboard.ui.blast_subject import MODES, PAGE, choose_subject
from dashboard.ui.blast_views import (
    functions_section,
    groups_section,
    recovery_section,
    where_bars,
    where_detail,
)
from dashboard.ui.errors import one_line
from dashboard.ui.evidence import evidence_section
from dashboard.ui.frame import after_headline, identity_sidebar, start_page
from dashboard.ui.picker import label_of
from dashboard.ui.whatif import what_if_panel
from graph.risk.blast_results import BlastRadius
from graph.risk.subject import Subject

ws = start_page(
    "Blast radius",
    "If this fails, what goes down, where, and for how long? Failure semantics, not plain "
    "reachability: a kernel or boot-start driver takes the whole host down, a user-mode "
    "failure only degrades what depends on it, a channel reaches only what it updates.",
    headline_first=PAGE,
)

# the figures come first on the page, "Change what fails" below them: the first run of
# the page draws the figures alone (dashboard.ui.later), the rest arrives under them
headline = st.container()
choice = choose_subject(ws)
if choice.key is None:
    st.info(f"Choose a {choice.kind} to see its blast radius.")
    identity_sidebar(ws)
    st.stop()
kind, mode = choice.kind, choice.mode
subject = Subject(kind=kind, ref=choice.key)
with one_line():
    radius: BlastRadius = data.blast(ws, subject, mode)

cols = headline.columns(7)
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
after_headline(ws, PAGE)  # the first run ends here: the rest once this is painted
headline.markdown(
    f"**{label_of(ws.view, subject.ref)}** ({kind}), {MODES[mode]}: "
    f"{radius.hosts_down:,} hosts down, {radius.hosts_degraded:,} degraded, "
    f"{radius.hosts_compromised:,} compromised across "
    f"{radius.operators_hit} operators in {len(radius.sectors_hit)} sectors "
    f"({', '.join(radius.sectors_hit) or '-'})."
)
where_bars(radius)


def _failing() -> None:
    for f in radius.failing:
        st.markdown(
            f"- `{f.key}` at **{f.privilege or 'unknown privilege'}**"
            f"{' (host-fatal)' if f.host_fatal else ''}"
            f"{', crash-loops at boot' if f.crash_loop else ''}: {f.rollout_explanation}"
        )
    if radius.unknowns:
        st.markdown(f"Undeclared, taken at their worst: {', '.join(radius.unknowns)}")


def _what_if() -> None:
    # a channel's own rollout, or the channels the subject's failure arrives by
    channels = (
        [subject.ref]
        if kind == "channel"
        else sorted({f.channel for f in radius.failing if f.channel and f.channel in ws.view})
    )
    what_if_panel(ws, channels, mode)


# each section runs only while its expander is open (on_change="rerun")
SECTIONS: tuple[tuple[str, str, str, Callable[[], None]], ...] = (
    ("failing", ":material/info:", "How the failure is interpreted", _failing),
    (
        "where",
        ":material/bar_chart:",
        "Interactive charts and tables of where it hits (CSV, JSON)",
        lambda: where_detail(ws, radius, subject, mode),
    ),
    (
        "functions",
        ":material/timer:",
        "Critical functions and RTO",
        lambda: functions_section(radius),
    ),
    ("recovery", ":material/trending_up:", "Recovery curve", lambda: recovery_section(radius)),
    ("groups", ":material/dns:", "Host groups", lambda: groups_section(radius)),
    ("evidence", ":material/hub:", "Evidence paths (graph)", lambda: evidence_section(ws, radius)),
    ("whatif", ":material/science:", "What if the rollout had been different?", _what_if),
)
for name, icon, title, draw in SECTIONS:
    section = st.expander(title, key=f"blast-open-{name}", on_change="rerun", icon=icon)
    if section.open:
        with section:
            draw()
