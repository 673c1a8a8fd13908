"""Every bad input is refused with one line naming the file; the store is untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ASSETS, REPO

BAD = ASSETS / "bad"

CASES = [
    ("empty.json", "empty file"),
    ("garbage.bin", "binary content, not a text document"),
    ("utf16-garbage.txt", "binary content, not a text document"),
    ("truncated.json", "invalid JSON: unexpected end of data"),
    ("truncated.xml", "invalid XML: no element found: line 4"),
    ("toplevel-array.json", "JSON top level is an array, expected an object"),
    ("toplevel-string.json", "JSON top level is a string, expected an object"),
    (
        "not-an-sbom.json",
        "not a CycloneDX, SPDX or riskgraph document (JSON object with keys: hello, items)",
    ),
    ("not-an-sbom.xml", "XML root <html> is not a CycloneDX or SPDX document"),
    ("xxe.xml", "XML declares external entity 'secret' (refused: XXE risk)"),
    ("billion-laughs.xml", "XML declares entity 'lol' (refused: entity-expansion risk)"),
    ("broken.yaml", "not JSON, XML, SPDX tag-value or valid YAML"),
]


@pytest.mark.parametrize(("name", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_with_one_line(cli, name: str, reason: str) -> None:
    path = BAD / name
    before = cli("stats", "--format", "json").json()
    result = cli("ingest", str(path))
    assert result.code == 1
    lines = [line.strip() for line in result.out.splitlines() if str(path) in line]
    assert lines == [f"{path}: {reason}"] or (
        len(lines) == 1 and lines[0].startswith(f"{path}: {reason}")
    )
    assert "Traceback" not in result.out + result.err
    after = cli("stats", "--format", "json").json()
    assert after == before


def test_xxe_never_reads_the_entity(cli, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    doc = (BAD / "xxe.xml").read_text().replace("file:///etc/passwd", secret.as_uri())
    (tmp_path / "x.xml").write_text(doc)
    result = cli("ingest", "--format", "json", str(tmp_path / "x.xml"))
    assert result.code == 1
    assert "TOP-SECRET-VALUE" not in result.out + result.err


def test_size_cap_refuses_before_reading(cli, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b'{"bomFormat": "CycloneDX", "pad": "' + b"x" * 5000 + b'"}')
    result = cli("ingest", "--max-bytes", "1000", str(big))
    assert result.code == 1
    assert f"{big}: file is {big.stat().st_size:,} bytes, over the 1,000-byte cap" in result.out


def test_size_cap_from_environment(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGRAPH_MAX_FILE_BYTES", "10")
    result = cli("validate", str(BAD / "not-an-sbom.json"))
    assert "over the 10-byte cap" in result.out


def test_missing_path_and_fifo_and_broken_link(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    link = tmp_path / "dangling.json"
    link.symlink_to(tmp_path / "nowhere.json")
    result = cli("ingest", str(tmp_path / "missing.json"), str(tmp_path))
    assert result.code == 1
    assert f"{tmp_path / 'missing.json'}: no such file or directory" in result.out
    assert f"{fifo}: not a regular file" in result.out
    assert f"{link}: broken symbolic link" in result.out


def _unprivileged() -> list[str]:
    """A prefix that runs a command as 'nobody' when we are root (root reads anything)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("setpriv (util-linux) is needed to test unreadable files as root")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_directory_with_unreadable_file_and_subdirectory() -> None:
    # pytest's tmp_path is private to root; 'nobody' needs to reach the tree itself
    with tempfile.TemporaryDirectory(prefix="riskgraph-perm-") as top:
        _check_unreadable(Path(top))


def _check_unreadable(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    tree = tmp_path / "tree"
    (tree / "locked").mkdir(parents=True)
    shutil.copy(BAD / "not-an-sbom.json", tree / "readable.json")
    secret = tree / "secret.json"
    secret.write_text("{}")
    secret.chmod(0o000)
    (tree / "locked").chmod(0o000)
    tree.chmod(0o755)
    env = {**os.environ, "HOME": str(tmp_path), "RISKGRAPH_STORE": str(tmp_path / "s.sqlite")}
    proc = subprocess.run(
        [*_unprivileged(), sys.executable, "-m", "dashboard.cli", "validate", str(tree)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert f"{secret}: permission denied" in proc.stdout
    assert f"{tree / 'locked'}: cannot read directory: Permission denied" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
