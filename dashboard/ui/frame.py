"""The frame every page starts with: sign-in gate, identity in the sidebar, workspace."""

from __future__ import annotations

import streamlit as st

from dashboard.ui.data import Workspace, open_workspace
from dashboard.ui.errors import one_line
from dashboard.ui.session import require_access, sign_out
from dashboard.ui.settings import settings

__all__ = ["start_page"]


def start_page(title: str, intro: str) -> Workspace:
    """Gate the page behind sign-in, then open the user's scoped workspace."""
    cfg = settings()
    access = require_access(cfg)
    with st.sidebar:
        st.markdown(f"**{access.user}**  \n{access.describe()}")
        if cfg.users_file is not None and st.button("Sign out", key="sign-out"):
            sign_out()
            st.rerun()
    st.title(title)
    st.caption(intro)
    with one_line():
        ws = open_workspace(access, cfg)
    st.sidebar.caption(f"store {cfg.store} · revision {ws.revision}")
    return ws
