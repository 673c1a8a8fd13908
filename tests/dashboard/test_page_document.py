"""The app's document, served at the app's root and at each page's address, carries the
app's root and imports the headline's element module early."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit import file_util
from streamlit.web.server.starlette.starlette_routes import create_host_config_routes

from dashboard.page_document import (
    EARLY_MODULES,
    base_script,
    early_imports,
    host_config,
    page_document,
    page_routes,
    sidebar_space,
)
from dashboard.ui.later import PENDING_KEY
from dashboard.ui.pages import PAGES, page_paths

VIEWS = Path(__file__).resolve().parents[2] / "dashboard"
STATIC = Path(file_util.get_static_dir())


def test_the_document_is_streamlits_with_the_root_and_early_imports_in_its_head() -> None:
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    document = page_document()
    head, body = document.split("</head>", 1)
    added = base_script() + early_imports() + sidebar_space()
    assert head.endswith(added)
    assert document.replace(added, "", 1) == index
    assert "BACKEND_BASE_URL" in base_script() and "BACKEND_BASE_URL" not in body


def test_the_sidebar_s_place_is_kept_only_while_a_first_view_is_pending() -> None:
    # the style applies while the pending marker is shown and no sidebar is (a sign-in
    # form has neither), on windows wide enough for an open sidebar; the width is the
    # stored one when the user dragged the sidebar (tests/e2e: nothing moves in a browser)
    style = sidebar_space()
    assert f":has(.st-key-{PENDING_KEY}):not(:has([data-testid=stSidebar]))" in style
    assert "@media (min-width: 769px)" in style
    assert "margin-left: var(--riskgraph-sidebar, 300px)" in style
    assert "localStorage.getItem('sidebarWidth')" in style


def _streamlits_host_config() -> object:
    """What the server's own ``GET /_stcore/host-config`` answers."""
    route = create_host_config_routes(None)[0]
    assert isinstance(route, Route)
    request = Request({"type": "http", "method": "GET", "path": route.path, "headers": []})
    # its own thread: a Playwright test earlier in this worker leaves an event loop running
    # in the main thread, where asyncio.run() refuses to start
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(asyncio.run, route.endpoint(request)).result()
    assert isinstance(response, Response)
    return json.loads(bytes(response.body))


def test_the_document_carries_the_servers_host_config() -> None:
    # the frontend connects without waiting for its pings only when it has the host config
    # (a non-empty origins list) and the app's root; an upgrade that changes the answer
    # fails here
    assert host_config() == _streamlits_host_config()
    assert host_config()["allowedOrigins"]
    settings = base_script().split("{}, ", 1)[1].rsplit(", {BACKEND_BASE_URL", 1)[0]
    assert json.loads(settings) == {"HOST_CONFIG": host_config()}


def test_the_early_imports_name_chunks_streamlit_ships() -> None:
    # a Streamlit upgrade that renames the metric's chunk fails here, not silently slower
    script = early_imports()
    assert script.startswith('<script type="module">') and script.endswith("</script>")
    assert EARLY_MODULES == ("Metric",)
    chunks = [part.split('")')[0] for part in script.split('import("./')[1:]]
    assert len(chunks) == 1 and chunks[0].startswith("static/js/Metric.")
    assert (STATIC / chunks[0]).is_file()
    # the entry module (index.*.js) precedes it: its imports are already evaluated
    assert page_document().index("static/js/index.") < page_document().index(chunks[0])


def test_the_root_and_every_page_have_a_route_and_a_script() -> None:
    paths = [route.path for route in page_routes()]
    assert paths == ["/", *(f"/{p}" for p in page_paths())]
    assert paths == [
        "/", "/blast_radius", "/concentration", "/controls", "/graph", "/data", "/export",
    ]  # fmt: skip
    assert PAGES[0].url_path == ""
    for page in PAGES:
        assert (VIEWS / page.script).is_file(), page.script
