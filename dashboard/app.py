"""The riskgraph dashboard. This file only routes: ``riskgraph dashboard`` serves it.

Each page is one module under ``views/`` (not ``pages/``: Streamlit lists a ``pages/``
directory as pages of its own before ``st.navigation`` first runs) and starts with the
sign-in gate (:func:`dashboard.ui.frame.start_page`), so a page's address and query
parameters survive signing in. The list of pages is :data:`dashboard.ui.pages.PAGES`.
"""

import streamlit as st

from dashboard.ui.later import sidebar_drawn
from dashboard.ui.pages import PAGES
from dashboard.ui.session import navigation_visible

# an emoji icon is drawn in the browser; a :material/...: one is fetched from Google's CDN
st.set_page_config(page_title="riskgraph", page_icon="🕸️", layout="wide")

pages = [
    st.Page(p.script, title=p.title, icon=p.icon, url_path=p.url_path or None, default=i == 0)
    for i, p in enumerate(PAGES)
]
# hidden in a headline-only first run (dashboard.ui.later): the sidebar comes with the rest
shown = navigation_visible() and sidebar_drawn()
st.navigation(pages, position="sidebar" if shown else "hidden").run()
