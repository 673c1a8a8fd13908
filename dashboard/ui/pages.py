"""The dashboard's pages: one list for the router (``dashboard/app.py``) and the server.

The server needs each page's address (:mod:`dashboard.server` answers ``/<url_path>``
with the app's document and the app's base URL), the router the rest. Streamlit would
derive an address from the file name; each is written out so both read the same one.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["PAGES", "PageSpec", "page_paths"]


class PageSpec(NamedTuple):
    """One page: its script (relative to ``dashboard/``), title, icon and address."""

    script: str
    title: str
    icon: str
    url_path: str  # "" for the default page, served at the app's root


PAGES = (
    PageSpec("views/overview.py", "Overview", ":material/dashboard:", ""),
    PageSpec("views/blast_radius.py", "Blast radius", ":material/crisis_alert:", "blast_radius"),
    PageSpec("views/concentration.py", "Concentration", ":material/donut_large:", "concentration"),
    PageSpec("views/controls.py", "Controls", ":material/rule:", "controls"),
    PageSpec("views/explorer.py", "Graph", ":material/hub:", "graph"),
    PageSpec("views/data_sources.py", "Data", ":material/upload_file:", "data"),
    PageSpec("views/export.py", "Export", ":material/download:", "export"),
)


def page_paths() -> list[str]:
    """The addresses of the pages below the app's root, in menu order."""
    return [p.url_path for p in PAGES if p.url_path]
