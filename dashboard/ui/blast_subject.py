"""What fails and how, for the Blast radius page: named by the address, changed in an
expander whose pickers run only while it is open.

The first view has no picker widget: each widget type is a JavaScript module the browser
loads lazily, and the headline metrics are painted only once every module of the same run
has loaded (see docs/benchmarks.md, "Dashboard"). So the subject comes from the address
(``?kind=&subject=&mode=``, checked against the user's scoped view: a crafted address can
name nothing outside it) or, failing that, is the worst of its kind; the three pickers sit
in the "Change what fails" expander (an element the browser has at once), run only while it
is open, and write the address back so the choice is shareable.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.ui import data
from dashboard.ui.data import Workspace
from dashboard.ui.later import first_run
from dashboard.ui.picker import node_options, pick_node
from graph.risk.subject import SUBJECT_NODE_KINDS, FailureMode, SubjectKind

__all__ = ["KINDS", "MODES", "Choice", "choose_subject"]

KINDS = SUBJECT_NODE_KINDS
MODES = {
    FailureMode.BAD_UPDATE: "bad update (crashes what interprets it)",
    FailureMode.OUTAGE: "outage (the vendor's services are unavailable)",
    FailureMode.COMPROMISE: "compromise (every exposed host counts as compromised)",
}
CHOOSER_KEY = "blast-choose"
REFUSED_KEY = "blast-refused"
PAGE = "blast_radius"  # the page's name for dashboard.ui.later


def _refusal(subject: str) -> str:
    return f"{subject} is not in your scope; showing your own data instead."


@dataclass(frozen=True)
class Choice:
    kind: SubjectKind
    key: str | None  # None: nothing chosen yet
    mode: FailureMode


def _kind_of_address() -> SubjectKind:
    wanted = st.query_params.get("kind")
    return wanted if wanted in KINDS else "channel"


def _mode_of_address() -> FailureMode:
    wanted = st.query_params.get("mode")
    return next((m for m in MODES if m.value == wanted), FailureMode.BAD_UPDATE)


def _default(ws: Workspace, kind: SubjectKind, options: list[str]) -> str | None:
    """The worst of its kind: ranked only when the address names no subject in scope."""
    if kind not in ("vendor", "channel") or st.query_params.get("subject") in options:
        return None
    if not data.ranking_ready(ws, kind):
        return None
    return next((r.key for r in data.ranking(ws, kind)), None)


def _from_address(ws: Workspace) -> Choice:
    """The address's choice, checked against the scoped view (no widget)."""
    kind = _kind_of_address()
    options = node_options(ws.view, KINDS[kind].value)
    wanted = st.query_params.get("subject")
    if wanted is not None and wanted not in options:
        st.warning(_refusal(wanted))
        if first_run(PAGE):  # the address is rewritten: the run drawing the rest repeats it
            st.session_state[REFUSED_KEY] = wanted
        wanted = None
    key = wanted or _default(ws, kind, options)
    return Choice(kind, key, _mode_of_address())


def _pickers(ws: Workspace) -> Choice:
    """The three pickers (inside the open expander); each writes the address back."""
    left, middle, right = st.columns([1, 2, 2])
    kinds = list(KINDS)
    wanted_kind = st.query_params.get("kind")
    kind: SubjectKind = left.selectbox(
        "What fails", kinds, index=kinds.index(_kind_of_address()), key="blast-kind"
    )
    if wanted_kind is not None and wanted_kind != kind:
        st.query_params.pop("subject", None)  # the old subject is of another kind
    options = node_options(ws.view, KINDS[kind].value)
    default = _default(ws, kind, options)
    with middle:
        key = pick_node(
            ws.view,
            options,
            label=kind.capitalize(),
            key=f"blast-subject-{kind}",
            param="subject",
            default=default,
        )
    modes = list(MODES)
    mode = right.selectbox(
        "Failure mode",
        modes,
        index=modes.index(_mode_of_address()),
        format_func=MODES.__getitem__,
        key="blast-mode",
    )
    return Choice(kind, key, mode)


def choose_subject(ws: Workspace) -> Choice:
    """The subject and failure mode to show; the pickers only while the expander is open.
    The page's first run in a session draws no expander (it comes with the rest, below
    the headline, where the page has put its figures' container first).

    Opened at once when the address names nothing and there is no worst-of-kind default."""
    refused = st.session_state.pop(REFUSED_KEY, None)  # by the page's first run
    if refused is not None:
        st.warning(_refusal(refused))
    closed = None if st.session_state.get(CHOOSER_KEY) else _from_address(ws)
    if closed is not None and closed.key is None:
        st.session_state[CHOOSER_KEY] = True  # nothing to show: offer the pickers
    if closed is not None and closed.key is not None and first_run(PAGE):
        _write_address(closed)
        return closed  # the page's first run: the headline alone (dashboard.ui.later)
    chooser = st.expander(
        "Change what fails (a vendor, product, component, channel, platform or "
        "vulnerability) or how",
        key=CHOOSER_KEY,
        on_change="rerun",
        icon=":material/tune:",
    )
    if chooser.open:
        with chooser:
            choice = _pickers(ws)
    else:
        choice = closed or _from_address(ws)
    _write_address(choice)
    return choice


def _write_address(choice: Choice) -> None:
    """The address always names what is shown, so it can be shared as it stands."""
    shown = {"kind": choice.kind, "mode": choice.mode.value}
    if choice.key is not None:
        shown["subject"] = choice.key
    for param, value in shown.items():
        if st.query_params.get(param) != value:
            st.query_params[param] = value
