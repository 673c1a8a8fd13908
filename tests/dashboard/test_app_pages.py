"""AppTest smoke tests: every page renders for a signed-in user, with its headline numbers.

The pages run in-process against the demo store (AppTest: no browser, no server); the
browser tests in tests/e2e/ check the same pages in real Chromium.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.access.demo import DEMO_PASSWORD
from dashboard.access.exports import export_file_name
from dashboard.ui.session import USER_KEY
from tests.conftest import REPO, run_cli

APP = str(REPO / "dashboard" / "app.py")
TIMEOUT = 120


@pytest.fixture
def app(demo_store: Path, demo_users: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("RISKGRAPH_STORE", str(demo_store))
    monkeypatch.setenv("RISKGRAPH_USERS", str(demo_users))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721362140")
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def open_page(at: AppTest, page: str, user: str = "auditor", **params: str) -> dict[str, str]:
    at.session_state[USER_KEY] = user
    at.run()  # st.navigation registers the pages (custom url_paths) on the first run
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"views/{page}.py").run()
    # Overview and Blast radius end their first run after the headline; the browser asks
    # for the rest a moment later (dashboard.ui.later), here the next run draws it
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return {m.label: m.value for m in at.metric}


def test_signing_in_with_the_users_file(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert [t.label for t in app.text_input] == ["User name", "Password"]
    assert not app.metric  # nothing is read before sign-in
    app.text_input(key="signin-name").input("northwind-airlines")
    app.text_input(key="signin-password").input("not the password")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["Wrong user name or password."]
    app.text_input(key="signin-password").input(DEMO_PASSWORD)
    app.button[0].click().run()
    assert app.session_state[USER_KEY] == "northwind-airlines"
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Operators"] == "1"


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("overview", {}),
        ("blast_radius", {"kind": "channel", "subject": "channel:aegis-rapid-content"}),
    ],
)
def test_the_first_run_of_a_page_draws_its_headline_and_the_next_the_rest(
    app: AppTest, page: str, params: dict[str, str]
) -> None:
    app.session_state[USER_KEY] = "auditor"
    for key, value in params.items():
        app.query_params[key] = value
    app.run()  # the default page: Overview's first run in this session
    if page != "overview":
        app.switch_page(f"views/{page}.py").run()
    state = f"riskgraph-first-view-{page}"
    assert not app.exception
    assert len(app.metric) == 7  # the headline, and nothing after it
    assert not app.html and not app.main.caption and not app.sidebar.caption
    assert not app.main.expander and not app.main.markdown  # no picker, no sentence
    assert app.session_state[state] == "waiting"
    app.run()  # what the browser asks for DEFER_S later (a fragment's timer)
    assert not app.exception
    assert len(app.metric) == 7 and app.html and app.main.caption and app.sidebar.caption
    assert app.session_state[state] == "painted"
    app.run()  # and any later run draws everything at once
    assert app.html and app.session_state[state] == "painted"


def html_of(at: AppTest) -> str:
    """Every ``st.html`` body of the run (the first view below the headline figures)."""
    return " ".join(h.value for h in at.html)


def figures_of(html: str) -> dict[str, str]:
    """The labelled figures of :func:`dashboard.ui.html_charts.figures`: label -> value."""
    return dict(re.findall(r"<dt[^>]*>([^<]*)</dt><dd[^>]*>([^<]*)</dd>", html))


def test_overview(app: AppTest, demo_store: Path) -> None:
    metrics = open_page(app, "overview")
    assert metrics["Operators"] == "9"
    assert metrics["Hosts"] == "16,767"
    assert metrics["Update channels"] == "11"
    assert metrics["Kernel-privileged components"] == "13"
    severities = figures_of(html_of(app))
    assert list(severities) == ["Critical", "High", "Medium", "Low", "Info"]
    assert severities["Critical"] != "0"
    cli = run_cli("--store", str(demo_store), "controls", "--format", "json").json()
    shown = {k: int(v.replace(",", "")) for k, v in severities.items()}
    assert shown == {k.capitalize(): sum(f["severity"] == k for f in cli["findings"]) for k in (
        "critical", "high", "medium", "low", "info")}  # fmt: skip


def test_overview_first_view_draws_html_charts_and_keeps_tables_one_click_away(
    app: AppTest,
) -> None:
    open_page(app, "overview")
    html = html_of(app)
    assert "<table" in html and "HHI band (2023)" in html  # the heat map
    assert "Update channels" in html and "Aegis Rapid Response Content" in html  # the ranking
    assert len(app.html) == 3  # heat map, ranking, findings: one element each
    assert not [m for m in app.main.markdown if "<" in m.value]  # no raw HTML in markdown
    assert {m.label for m in app.metric} == {  # the headline figures, and no other metric
        "Operators", "Sectors", "Hosts", "Vendors", "Kernel-privileged components",
        "Update channels", "Host groups",
    }  # fmt: skip
    assert not app.dataframe and not app.main.toggle and not app.main.button
    app.session_state["overview-detail"] = True  # the user opens the expander
    app.run()
    assert not app.exception
    assert {"band", "hhi"} <= set(app.dataframe[0].value.columns)
    assert len(app.dataframe) == 2  # the heat map's cells and the ranking


def test_blast_radius_of_the_july_2024_channel(app: AppTest) -> None:
    metrics = open_page(app, "blast_radius", kind="channel", subject="channel:aegis-rapid-content")
    assert metrics["Hosts down"] == "13,310"
    assert metrics["Operators hit"] == "5"
    assert metrics["Critical functions lost"] == "13"
    assert metrics["Last host back (h)"] == "262.0"


def test_blast_radius_for_an_operator_is_its_own_share(app: AppTest) -> None:
    metrics = open_page(
        app,
        "blast_radius",
        user="northwind-airlines",
        kind="channel",
        subject="channel:aegis-rapid-content",
    )
    assert metrics["Hosts down"] == "2,848"
    assert metrics["Operators hit"] == "1"


def test_blast_radius_first_view_draws_bars_and_keeps_tables_one_click_away(
    app: AppTest,
) -> None:
    open_page(app, "blast_radius", kind="channel", subject="channel:aegis-rapid-content")
    bars = [h.value for h in app.html if "Hosts by operator" in h.value]
    assert len(bars) == 1 and "Harbor Bank" in bars[0] and "Hosts by sector" in bars[0]
    # no widget and no grid in the first view: the headline paints first
    main = app.main
    assert not main.dataframe and not main.selectbox and not main.toggle and not main.button
    closed = ("-blast-choose", "-where", "-blast-open-failing")
    sections = [e.label for e in app.expander if e.proto.id.endswith(closed)]
    assert len(sections) == 3  # the pickers, the tables, the failure: closed, so never run
    assert not [m for m in app.markdown if "host-fatal" in m.value or "at **" in m.value]
    app.session_state["blast-open-failing"] = True
    app.run()
    assert any("`component:pkg:generic/aegis/aegisdrv@" in m.value for m in app.markdown)
    app.session_state["blast-open-where"] = True  # the user opens the expander
    app.run()
    assert not app.exception
    operators = next(d.value for d in app.dataframe if "hosts_down" in d.value.columns)
    assert operators["hosts_down"].sum() == 13_310


def test_blast_radius_pickers_change_the_subject_and_the_address(app: AppTest) -> None:
    open_page(app, "blast_radius", kind="channel", subject="channel:aegis-rapid-content")
    assert not app.selectbox
    app.session_state["blast-choose"] = True  # "Change what fails or how"
    app.run()
    assert [s.label for s in app.selectbox] == ["What fails", "Channel", "Failure mode"]
    assert app.selectbox(key="blast-subject-channel").value == "channel:aegis-rapid-content"
    app.selectbox(key="blast-kind").set_value("vendor").run()
    assert not app.exception
    vendors = app.selectbox(key="blast-subject-vendor")
    assert app.query_params["kind"] == "vendor"
    vendors.set_value("vendor:microsoft").run()
    assert not app.exception
    assert app.query_params["subject"] == "vendor:microsoft"
    assert "Microsoft" in next(m.value for m in app.markdown if "hosts down" in m.value)


def test_blast_radius_refuses_a_subject_outside_the_scope(app: AppTest) -> None:
    metrics = open_page(
        app,
        "blast_radius",
        user="northwind-airlines",
        kind="channel",
        subject="hostgroup:harbor-bank/atm-kiosks",
    )
    assert [w.value for w in app.warning] == [
        "hostgroup:harbor-bank/atm-kiosks is not in your scope; showing your own data instead."
    ]
    assert app.query_params["subject"] != "hostgroup:harbor-bank/atm-kiosks"
    assert metrics["Operators hit"] in ("0", "1")  # the worst channel, in its own scope
    assert "Harbor Bank" not in " ".join(m.value for m in app.markdown) + html_of(app)
    assert "Northwind Airlines" in html_of(app)  # its own operator in the bars


def test_concentration(app: AppTest) -> None:
    metrics = open_page(app, "concentration", operator="operator:harbor-bank")
    assert metrics["Layers"] == "3"
    assert int(metrics["Single-vendor dependencies"]) > 0


def test_controls_lists_what_the_cli_lists(app: AppTest, demo_store: Path) -> None:
    open_page(app, "controls")
    cli = run_cli("--store", str(demo_store), "controls", "--format", "json").json()
    n = len(cli["findings"])
    assert f"{n} of {n} findings" in [c.value for c in app.caption]
    first = cli["findings"][0]
    assert any(f"`{first['id']}`" in m.value for m in app.markdown)  # the plan's first, opened
    assert any("Framework references" in m.value for m in app.markdown)


def test_graph_explorer(app: AppTest) -> None:
    open_page(app, "explorer", node="channel:aegis-rapid-content")
    assert any("channel:aegis-rapid-content" in m.value for m in app.markdown)


def test_graph_explorer_refuses_a_node_outside_the_scope(app: AppTest) -> None:
    open_page(app, "explorer", user="northwind-airlines", node="hostgroup:harbor-bank/atm-kiosks")
    assert [w.value for w in app.warning] == [
        "hostgroup:harbor-bank/atm-kiosks is not in your scope."
    ]


def test_data(app: AppTest) -> None:
    metrics = open_page(app, "data_sources")
    assert metrics["Documents"] == "25"
    assert metrics["Data-quality findings"] == "0"


def test_data_is_read_only_for_auditors(app: AppTest) -> None:
    open_page(app, "data_sources")
    assert any("read-only" in i.value for i in app.info)


def test_without_users_the_app_refuses_an_open_address(
    demo_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RISKGRAPH_STORE", str(demo_store))
    monkeypatch.delenv("RISKGRAPH_USERS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no default users file
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # no --server.address: all
    assert not at.exception
    assert [e.value for e in at.error] == [
        "riskgraph dashboard: refusing to serve on every interface without users: anyone "
        "who can reach it would read every operator's data. Add users (riskgraph users add "
        "NAME --role ...) and pass --users FILE, or serve on 127.0.0.1."
    ]
    assert not at.metric


def test_a_new_store_revision_is_read_at_the_next_run(
    demo_store: Path, demo_users: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store = tmp_path / "store.sqlite"
    shutil.copy(demo_store, store)
    monkeypatch.setenv("RISKGRAPH_STORE", str(store))
    monkeypatch.setenv("RISKGRAPH_USERS", str(demo_users))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    assert open_page(at, "data_sources")["Documents"] == "25"
    sbom = REPO / "tests" / "assets" / "cyclonedx" / "edr-sensor.cdx16.json"
    assert run_cli("--store", str(store), "ingest", str(sbom)).code == 0
    at.run()
    assert {m.label: m.value for m in at.metric}["Documents"] == "26"


@pytest.mark.parametrize(
    ("user", "scope", "fmt"),
    [
        ("northwind-airlines", "operator:northwind-airlines", "json"),
        ("regulator", "sector:banking", "csv"),
        ("auditor", "all", "html"),
        ("auditor-healthcare", "sector:healthcare", "cyclonedx"),
    ],
)
def test_export_offers_the_cli_report_file(
    app: AppTest, demo_store: Path, tmp_path: Path, user: str, scope: str, fmt: str
) -> None:
    open_page(app, "export", user=user, scope=scope, format=fmt)
    name = export_file_name(scope, fmt)
    assert any(f"--out {name}" in c.value for c in app.code)
    app.button(key="export-build").click().run()
    assert not app.exception, [e.message for e in app.exception]
    out = tmp_path / name
    cli = run_cli(
        "--store", str(demo_store), "report", "--scope", scope, "--format", fmt, "--out", str(out)
    )  # fmt: skip
    assert cli.code == 0, cli.err
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"{out.stat().st_size:,} bytes · SHA-256 `{digest}`" in [c.value for c in app.caption]


def test_export_refuses_a_scope_outside_the_role(app: AppTest) -> None:
    open_page(app, "export", user="northwind-airlines", scope="operator:harbor-bank")
    assert [e.value for e in app.error] == [
        "operator:harbor-bank is not in your scope (operator: northwind-airlines); you may "
        "export: operator:northwind-airlines."
    ]
    assert [b.key for b in app.button] == ["sign-out"]  # nothing to build


def test_an_operator_s_sector_aggregates_leave_its_own_hosts_out(app: AppTest) -> None:
    own = int(open_page(app, "overview", user="northwind-airlines")["Hosts"].replace(",", ""))
    app.session_state["overview-detail"] = True  # "Interactive charts and tables"
    app.run()
    heat = next(d.value for d in app.dataframe if "band" in d.value.columns)
    estate = heat[heat["scope"] == "estate"]
    assert len(estate)  # all 8 other operators: big enough, nothing to subtract
    # the other operators' hosts: never the whole estate's 16,767 (own hosts included)
    assert estate["hosts"].max() <= 16_767 - own
