"""Export: the auditor/regulator report of a scope the signed-in role may read, as the
same file (name and bytes) ``riskgraph report`` writes for that scope, clock and policy."""

from __future__ import annotations

import streamlit as st

from dashboard.access.exports import ExportScopeError, check_export_scope
from dashboard.ui.export_data import EXPORT_FORMATS, cli_command, export_file, export_scopes
from dashboard.ui.frame import start_page

FORMAT_LABELS = {
    "pdf": "PDF (to file)",
    "html": "HTML",
    "xlsx": "Spreadsheet (XLSX)",
    "csv": "CSV tables (ZIP)",
    "json": "JSON (schema: riskgraph schema report)",
    "sarif": "SARIF 2.1.0 (control findings)",
    "cyclonedx": "CycloneDX 1.6 (the estate's products and channels)",
}
BUILT = "export-file"

ws = start_page(
    "Export",
    "A reproducible, evidence-backed report of a scope you may read: inputs with their "
    "SHA-256, estate, blast radius, concentration, control findings and methodology. It "
    "embeds its manifest; `riskgraph report verify FILE` re-checks it against the store.",
)
allowed = export_scopes(ws)
if not allowed:
    st.info("Nothing in your scope to export yet.")
    st.stop()

wanted = st.query_params.get("scope")
if wanted is not None:
    try:
        wanted = check_export_scope(wanted, allowed, ws.access)
    except ExportScopeError as e:
        st.error(str(e))
        st.stop()
wanted_format = st.query_params.get("format")
if wanted_format is not None and wanted_format not in EXPORT_FORMATS:
    st.error(f"unknown report format {wanted_format!r} ({', '.join(EXPORT_FORMATS)})")
    st.stop()

left, right = st.columns(2)
picked = left.selectbox(
    "Scope",
    allowed,
    index=allowed.index(wanted) if wanted else 0,
    key="export-scope",
    help="operator:ID reads as that operator (the rest of the estate as anonymised "
    "totals); sector: and jurisdiction: as their regulator; all as an admin.",
)
fmt = str(
    right.selectbox(
        "Format",
        EXPORT_FORMATS,
        index=EXPORT_FORMATS.index(wanted_format) if wanted_format else 0,
        format_func=FORMAT_LABELS.__getitem__,
        key="export-format",
    )
)
try:  # widget state is client input too: check it like the address
    scope = check_export_scope(str(picked), allowed, ws.access)
except ExportScopeError as e:
    st.error(str(e))
    st.stop()

st.caption("The same file, from the command line:")
st.code(cli_command(ws, scope, fmt), language="sh", wrap_lines=True)

key = (ws.revision, ws.policy_key, scope, fmt)
built = st.session_state.get(BUILT)
if st.button("Build the report", key="export-build", type="primary"):
    with st.status(f"Building the {fmt} report of {scope}…", expanded=False) as status:
        built = (
            key,
            export_file(ws, scope, fmt, on_stage=lambda s: status.update(label=f"Building: {s}…")),
        )
        status.update(label="Report built", state="complete")
    st.session_state[BUILT] = built
if built is not None and built[0] == key:
    file = built[1]
    st.download_button(
        f"Download {file.name}",
        data=file.data,
        file_name=file.name,
        mime=file.media_type,
        key="export-download",
        on_click="ignore",
        icon=":material/download:",
        type="primary",
    )
    st.caption(f"{len(file.data):,} bytes · SHA-256 `{file.sha256}`")
