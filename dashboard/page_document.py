"""The app's document for a page's own address (``/blast_radius``), with the app's root.

Streamlit's frontend does not know where the app is rooted: opened at ``/blast_radius``
it first tries ``/blast_radius`` as the server's base (``/blast_radius/_stcore/health``,
answered 404) and only after a 100 ms back-off tries ``/``, so a link to any page but the
first waited about 0.1-0.15 s longer for its first paint than the app's root. This
document is Streamlit's own ``index.html`` plus the base the frontend reads
(``window.__streamlit.BACKEND_BASE_URL``): the directory the page's address is in, so it
stays right behind a proxy that adds a path prefix. The routes exist only for the app's
pages (:data:`dashboard.ui.pages.PAGES`); any other address is Streamlit's as before.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from streamlit import file_util

from dashboard.ui.pages import page_paths

__all__ = ["BASE_SCRIPT", "page_document", "page_routes"]

# the page's address is one segment below the app's root: its directory is the root
BASE_SCRIPT = (
    "<script>window.__streamlit = Object.assign(window.__streamlit || {}, "
    '{BACKEND_BASE_URL: new URL(".", window.location.href).href})</script>'
)


@cache
def page_document() -> str:
    """Streamlit's ``index.html`` with :data:`BASE_SCRIPT` at the end of its head."""
    index = Path(file_util.get_static_dir()) / "index.html"
    return index.read_text(encoding="utf-8").replace("</head>", BASE_SCRIPT + "</head>", 1)


async def _page(request: Request) -> HTMLResponse:
    del request
    # as Streamlit serves index.html: revalidated, so an upgrade's new bundle names load
    return HTMLResponse(page_document(), headers={"Cache-Control": "no-cache"})


def page_routes() -> list[Route]:
    """``GET /<url_path>`` for every page below the root."""
    return [Route(f"/{path}", _page, methods=["GET", "HEAD"]) for path in page_paths()]
