"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no scripts.

Nothing is fetched when the file is opened (no fonts, scripts or images from elsewhere),
so it can be filed and read offline. The manifest and integrity record are embedded as
``<script type="application/json" id="riskgraph-manifest">`` (data, never executed) for
``riskgraph report verify``. Long tables stop after ``max_rows`` rows with a note saying
how many more the JSON, CSV and XLSX formats hold.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from dashboard.reports.charts import report_charts
from dashboard.reports.integrity import verification_stub
from dashboard.reports.markers import MANIFEST_ID
from dashboard.reports.model import Report, ReportFinding, SourceRef
from dashboard.reports.svg import to_svg
from dashboard.reports.tables import PAGE_TABLES, Cell, Table, columns, evidence_text, report_tables

__all__ = ["MANIFEST_ID", "render_html", "write_html"]

_CSS = """
body{font-family:Helvetica,Arial,sans-serif;font-size:13px;color:#222;margin:24px auto;
max-width:1180px;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;border-bottom:2px solid #1f4e79;
padding-bottom:3px;margin-top:28px}h3{font-size:14px;margin-bottom:4px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:12px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta td:first-child{font-weight:bold;white-space:nowrap}
.cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #ccc;padding:6px 10px;
border-radius:4px;min-width:110px}.card b{display:block;font-size:18px}
.sev-critical{color:#a40000;font-weight:bold}.sev-high{color:#c0504d;font-weight:bold}
.note{color:#555;font-style:italic}code,.hash{font-family:monospace;font-size:11px}
td{overflow-wrap:anywhere}details{margin:2px 0}summary{cursor:pointer}
figure{margin:10px 0}figure svg{width:100%;max-width:860px;height:auto}
figcaption{color:#555;font-size:11px}
"""


_TABLES = PAGE_TABLES | {"catalogue"}
"""The tables the page lays out; findings have their own section."""


def render_html(report: Report, *, max_rows: int = 500) -> bytes:
    """The report as HTML bytes (UTF-8), identical for identical reports."""
    tables = {t.name: t for t in report_tables(report, _TABLES)}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{_CSS}</style>",
        f'<script type="application/json" id="{MANIFEST_ID}">'
        f"{_script_json(verification_stub(report))}</script>",
        "</head><body>",
        *_header(report),
        *_summary(report),
        "<h2>Charts</h2>",
        *_charts(report),
        "<h2>Blast radius of the top vendors and channels</h2>",
        _table(tables["blast_top"], max_rows),
        *_failing(report),
        "<h3>By sector, jurisdiction and operator</h3>",
        _table(tables["blast_impacts"], max_rows),
    ]
    if report.blast.top and any(s.others for s in report.blast.top):
        parts += ["<h3>Other operators (anonymised)</h3>", _table(tables["blast_others"], max_rows)]
    parts += [
        "<h3>Every vendor and channel ranked</h3>",
        _table(tables["ranking"], max_rows),
        "<h2>Concentration</h2>",
        _table(tables["concentration"], max_rows),
        "<h3>Single-vendor dependencies of critical functions</h3>",
        _table(tables["single_vendor"], max_rows),
        "<h3>Sector breadth test</h3>",
        _table(tables["systemic"], max_rows),
        "<h2>Control findings and remediation plan</h2>",
        '<p class="note">Ordered by the blast radius the remediation removes, then severity. '
        "'unknown' means the attribute is undeclared: ask the vendor or operator.</p>",
        _table(tables["frameworks"], max_rows),
        *_findings(report.controls.findings, max_rows),
        "<h2>Data-quality findings</h2>",
        _table(tables["data_quality"], max_rows),
        "<h2>Inputs</h2>",
        _table(tables["inputs"], max_rows),
        "<h2>Methodology</h2>",
        *(f"<p>{escape(n)}</p>" for n in report.methodology.notes),
        "<h3>Policy parameters</h3>",
        '<p class="note">Numbers labelled "project policy" are this project\'s choices, '
        'not regulatory requirements; "regulatory" ones cite their source.</p>',
        _table(tables["parameters"], max_rows),
        "<h3>Control catalogue</h3>",
        _table(tables["catalogue"], max_rows),
        "<h2>Manifest</h2>",
        _table(tables["manifest"], max_rows),
        "</body></html>",
    ]
    return ("\n".join(parts) + "\n").encode()


def write_html(report: Report, out: Path, *, max_rows: int = 500) -> None:
    out.write_bytes(render_html(report, max_rows=max_rows))


def _script_json(data: object) -> str:
    # '</' would end the script element; JSON allows escaping '/' so the data stays intact
    return json.dumps(data, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")


def _header(report: Report) -> list[str]:
    p, m = report.period, report.manifest
    rows = [
        ("Scope", f"{report.scope.label} (read as role {report.scope.role})"),
        ("As of", p.as_of.isoformat()),
        ("Generated", m.generated_at.isoformat().replace("+00:00", "Z")),
        ("Inputs", f"{len(report.inputs)} documents, created {_span(p)}"),
        ("Tool", f"{m.tool} {m.tool_version}; ruleset {m.ruleset_version}"),
        ("Report SHA-256", report.integrity.body_sha256),
    ]
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in rows)
    return [f"<h1>{escape(report.title)}</h1>", f'<table class="meta">{body}</table>']


def _span(p: object) -> str:
    start = getattr(p, "inputs_created_from", None)
    end = getattr(p, "inputs_created_to", None)
    if start is None or end is None:
        return "at unknown dates"
    return f"{start.date().isoformat()} to {end.date().isoformat()}"


def _summary(report: Report) -> list[str]:
    cards = [(k.replace("_", " "), v) for k, v in report.estate.figures.items()]
    cards += [(f"{s} findings", n) for s, n in report.controls.by_severity.items() if n]
    html = "".join(
        f'<div class="card">{escape(label)}<b>{value:,}</b></div>' for label, value in cards
    )
    return ["<h2>Estate summary</h2>", f'<div class="cards">{html}</div>']


def _charts(report: Report) -> list[str]:
    out = []
    for chart in report_charts(report):
        caption = escape(f"{chart.title}. {chart.caption}".strip())
        out.append(f"<figure>{to_svg(chart)}<figcaption>{caption}</figcaption></figure>")
    return out or ['<p class="note">Nothing to chart in this scope.</p>']


def _table(table: Table, max_rows: int) -> str:
    if not table.rows:
        return f'<p class="note">{escape(table.title)}: none.</p>'
    index, headers = columns(table)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "\n".join(
        "<tr>" + "".join(_td(row[i]) for i in index) + "</tr>" for row in table.rows[:max_rows]
    )
    note = _more(len(table.rows), max_rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>{note}"


def _td(value: Cell) -> str:
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int | float):
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
        return f'<td class="n">{text}</td>'
    return f"<td>{escape('' if value is None else value)}</td>"


def _more(total: int, shown: int) -> str:
    if total <= shown:
        return ""
    return (
        f'<p class="note">{total - shown:,} more rows of {total:,} are in the JSON, CSV and '
        "XLSX formats of this report.</p>"
    )


def _sources(sources: tuple[SourceRef, ...], total: int) -> str:
    text = ", ".join(f"{s.document_id} {s.location or ''}".strip() for s in sources)
    return text + (f" and {total - len(sources):,} more documents" if total > len(sources) else "")


def _failing(report: Report) -> list[str]:
    """How each top subject's failure reaches hosts, and what was undeclared."""
    out = []
    for s in report.blast.top:
        lines = "".join(f"<li>{escape(f)}</li>" for f in s.failing)
        unknown = escape(", ".join(s.unknowns)) or "nothing"
        out.append(
            f"<details><summary>How {escape(s.kind)} {escape(s.name)} fails</summary>"
            f"<ul>{lines}</ul><p>Undeclared, taken at their worst: {unknown}</p></details>"
        )
    return out


def _findings(findings: tuple[ReportFinding, ...], max_rows: int) -> list[str]:
    out = []
    for f in findings[:max_rows]:
        removed = f.risk_removed
        gain = (
            f"; remediation removes {removed.hosts_down_avoided:,.0f} hosts down, "
            f"{removed.operators_avoided} operators, {removed.recovery_hours_avoided:,.1f} "
            "recovery hours"
            if removed
            else ""
        )
        evidence = "".join(
            f"<tr><td>{escape(e.subject)}</td><td>{escape(e.attribute)}</td>"
            f"<td>{escape(evidence_text(e.value))}</td><td>"
            + escape(_sources(e.sources, e.sources_total))
            + "</td></tr>"
            for e in f.evidence
        )
        refs = "".join(
            f"<li>{escape(r.framework)}: {escape(r.reference)}</li>" for r in f.references
        )
        out.append(
            f"<details><summary>#{f.order} "
            f'<span class="sev-{f.severity}">{escape(f.severity)}</span> {escape(f.status)} '
            f"<code>{escape(f.id)}</code> {escape(f.title)}</summary>"
            f"<p>Reach: {f.reach_hosts:,} hosts, {f.reach_operators} operators "
            f"({f.reach_cii_operators} CII){escape(gain)}.</p>"
            f"<p><b>Remediation:</b> {escape(f.remediation)}</p>"
            "<table><thead><tr><th>subject</th><th>attribute</th><th>value</th>"
            f"<th>asserted by</th></tr></thead><tbody>{evidence}</tbody></table>"
            f"<ul>{refs}</ul></details>"
        )
    out.append(_more(len(findings), max_rows))
    return out
