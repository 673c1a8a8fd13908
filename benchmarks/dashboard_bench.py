"""Dashboard benchmark: time to first meaningful paint in a real headless Chromium.

    .venv/bin/python benchmarks/dashboard_bench.py --store DEMO.sqlite [--runs 9]
        [--baseline DIR]          # DIR: a checkout of the commit to compare with
        [--page "Blast radius"]   # one page only (repeatable); default both
        [--subject channel:KEY]   # the Blast radius subject; default the July-2024 channel

Each page load is a new tab (a new Streamlit session), timed from navigation start to

* **headline**: the page's first ``st.metric`` value is painted (the estate figures on
  Overview, hosts down on Blast radius): the first meaningful paint, as the browser
  reports it (Element Timing: the value's first paint, from navigation start);
* **complete**: the script run is over and every chart and table is drawn (including
  the rest of a first view drawn after its headline, :mod:`dashboard.ui.later`).

The headline is read in the page, not from Playwright's wait for the element: that wait
polls after 0, 20, 50, 100, 100 and then every 500 ms, so a value painted 0.7 s after
the page's load event was reported 0.5 s later than one painted at 0.65 s.

For each page, *variants* are served side by side, each by its own server process: the
**floor** (a one-metric Streamlit page: what the framework and browser cost before any of
our code), **this checkout**, and with ``--baseline`` the other checkout (run alike). The
server is the one ``riskgraph dashboard`` starts, in local mode on 127.0.0.1 (no sign-in,
so the timing is the page's alone).

* *cold* = the first load after the variant's server started (empty server caches: the
  graph is read from the store, scoped and analysed), in a browser with an empty HTTP cache;
* *warm* = ``--runs`` later loads by a returning browser (HTTP cache kept; server caches
  shared across sessions, keyed by the store's revision). Warm loads are taken in rounds,
  one load of every variant per round in a rotating order, so a change in the machine's
  load during the run hits every variant alike.

Prints, per page, the medians and the spread of the warm loads, the server process's CPU
time per warm load (from the load's start to the variant's next one: the session's script
run and whatever the server does after it), how far each variant is
above the floor of the same rounds (absolute and as a ratio), the load average before and
after, and which commit each checkout is at: a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.cli.commands_dashboard import server_command, streamlit_flags  # noqa: E402
from dashboard.ui.later import PENDING_KEY  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

_IDLE = (
    "() => { const a = document.querySelector('[data-testid=stApp]');"
    " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
    " && !document.querySelector('[data-testid=stSpinner]')"
    f" && !document.querySelector('.st-key-{PENDING_KEY}'); }}"
)
# marks the first metric value for Element Timing before it is painted, and keeps its
# paint time (ms from navigation start) in window.__headlinePaint
PAINT_PROBE = """
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if (e.identifier === 'headline' && window.__headlinePaint === undefined)
      window.__headlinePaint = e.renderTime || e.loadTime;
}).observe({type: 'element', buffered: true});
new MutationObserver((_, observer) => {
  const value = document.querySelector('[data-testid=stMetricValue]');
  if (!value) return;
  for (const el of [value, ...value.querySelectorAll('*')])
    el.setAttribute('elementtiming', 'headline');
  observer.disconnect();
}).observe(document, {subtree: true, childList: true});
"""
TIMEOUT_MS = 1_800_000
VIEWPORT = {"width": 1400, "height": 1800}
JULY_2024 = "channel:aegis-rapid-content"
SETTLE_S = 2.0
HELLO = "import streamlit as st\nst.title('hello')\nst.metric('one', 1)\n"
Timing = tuple[float, float, float]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A dashboard server as ``riskgraph dashboard`` runs it (or ``command``'s)."""

    def __init__(
        self,
        store: Path,
        command: list[str] | None = None,
        port: int | None = None,
        checkout: Path = REPO,
    ) -> None:
        self.port = port or _free_port()
        config = tempfile.mkdtemp()  # no users file: local mode
        env = dict(os.environ, RISKGRAPH_STORE=str(store), XDG_CONFIG_HOME=config)
        env["PYTHONPATH"] = str(checkout)  # whose dashboard package the server runs
        env.pop("RISKGRAPH_USERS", None)
        self.process = subprocess.Popen(
            command or server_command("127.0.0.1", self.port),
            cwd=checkout,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("streamlit did not start")

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (user + system, Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:  # a script run still computing: no need to wait
            self.process.kill()
            self.process.wait()


def _context(browser: Browser) -> BrowserContext:
    """A browser profile (its own HTTP cache) whose pages report the headline's paint."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(PAINT_PROBE)
    return context


def load(context: BrowserContext, url: str) -> Timing:
    """(headline, complete, polled) seconds for one page load in a new tab (a new session).

    *polled* is when Playwright's wait saw the value (how runs before 2026-11-21 evening
    were timed), for comparison only.
    """
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=TIMEOUT_MS)
    polled = time.perf_counter() - started
    page.wait_for_function("window.__headlinePaint !== undefined", timeout=TIMEOUT_MS)
    headline = float(page.evaluate("window.__headlinePaint")) / 1000
    page.wait_for_function(_IDLE, timeout=TIMEOUT_MS)
    complete = time.perf_counter() - started
    page.close()
    return headline, complete, polled


@dataclass
class Variant:
    """One server and its loads: the floor, this checkout or the baseline."""

    name: str
    server: Server
    path: str
    cold: Timing = (0.0, 0.0, 0.0)
    warm: list[Timing] = field(default_factory=list)
    context: BrowserContext | None = None
    cpu_marks: list[float] = field(default_factory=list)  # server CPU at each warm load's start

    def cpu_per_load(self) -> list[float]:
        """Server CPU seconds from each warm load's start to the next one's (or the end)."""
        return [b - a for a, b in zip(self.cpu_marks, self.cpu_marks[1:], strict=False)]


def _commit(checkout: Path) -> str:
    """The checkout's commit (``+`` if it has changes), or "-" outside git."""
    git = ["git", "-C", str(checkout)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True
    )
    if head.returncode or not (checkout / ".git").exists():
        return "-"
    dirty = subprocess.run(
        [*git, "status", "--porcelain"], check=False, capture_output=True, text=True
    )
    return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")


def _floor_server(store: Path, tmp: Path) -> Server:
    hello = tmp / "hello.py"
    hello.write_text(HELLO)
    port = _free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(hello)]
    return Server(store, [*command, *streamlit_flags("127.0.0.1", port)], port)


def measure_page(
    browser: Browser,
    store: Path,
    path: str,
    checkouts: list[tuple[str, Path]],
    runs: int,
    tmp: Path,
) -> list[Variant]:
    """Cold loads one variant after the other, then ``runs`` rounds of warm loads."""
    variants: list[Variant] = []
    try:
        variants.append(Variant("floor", _floor_server(store, tmp), "/"))
        for name, checkout in checkouts:
            variants.append(Variant(name, Server(store, checkout=checkout.resolve()), path))
        for v in variants:
            cold = _context(browser)
            v.cold = load(cold, v.server.url + v.path)
            cold.close()
            v.context = _context(browser)
            load(v.context, v.server.url + v.path)  # the HTTP cache of a returning browser
        for r in range(runs):
            for i in range(len(variants)):
                v = variants[(i + r) % len(variants)]  # rotate who goes first
                assert v.context is not None
                v.cpu_marks.append(v.server.cpu_seconds())
                v.warm.append(load(v.context, v.server.url + v.path))
        time.sleep(SETTLE_S)  # the last loads' work after their run (Streamlit's GC, if on)
        for v in variants:
            v.cpu_marks.append(v.server.cpu_seconds())
    finally:
        for v in variants:
            if v.context is not None:
                v.context.close()
            v.server.stop()
    return variants


def _row(store: str, page: str, v: Variant, floor: Variant) -> str:
    heads = [t[0] for t in v.warm]
    wh = statistics.median(heads)
    wc, wp = (statistics.median(t[i] for t in v.warm) for i in (1, 2))
    fh = statistics.median(t[0] for t in floor.warm)
    over = "-" if v is floor else f"{wh - fh:+.2f} s (x{wh / fh:.2f})"
    cpu = statistics.median(v.cpu_per_load())
    return (
        f"| {store} | {page} | {v.name} | {v.cold[0]:.2f} s | {v.cold[1]:.2f} s | "
        f"**{wh:.2f} s** ({min(heads):.2f}-{max(heads):.2f}) | {wc:.2f} s | {over} | "
        f"{wp:.2f} s | {cpu * 1000:.0f} ms |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store (copy it first)")
    parser.add_argument("--subject", default=JULY_2024, help="the Blast radius channel")
    parser.add_argument("--runs", type=int, default=9, help="warm loads per variant")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. `git archive COMMIT | tar -x -C DIR`): served and "
        "loaded alongside this one, round by round",
    )
    parser.add_argument("--page", choices=["Overview", "Blast radius"], action="append")
    args = parser.parse_args()
    pages = {"Overview": "/", "Blast radius": f"/blast_radius?kind=channel&subject={args.subject}"}
    checkouts = [(f"this checkout ({_commit(REPO)})", REPO)]
    if args.baseline:
        checkouts.append((f"baseline ({args.baseline})", args.baseline))
    load_before = os.getloadavg()
    rows = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for page, path in pages.items():
            if args.page and page not in args.page:
                continue
            variants = measure_page(browser, args.store, path, checkouts, args.runs, Path(tmp))
            for v in variants:
                print(f"  {page} / {v.name}: cold {v.cold}, warm {v.warm}", file=sys.stderr)
                rows.append(_row(args.store.name, page, v, variants[0]))
        browser.close()
    load_after = os.getloadavg()
    print(
        f"dashboard_bench: {args.runs} warm rounds, load average (1/5/15 min) "
        f"{' '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.1f}' for x in load_after)} after"
    )
    print(
        "| store | page | variant | cold headline | cold complete | "
        "warm headline: median (min-max) | warm complete | over the floor | "
        "warm headline as Playwright polls it | server CPU per warm load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
