"""The dashboard in a real headless Chromium: every role, every page, the July-2024
query against the CLI, the what-if, an upload refusal, and scoping that holds against
crafted addresses. Screenshots land in test-artifacts/dashboard/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import ASSETS, run_cli
from tests.e2e.conftest import (
    IDLE_MS,
    Dashboard,
    main_text,
    metrics,
    rerun_after,
    screenshot,
    script_runs,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.e2e

PAGES = ("Overview", "Blast radius", "Concentration", "Controls", "Graph", "Data", "Export")
JULY = "/blast_radius?kind=channel&subject=channel:aegis-rapid-content"


def open_section(page: Page, name: str, charts: int = 0) -> None:
    """A section of the Blast radius page: an expander whose content runs once opened.

    Waits for what the click must bring: the run it caused, the expander still open after
    that run, and the section's own ``charts`` Vega charts drawn inside it (the chart
    module loads lazily: a skeleton stands in for it until then)."""
    section = page.locator(f".st-key-blast-open-{name}")
    runs = script_runs(page)
    section.locator("summary").click()
    rerun_after(page, runs)
    assert section.locator("details[open]").count() == 1, f"{name}: not open after its run"
    if charts:
        drawn = section.locator('[data-testid="stVegaLiteChart"]')
        drawn.nth(charts - 1).wait_for(state="attached", timeout=IDLE_MS)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_idle(page)


def vega_charts(page: Page, at_least: int = 1) -> int:
    """How many Vega charts the page shows, once ``at_least`` have been drawn (the chart
    module loads lazily: a skeleton stands in for it until then)."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(at_least - 1).wait_for(state="attached", timeout=60_000)
    return charts.count()


def _count(value: str) -> float:
    return float(value.replace(",", ""))


@pytest.mark.parametrize("user", ["admin", "auditor", "regulator", "northwind-airlines"])
def test_each_role_signs_in_and_opens_every_page(
    page: Page, dashboard: Dashboard, user: str
) -> None:
    sign_in(page, dashboard.url, user)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert user in sidebar.inner_text()
    for title in PAGES:
        sidebar.get_by_role("link", name=title).click()
        page.wait_for_selector(f'[data-testid="stMain"] h1:has-text("{title}")')
        wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, title
        screenshot(page, f"{user}-{title.lower().replace(' ', '-')}")


def test_blast_radius_shows_what_the_cli_computes(page: Page, dashboard: Dashboard) -> None:
    cli = run_cli(
        "--store", str(dashboard.store), "blast-radius", "--channel", "aegis-rapid-content",
        "--format", "json",
    ).json()  # fmt: skip
    sign_in(page, dashboard.url + JULY, "auditor")
    shown = metrics(page)
    assert _count(shown["Hosts down"]) == cli["hosts_down"] == 13310
    assert _count(shown["Hosts degraded"]) == cli["hosts_degraded"]
    assert _count(shown["Operators hit"]) == cli["operators_hit"]
    assert _count(shown["Critical functions lost"]) == cli["critical_functions_lost"]
    assert _count(shown["Hands-on recovery hosts"]) == cli["hands_on_hosts"]
    assert _count(shown["Last host back (h)"]) == round(cli["recovery_hours"], 1)
    text = main_text(page)
    for operator in cli["operators"]:
        assert operator["name"] in text  # in the chart's axis labels
    # the first view has no picker; "Change what fails" opens them, set to the address
    assert page.locator('[data-testid="stSelectbox"]').count() == 0
    screenshot(page, "auditor-blast-radius-july-2024")
    runs = script_runs(page)
    page.locator(".st-key-blast-choose summary").click()
    rerun_after(page, runs)  # pickers drawn too (no skeleton left)
    pickers = page.locator('[data-testid="stSelectbox"]')
    assert pickers.count() == 3
    chosen = page.locator(".st-key-blast-subject-channel input").input_value()
    assert chosen.startswith("Aegis Rapid Response Content")
    for section in ("functions", "recovery", "evidence"):  # RTO, recovery curve, paths
        open_section(page, section, charts=1)
        assert page.locator('[data-testid="stException"]').count() == 0, section
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 3
    screenshot(page, "auditor-blast-radius-sections")


def test_the_what_if_rollout_shows_what_it_would_have_avoided(
    page: Page, dashboard: Dashboard
) -> None:
    cli = run_cli(
        "--store", str(dashboard.store), "simulate", "--channel", "aegis-rapid-content",
        "--stages", "4", "--canary-share", "0.01", "--bake-hours", "1",
        "--health-gate", "automatic", "--auto-halt", "--format", "json",
    ).json()  # fmt: skip
    sign_in(page, dashboard.url + JULY, "auditor")
    open_section(page, "whatif")
    for key, value in (("stages", "4"), ("canary", "1"), ("bake", "1")):
        field = page.locator(f".st-key-whatif-{key} input")
        field.fill(value)
        field.press("Tab")
    page.locator(".st-key-whatif-halt label").click()
    page.get_by_role("button", name="Simulate").click()
    wait_idle(page)
    page.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Hosts down (what if)")')
    shown = metrics(page)
    after = _count(shown["Hosts down (what if)"])
    assert after == cli["what_if"]["hosts_down"] == 131
    assert after < _count(shown["Hosts down"]) == cli["declared"]["hosts_down"]
    assert _count(shown["Critical functions lost (what if)"]) == 0
    screenshot(page, "auditor-blast-radius-what-if")


def test_the_graph_page_finds_a_node_and_the_documents_behind_its_edges(
    page: Page, dashboard: Dashboard
) -> None:
    sign_in(page, dashboard.url + "/graph", "auditor")
    search = page.locator('input[aria-label="Search nodes"]')
    search.fill("aegis-rapid-content")
    search.press("Enter")
    wait_idle(page)
    text = main_text(page)
    assert "channel:aegis-rapid-content" in text
    assert vega_charts(page) == 1  # the neighbourhood
    edges = _download(page, "graph-edges")
    assert {e["kind"] for e in edges} >= {"UPDATED_VIA", "OPERATED_BY"}
    assert all(e["documents"].startswith("doc-") for e in edges)
    screenshot(page, "auditor-graph-neighbourhood")


def test_controls_coverage_matrix(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, dashboard.url + "/controls", "auditor")
    assert "Framework references" in main_text(page)
    open_tab(page, "Coverage matrix")
    assert vega_charts(page) == 1
    screenshot(page, "auditor-controls-coverage-matrix")


def test_a_bad_upload_shows_the_cli_s_one_line_refusal(
    page: Page, dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = ASSETS / "bad" / "truncated.json"
    monkeypatch.chdir(bad.parent)
    (refusal,) = run_cli("validate", bad.name, "--format", "json").json()["refused"]
    sign_in(page, dashboard.url + "/data", "admin")
    page.locator(".st-key-upload input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Validate").click()
    wait_idle(page)
    errors = page.locator('[data-testid="stAlertContentError"]')
    errors.first.wait_for()
    assert [e.inner_text().strip() for e in errors.all()] == [refusal["reason"]]
    assert "\n" not in refusal["reason"]
    screenshot(page, "admin-data-bad-upload")


def test_an_auditor_cannot_upload(page: Page, dashboard: Dashboard) -> None:
    sign_in(page, dashboard.url + "/data", "auditor")
    assert page.locator(".st-key-upload").count() == 0
    assert "read-only" in main_text(page)


def test_a_regulator_sees_only_its_sectors(page: Page, dashboard: Dashboard) -> None:
    cli = run_cli(
        "--store", str(dashboard.store), "blast-radius", "--channel", "aegis-rapid-content",
        "--format", "json",
    ).json()  # fmt: skip
    mine = [o for o in cli["operators"] if set(o["sectors"]) & {"aviation", "banking"}]
    sign_in(page, dashboard.url + JULY, "regulator")
    assert _count(metrics(page)["Hosts down"]) == sum(o["hosts_down"] for o in mine)
    text = main_text(page)
    assert all(o["name"] in text for o in mine)  # its sectors' operators, in the bars
    assert "St. Elmo" not in text and "FreshMart" not in text
    # its sectors' concentration, and no other sector's
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Concentration").click()
    wait_idle(page)
    open_tab(page, "Sector view")
    assert vega_charts(page) >= 1
    page.locator(".st-key-conc-sector").click()
    options = {o.inner_text().strip() for o in page.get_by_role("option").all()}
    assert options == {"aviation", "banking"}
    page.keyboard.press("Escape")
    screenshot(page, "regulator-concentration-sector-view")


def _download(page: Page, key: str, attempts: int = 3) -> list[dict[str, str]]:
    """The CSV behind a table's download button. The file is made when the button is
    clicked (a deferred download: the browser asks the server for it over the websocket);
    on a loaded machine the first click can land while a rerun replaces the button and its
    request is then dropped, as a user would see a click do nothing and click again."""
    button = page.locator(f".st-key-{key}-csv button")
    for attempt in range(attempts):
        try:
            with page.expect_download(timeout=15_000) as download:
                button.click()
            return list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
            wait_idle(page)
    raise AssertionError("unreachable")


def test_an_operator_cannot_reach_another_operator_s_host_groups(
    page: Page, dashboard: Dashboard
) -> None:
    # the blast radius, with scope-looking parameters added to the address
    sign_in(
        page,
        dashboard.url + JULY + "&operator=harbor-bank&role=admin&user=admin",
        "northwind-airlines",
    )
    assert _count(metrics(page)["Hosts down"]) == 2848
    assert "operator: northwind-airlines" in page.locator('[data-testid="stSidebar"]').inner_text()
    text = main_text(page)
    assert "Northwind Airlines" in text  # its own operator, in the bars
    assert "Harbor Bank" not in text and "harbor-bank" not in text
    open_section(page, "groups")
    rows = _download(page, "blast-host-groups")
    assert rows and {r["operator"] for r in rows} == {"operator:northwind-airlines"}
    screenshot(page, "northwind-blast-radius-july-2024")

    # a crafted address naming another operator's host group
    sign_in(
        page, dashboard.url + "/graph?node=hostgroup:harbor-bank/atm-kiosks", "northwind-airlines"
    )
    assert "hostgroup:harbor-bank/atm-kiosks is not in your scope." in main_text(page)
    assert "ATM" not in main_text(page)
    search = page.locator('input[aria-label="Search nodes"]')
    search.fill("harbor")
    search.press("Enter")
    wait_idle(page)
    assert "No match in your scope." in main_text(page)
    screenshot(page, "northwind-graph-crafted-address")

    # another operator named in the concentration page's address
    sign_in(
        page, dashboard.url + "/concentration?operator=operator:harbor-bank", "northwind-airlines"
    )
    text = main_text(page)
    assert "operator:harbor-bank is not in your scope" in text
    assert "Harbor Bank" not in text
    assert page.url.endswith("operator=operator%3Anorthwind-airlines")  # its own, instead
    assert "Northwind Airlines" in page.locator(".st-key-conc-operator input").input_value()

    # documents: nothing that only describes other operators
    sign_in(page, dashboard.url + "/data", "northwind-airlines")
    documents = _download(page, "data-documents")
    paths = {d["path"].rsplit("/", 1)[-1] for d in documents}
    assert "aviation.yaml" in paths
    assert not paths & {"media.yaml", "retail.yaml", "banking.yaml", "harbor-bank-branches.csv"}
