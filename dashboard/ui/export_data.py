"""What the Export page reads: the scopes a user may export and the file of one export.

The file is built by the report builder ``riskgraph report`` calls
(:func:`dashboard.reports.build_report`, :func:`dashboard.reports.render_report`, and for
CycloneDX :func:`dashboard.reports.cyclonedx_estate.write_cyclonedx`) with the same
store, policy file, clock (``SOURCE_DATE_EPOCH``) and ``--min-cohort``: the download and
the CLI's ``--out`` file are the same bytes. Only the CLI scopes the role may export
(:mod:`dashboard.access.exports`) ever reach the builder.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.access.exports import allowed_export_scopes, export_file_name
from dashboard.access.scope import Access
from dashboard.cli.settings import clock_from_env
from dashboard.reports import FORMATS, ReportOptions, build_report, parse_scope, render_report
from dashboard.reports.cyclonedx_estate import write_cyclonedx
from dashboard.ui.data import Workspace, _full_view, _policy, _store

__all__ = ["EXPORT_FORMATS", "ExportFile", "cli_command", "export_file", "export_scopes"]

EXPORT_FORMATS = (*FORMATS, "cyclonedx")
MEDIA_TYPES = {name: media for name, (_, _, media) in FORMATS.items()} | {
    "cyclonedx": "application/vnd.cyclonedx+json"
}


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    media_type: str
    sha256: str


def export_scopes(ws: Workspace) -> list[str]:
    """The ``--scope`` values the signed-in user may export (read from the whole store,
    returned as names only)."""
    return _scopes(ws.settings.store, ws.revision, ws.access.model_dump_json())


@st.cache_resource(max_entries=16, show_spinner=False)
def _scopes(store: str, revision: str, access_json: str) -> list[str]:
    return allowed_export_scopes(
        _full_view(store, revision), Access.model_validate_json(access_json)
    )


@dataclass(frozen=True)
class _Request:
    """Everything the file depends on (and so the cache key), the clock apart."""

    store: str
    revision: str
    policy_key: str
    scope: str
    fmt: str
    min_cohort: int


def export_file(
    ws: Workspace, scope: str, fmt: str, on_stage: Callable[[str], None] | None = None
) -> ExportFile:
    """The file ``riskgraph report --scope SCOPE --format FMT`` writes; ``scope`` must be
    one of :func:`export_scopes`. Cached per store revision when the clock is fixed."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    request = _Request(
        ws.settings.store, ws.revision, ws.policy_key, scope, fmt, ws.settings.min_cohort
    )
    if epoch.isdigit():
        return _cached_export(request, epoch, on_stage)
    return _export(request, on_stage)


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached_export(
    request: _Request, epoch: str, _on_stage: Callable[[str], None] | None
) -> ExportFile:
    del epoch  # the cache key: the clock the report is stamped with
    return _export(request, _on_stage)


def _export(request: _Request, on_stage: Callable[[str], None] | None) -> ExportFile:
    report_scope = parse_scope(request.scope)
    name = export_file_name(request.scope, request.fmt)
    with _store(request.store) as s:
        if request.fmt == "cyclonedx":
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / name
                write_cyclonedx(s, report_scope, out, clock=clock_from_env())
                data = out.read_bytes()
        else:
            report = build_report(
                s,
                report_scope,
                policy=_policy(request.policy_key),
                clock=clock_from_env(),
                options=ReportOptions(min_cohort=request.min_cohort),
                view=_full_view(request.store, request.revision),
                on_stage=on_stage,
            )
            data = render_report(report, request.fmt)
    return ExportFile(name, data, MEDIA_TYPES[request.fmt], hashlib.sha256(data).hexdigest())


def cli_command(ws: Workspace, scope: str, fmt: str) -> str:
    """The ``riskgraph report`` command that writes the same file."""
    parts = ["riskgraph", "--store", ws.settings.store, "report", "--scope", scope]
    parts += ["--format", fmt, "--out", export_file_name(scope, fmt)]
    if ws.settings.policy_file is not None:
        parts += ["--policy", str(ws.settings.policy_file)]
    if ws.settings.min_cohort != ReportOptions().min_cohort:
        parts += ["--min-cohort", str(ws.settings.min_cohort)]
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    prefix = f"SOURCE_DATE_EPOCH={epoch} " if epoch.isdigit() else ""
    return prefix + shlex.join(parts)
