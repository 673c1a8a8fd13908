"""The app's document, served at the app's root and at each page's own address.

Streamlit's ``index.html`` with three additions at the end of its head:

* **the app's root** (:func:`base_script`). Streamlit's frontend does not know where the
  app is rooted: opened at ``/blast_radius`` it first tries ``/blast_radius`` as the
  server's base (``/blast_radius/_stcore/health``, answered 404) and only after a 100 ms
  back-off tries ``/``, so a link to any page but the first waited about 0.1-0.15 s
  longer for its first paint. The base is the directory the page's address is in, so it
  stays right behind a proxy that adds a path prefix.
* **the server's host configuration** (:func:`host_config`), the answer of
  ``/_stcore/host-config``. Given it with the app's root, the frontend opens the websocket
  at once and asks ``/_stcore/health`` and ``host-config`` in the background (its
  "bypass"); without it, it waits for both answers first, one round trip to a server
  that may be busy with another session's script run.
* **the headline's element module, loaded early** (:data:`EARLY_MODULES`). Every element
  type beyond the core (``st.metric`` among them) is a JavaScript module the frontend
  imports only when it first draws one, after the script's first deltas have arrived and
  been rendered; the page's headline then waits for the module's fetch, compilation and
  evaluation. Imported by the document instead, the module is ready (from the browser's
  cache on a warm load) while the browser still waits for the websocket and the script run.
* **the sidebar's place, kept while it is left out** (:func:`sidebar_space`). A page's
  headline-only first run (:mod:`dashboard.ui.later`) draws no sidebar; a style keeps the
  sidebar's width free to the left of the page meanwhile, so the page does not move when
  the sidebar arrives with the rest.

The routes exist only for the app's root and its pages (:data:`dashboard.ui.pages.PAGES`);
any other address is Streamlit's as before.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from streamlit import config, file_util

from dashboard.ui.later import PENDING_KEY
from dashboard.ui.pages import page_paths

__all__ = [
    "EARLY_MODULES",
    "base_script",
    "early_imports",
    "host_config",
    "page_document",
    "page_routes",
    "sidebar_space",
]

SIDEBAR_PX = 300
"""Streamlit's default sidebar width (1.67); a width the user dragged it to is kept in the
browser's ``localStorage["sidebarWidth"]`` and read from there."""
NARROW_PX = 768
"""At this window width and below, Streamlit starts the sidebar collapsed, over the page:
no place to keep."""


def host_config() -> dict[str, Any]:
    """What Streamlit's ``/_stcore/host-config`` answers (its ``starlette_routes``): the
    origins that may embed the app, and no host features."""
    allowed = list(config.get_option("client.allowedOrigins"))
    if config.get_option("global.developmentMode") and "http://localhost" not in allowed:
        allowed.append("http://localhost")
    return {
        "allowedOrigins": allowed,
        "useExternalAuthToken": False,
        "enableCustomParentMessages": False,
        "enforceDownloadInNewTab": False,
        "metricsUrl": "",
        "blockErrorDialogs": False,
        "resourceCrossOriginMode": None,
    }


def base_script() -> str:
    """``window.__streamlit``: the app's root (the page address's directory: pages are
    one segment below it) and :func:`host_config`.

    The frontend connects without waiting for its pings only if the origins are a
    non-empty list (``client.allowedOrigins`` is, unless configured away); otherwise it
    pings first, as without this script.
    """
    settings = json.dumps({"HOST_CONFIG": host_config()}).replace("</", "<\\/")
    return (
        "<script>window.__streamlit = Object.assign(window.__streamlit || {}, "
        f'{settings}, {{BACKEND_BASE_URL: new URL(".", window.location.href).href}})</script>'
    )


def sidebar_space() -> str:
    """A style (and the script reading the sidebar's stored width) that, while a page's
    first view is pending and there is no sidebar, puts the page where the sidebar would
    push it: only then (the sign-in form, for one, has no sidebar and stays centred)."""
    view = "[data-testid=stAppViewContainer]"
    when = f"{view}:has(.st-key-{PENDING_KEY}):not(:has([data-testid=stSidebar]))"
    return (
        "<script>try { const w = parseInt(localStorage.getItem('sidebarWidth'), 10);"
        " if (w > 0) document.documentElement.style.setProperty('--riskgraph-sidebar',"
        " w + 'px'); } catch (e) {}</script>"
        f"<style>@media (min-width: {NARROW_PX + 1}px) {{ {when} [data-testid=stMain] "
        f"{{ margin-left: var(--riskgraph-sidebar, {SIDEBAR_PX}px); }} }}</style>"
    )


EARLY_MODULES = ("Metric",)
"""Element modules every page's first view draws (``st.metric``: the headline figures)."""


def _static_dir() -> Path:
    return Path(file_util.get_static_dir())


def early_imports() -> str:
    """A module script importing each of :data:`EARLY_MODULES`' bundle chunks.

    A module script runs after the document is parsed, in order, so after Streamlit's own
    entry module: the chunk's imports are that module's, already evaluated. The chunk names
    carry a content hash (``Metric.MSVuxtnf.js``); an element Streamlit no longer bundles
    so is left out (the page then loads it as before).
    """
    js = _static_dir() / "static" / "js"
    chunks = [c.name for name in EARLY_MODULES for c in sorted(js.glob(f"{name}.*.js"))]
    if not chunks:
        return ""
    imports = "".join(f'import("./static/js/{c}");' for c in chunks)
    return f'<script type="module">{imports}</script>'


@cache
def page_document() -> str:
    """Streamlit's ``index.html`` with :func:`base_script`, :func:`early_imports` and
    :func:`sidebar_space`."""
    index = (_static_dir() / "index.html").read_text(encoding="utf-8")
    extra = base_script() + early_imports() + sidebar_space()
    return index.replace("</head>", extra + "</head>", 1)


async def _page(request: Request) -> HTMLResponse:
    del request
    # as Streamlit serves index.html: revalidated, so an upgrade's new bundle names load
    return HTMLResponse(page_document(), headers={"Cache-Control": "no-cache"})


def page_routes() -> list[Route]:
    """``GET /`` and ``GET /<url_path>`` for every page below the root."""
    paths = ["/", *(f"/{path}" for path in page_paths())]
    return [Route(path, _page, methods=["GET", "HEAD"]) for path in paths]
