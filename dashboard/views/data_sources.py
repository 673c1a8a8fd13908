"""Data: the documents behind the graph, their data-quality findings, and uploads with
the same validation and the same one-line refusals as ``riskgraph ingest``."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.access.upload import admission
from dashboard.batch import check_strict, ingest_batch
from dashboard.cli.output import IngestReport
from dashboard.ui import data
from dashboard.ui.data import Workspace
from dashboard.ui.errors import one_line
from dashboard.ui.frame import start_page
from dashboard.ui.tables import frame, table
from graph.model import ParsedDocument
from graph.store import open_store
from ingest.source import RawDocument

_LAST = "upload-last-report"

ws = start_page(
    "Data",
    "Every answer traces to these documents. SBOMs (CycloneDX, SPDX), estate inventories "
    "and channel declarations are detected from their content, never their file name.",
)
documents, findings = data.documents(ws)
c1, c2, c3 = st.columns(3)
c1.metric("Documents", f"{len(documents):,}")
c2.metric("Active", f"{sum(1 for d in documents if d.status.value == 'active'):,}")
c3.metric("Data-quality findings", f"{len(findings):,}")

st.subheader("Documents")
table(
    frame(
        documents,
        [
            "id",
            "format",
            "spec_version",
            "status",
            "name",
            "path",
            "sha256",
            "ingested_at",
            "superseded_by",
        ],
    ),
    "documents",
    key="data-documents",
)
st.subheader("Data-quality findings")
if ws.scoped.shared_documents:
    st.caption(
        "Findings of documents that also describe operators outside your scope are withheld."
    )
severity = st.multiselect(
    "Severity", sorted({f.severity.value for f in findings}), key="data-severity", placeholder="any"
)
table(
    frame(
        [f for f in findings if not severity or f.severity.value in severity],
        ["document_id", "severity", "code", "location", "message"],
    ),
    "data-quality-findings",
    key="data-findings",
)


def _upload(ws: Workspace) -> None:
    st.subheader("Upload")
    if not ws.access.can_ingest:
        st.info(f"Your role ({ws.access.role.value}) is read-only.")
        return
    if ws.access.anonymised_others:
        st.caption("As an operator you may upload inventories of your own operators.")
    with st.form("upload", clear_on_submit=False):
        files = st.file_uploader(
            "SBOMs, inventories, channel declarations", accept_multiple_files=True, key="upload"
        )
        o1, o2 = st.columns(2)
        strict = o1.checkbox("Strict (refuse documents with medium or worse findings)")
        lenient = o2.checkbox("Lenient (drop unresolved references as findings)")
        b1, b2, _ = st.columns([1, 1, 4])
        validate = b1.form_submit_button("Validate")
        ingest = b2.form_submit_button("Ingest", type="primary")
    if (validate or ingest) and files:
        report = _run(ws, files, ingest=ingest, strict=strict, lenient=lenient)
        st.session_state[_LAST] = report.model_dump_json()
        if report.store and report.documents:
            st.rerun()  # the store changed: read the new revision everywhere
    if _LAST in st.session_state:
        _show(IngestReport.model_validate_json(st.session_state[_LAST]))


def _run(
    ws: Workspace, files: list[UploadedFile], *, ingest: bool, strict: bool, lenient: bool
) -> IngestReport:
    """The CLI's batch over the uploaded bytes, named by their file names."""
    raws = [RawDocument.of(f.name, f.getvalue()) for f in files]
    admit = admission(ws.access)

    def checks(parsed: ParsedDocument) -> None:
        if admit is not None:
            admit(parsed)
        if strict:
            check_strict(parsed)

    with one_line(), st.spinner(f"{'Ingesting' if ingest else 'Validating'} {len(raws)} files…"):
        store = open_store(ws.settings.store) if ingest else None
        try:
            return ingest_batch(
                raws,
                store,
                location=ws.settings.store,
                max_bytes=ws.settings.max_upload_bytes,
                lenient=lenient,
                admit=checks,
            )
        finally:
            if store is not None:
                store.close()


def _show(report: IngestReport) -> None:
    t = report.totals
    if report.documents:
        verb = "ingested" if report.store else "validated"
        st.success(
            f"{verb} {t['documents']} documents ({t['inserted']} new, {t['unchanged']} "
            f"unchanged, {t['superseded']} superseded): {t['components']:,} components, "
            f"{t['vendors']:,} vendors, {t['data_quality_findings']:,} data-quality findings"
        )
        table(frame(report.documents), "upload-report", key="upload-report")
    for refused in report.refused:
        st.error(refused.reason)


_upload(ws)
