"""The contract every input format implements, and the errors ingest raises.

A format module exposes ``parse(raw, payload) -> ParsedDocument``, and may expose
``load`` with the same arguments returning :class:`graph.records.DocumentRecords` (storage
rows, the store's fast path; see :mod:`ingest.pipeline`). ``raw`` is the file's
bytes with their identity; ``payload`` is what content detection already decoded (a dict
for JSON/YAML, an Element for XML, text for tag-value), so nothing is parsed twice.
Problems that leave the document usable become :class:`DataQualityFinding` records;
problems that make it unusable raise :class:`Refused` with a one-line reason.
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from graph.model import DataQualityFinding, ParsedDocument, Provenance
from graph.vocabulary import DocumentFormat, Severity

__all__ = [
    "FindingSink",
    "FormatParser",
    "IngestError",
    "RawDocument",
    "Refused",
    "document_id_for",
]


class IngestError(Exception):
    """Root of ingest errors; ``str()`` is the user-facing line ``"{path}: reason"``."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class Refused(IngestError):
    """The file cannot be ingested at all; nothing from it reaches the store."""


def document_id_for(sha256: str) -> str:
    """Stable document id derived from the content hash."""
    return f"doc-{sha256[:16]}"


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A file's bytes and identity, read once."""

    path: str
    data: bytes
    sha256: str

    @classmethod
    def of(cls, path: str, data: bytes) -> RawDocument:
        """Wrap bytes that were obtained elsewhere (an upload, a test)."""
        return cls(path, data, hashlib.sha256(data).hexdigest())

    @property
    def document_id(self) -> str:
        return document_id_for(self.sha256)

    def provenance(self, location: str | None = None) -> Provenance:
        """Provenance for a record found at ``location`` in this document."""
        return Provenance(document_id=self.document_id, sha256=self.sha256, location=location)

    def refuse(self, reason: str) -> Refused:
        return Refused(self.path, reason)

    @classmethod
    def read(cls, path: Path, max_bytes: int) -> RawDocument:
        """Read ``path`` whole, refusing files over ``max_bytes`` before reading them."""
        shown = str(path)
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise Refused(shown, "not a regular file")
            size = info.st_size
            if size > max_bytes:
                raise Refused(shown, f"file is {size:,} bytes, over the {max_bytes:,}-byte cap")
            data = path.read_bytes()
        except PermissionError as e:
            raise Refused(shown, "permission denied") from e
        except IsADirectoryError as e:
            raise Refused(shown, "is a directory") from e
        except FileNotFoundError as e:
            reason = "broken symbolic link" if path.is_symlink() else "no such file"
            raise Refused(shown, reason) from e
        except OSError as e:
            raise Refused(shown, f"cannot read: {e.strerror or e}") from e
        if len(data) > max_bytes:  # grew while we looked
            raise Refused(shown, f"file is over the {max_bytes:,}-byte cap")
        return cls.of(shown, data)


class FindingSink:
    """Collects a document's data-quality findings, capping repeats of one code."""

    def __init__(self, document_id: str, per_code_limit: int = 50) -> None:
        self.document_id = document_id
        self._limit = per_code_limit
        self._findings: list[DataQualityFinding] = []
        self._counts: dict[str, int] = {}

    def add(self, severity: Severity, code: str, message: str, location: str | None = None) -> None:
        n = self._counts.get(code, 0) + 1
        self._counts[code] = n
        if n <= self._limit:
            self._findings.append(
                DataQualityFinding(
                    document_id=self.document_id,
                    severity=severity,
                    code=code,
                    message=message,
                    location=location,
                )
            )

    def result(self) -> tuple[DataQualityFinding, ...]:
        """Findings in a stable order, with one summary line per capped code."""
        out = list(self._findings)
        for code, n in self._counts.items():
            if n > self._limit:
                out.append(
                    DataQualityFinding(
                        document_id=self.document_id,
                        severity=Severity.INFO,
                        code=code,
                        message=f"{n - self._limit} more {code} findings not listed",
                    )
                )
        return tuple(out)


class FormatParser(Protocol):
    """What each ``ingest/<format>.py`` module provides."""

    def __call__(self, raw: RawDocument, fmt: DocumentFormat, payload: Any) -> ParsedDocument: ...
