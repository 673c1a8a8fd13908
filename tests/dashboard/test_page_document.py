"""The app's document served at a page's address carries the app's root."""

from __future__ import annotations

from pathlib import Path

from streamlit import file_util

from dashboard.page_document import BASE_SCRIPT, page_document, page_routes
from dashboard.ui.pages import PAGES, page_paths

VIEWS = Path(__file__).resolve().parents[2] / "dashboard"


def test_the_document_is_streamlits_with_the_root_in_its_head() -> None:
    index = (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")
    document = page_document()
    head, body = document.split("</head>", 1)
    assert head.endswith(BASE_SCRIPT)
    assert document.replace(BASE_SCRIPT, "", 1) == index
    assert "BACKEND_BASE_URL" in BASE_SCRIPT and "BACKEND_BASE_URL" not in body


def test_every_page_but_the_first_has_a_route_and_a_script() -> None:
    paths = [route.path for route in page_routes()]
    assert paths == [f"/{p}" for p in page_paths()]
    assert paths == [
        "/blast_radius", "/concentration", "/controls", "/graph", "/data", "/export",
    ]  # fmt: skip
    assert PAGES[0].url_path == ""
    for page in PAGES:
        assert (VIEWS / page.script).is_file(), page.script
