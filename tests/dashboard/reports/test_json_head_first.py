"""The JSON file begun while the seal's hash is computed (:class:`HeadFirst`) is the file
the serial path writes, whether the head was written, taken by another path or not kept."""

from __future__ import annotations

from pathlib import Path

from dashboard.reports import Report, write_report
from dashboard.reports.integrity import seal
from dashboard.reports.json_report import HeadFirst, keep_rendered, render_json
from dashboard.reports.model import Integrity
from dashboard.reports.sealjson import seal_with_json


def _unsealed(report: Report) -> Report:
    return report.model_copy(update={"integrity": Integrity(body_sha256="")})


def _begun(report: Report, out: Path) -> tuple[Report, HeadFirst]:
    started = HeadFirst(out)
    sealed, pieces = seal_with_json(_unsealed(report), early=started.write)
    assert started.head is pieces[0]  # the head written is the file's
    assert started.temporary.read_bytes() == bytes(pieces[0])
    assert not out.exists()
    keep_rendered(sealed, pieces, started)
    return sealed, started


def test_a_begun_file_is_the_serial_file(report_all: Report, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    sealed, started = _begun(report_all, out)
    write_report(sealed, "json", out)
    assert out.read_bytes() == render_json(seal(_unsealed(report_all)))
    assert not started.temporary.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_begun_file_for_another_path_is_dropped(report_all: Report, tmp_path: Path) -> None:
    sealed, started = _begun(report_all, tmp_path / "meant.json")
    other = tmp_path / "other.json"
    write_report(sealed, "json", other)
    assert other.read_bytes() == render_json(seal(_unsealed(report_all)))
    assert not started.temporary.exists()
    assert not (tmp_path / "meant.json").exists()


def test_a_rendering_taken_as_bytes_drops_the_begun_file(
    report_all: Report, tmp_path: Path
) -> None:
    sealed, started = _begun(report_all, tmp_path / "report.json")
    assert render_json(sealed) == render_json(seal(_unsealed(report_all)))
    assert not started.temporary.exists()


def test_a_head_that_cannot_be_written_is_written_with_the_rest(
    report_all: Report, tmp_path: Path
) -> None:
    out = tmp_path / "missing" / "report.json"
    started = HeadFirst(out)
    sealed, pieces = seal_with_json(_unsealed(report_all), early=started.write)
    assert started.head is None
    keep_rendered(sealed, pieces, started)
    out.parent.mkdir()
    write_report(sealed, "json", out)
    assert out.read_bytes() == render_json(seal(_unsealed(report_all)))
