"""The frame every page starts with: sign-in gate, identity in the sidebar, workspace."""

from __future__ import annotations

import streamlit as st

from dashboard.ui.data import Workspace, open_workspace
from dashboard.ui.errors import one_line
from dashboard.ui.later import first_run, rest_follows, show_sidebar
from dashboard.ui.session import keep_signed_in, require_access, sign_out
from dashboard.ui.settings import settings

__all__ = ["after_headline", "identity_sidebar", "start_page"]


def start_page(title: str, intro: str, *, headline_first: str | None = None) -> Workspace:
    """Gate the page behind sign-in, then open the user's scoped workspace.

    ``headline_first`` names a page whose first run in this session draws only the title
    and the headline (:func:`after_headline`, :mod:`dashboard.ui.later`): the intro and the
    sidebar's identity and store lines come with the rest, and so does the navigation if
    the session has not drawn it yet (:func:`dashboard.ui.later.show_sidebar`)."""
    cfg = settings()
    access = require_access(cfg)
    first_view = headline_first is not None and first_run(headline_first)
    if not first_view:
        show_sidebar()  # before anything is drawn: a run without the navigation reruns
    st.title(title)
    if first_view:
        st.empty()  # the intro's place, filled by the run that draws the rest
    else:
        st.caption(intro)
    with one_line():
        ws = open_workspace(access, cfg)
    if headline_first is None:
        identity_sidebar(ws)
    return ws


def after_headline(ws: Workspace, page: str) -> None:
    """After the headline of a ``headline_first`` page: on its first run in this session
    end the run here (the rest follows once the headline is painted,
    :func:`dashboard.ui.later.rest_follows`); otherwise draw the sidebar's lines and go on."""
    rest_follows(page)
    identity_sidebar(ws)


def identity_sidebar(ws: Workspace) -> None:
    """Who is signed in (and the sign-out button), and the store's revision; the
    navigation above them if this run hid it (a rerun, :func:`dashboard.ui.later.show_sidebar`)."""
    show_sidebar()
    keep_signed_in()
    with st.sidebar:
        st.markdown(f"**{ws.access.user}**  \n{ws.access.describe()}")
        if ws.settings.users_file is not None and st.button("Sign out", key="sign-out"):
            sign_out()
            st.rerun()
        st.caption(f"store {ws.settings.store} · revision {ws.revision}")
