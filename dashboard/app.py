"""The riskgraph dashboard. This file only routes: ``riskgraph dashboard`` serves it.

Each page is one module under ``views/`` (not ``pages/``: Streamlit lists a ``pages/``
directory as pages of its own before ``st.navigation`` first runs) and starts with the
sign-in gate (:func:`dashboard.ui.frame.start_page`), so a page's address and query
parameters survive signing in.
"""

import streamlit as st

from dashboard.ui.session import navigation_visible

st.set_page_config(page_title="riskgraph", page_icon=":material/hub:", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/blast_radius.py", title="Blast radius", icon=":material/crisis_alert:"),
    st.Page("views/concentration.py", title="Concentration", icon=":material/donut_large:"),
    st.Page("views/controls.py", title="Controls", icon=":material/rule:"),
    st.Page("views/explorer.py", title="Graph", icon=":material/hub:", url_path="graph"),
    st.Page("views/data_sources.py", title="Data", icon=":material/upload_file:", url_path="data"),
    st.Page("views/export.py", title="Export", icon=":material/download:"),
]

st.navigation(PAGES, position="sidebar" if navigation_visible() else "hidden").run()
