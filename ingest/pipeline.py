"""Files in, :class:`ParsedDocument` or a one-line refusal out.

The pipeline walks paths, reads each file once under a size cap, detects its format
from the content and hands it to the format's parser. It never touches a store.
``load_file`` / ``load_raw`` are what a store ingest calls: a format with a fast path
(a module-level ``load``, CycloneDX) returns :class:`graph.records.DocumentRecords`,
storage rows without a pydantic object per record; ``parse_*`` always return
:class:`ParsedDocument`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.gcpause import paused_gc
from graph.model import ParsedDocument
from graph.records import DocumentRecords
from graph.vocabulary import DocumentFormat
from ingest.detect import detect
from ingest.source import IngestError, RawDocument, Refused

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Candidate",
    "Loaded",
    "collect",
    "load_file",
    "load_raw",
    "parse_file",
    "parse_raw",
    "paused_gc",
]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024

Loaded = ParsedDocument | DocumentRecords
"""What a store takes: pydantic records, or storage rows from a format's fast path."""
FormatLoader = Callable[[RawDocument, DocumentFormat, Any], Loaded]

_PARSERS: dict[DocumentFormat, str] = {
    DocumentFormat.CYCLONEDX_JSON: "ingest.cyclonedx",
    DocumentFormat.CYCLONEDX_XML: "ingest.cyclonedx",
    DocumentFormat.SPDX_JSON: "ingest.spdx",
    DocumentFormat.SPDX_YAML: "ingest.spdx",
    DocumentFormat.SPDX_XML: "ingest.spdx",
    DocumentFormat.SPDX_RDF: "ingest.spdx",
    DocumentFormat.SPDX_TAG_VALUE: "ingest.spdx",
    DocumentFormat.SPDX3_JSONLD: "ingest.spdx3",
    DocumentFormat.INVENTORY_YAML: "ingest.inventory",
    DocumentFormat.INVENTORY_CSV: "ingest.inventory",
    DocumentFormat.CHANNELS_YAML: "ingest.channels",
    DocumentFormat.VENDOR_ALIASES_YAML: "ingest.vendor_aliases",
}

# Directory walks skip what is evidently documentation, never a document to ingest.
_SKIPPED_NAMES = frozenset({"readme", "readme.md", "readme.txt", "license", "notice"})
_SKIPPED_SUFFIXES = frozenset({".md", ".rst", ".license"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to ingest, or the refusal met while finding it."""

    path: Path
    refusal: Refused | None = None


def collect(paths: Sequence[Path]) -> list[Candidate]:
    """Expand files and directories (recursively, sorted) into candidates."""
    out: list[Candidate] = []
    for path in paths:
        if path.is_dir():
            out.extend(_walk(path))
        elif path.exists() or path.is_symlink():
            out.append(Candidate(path))
        else:
            out.append(Candidate(path, Refused(str(path), "no such file or directory")))
    return out


def _walk(root: Path) -> Iterator[Candidate]:
    errors: list[OSError] = []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            lower = name.lower()
            if name.startswith(".") or lower in _SKIPPED_NAMES:
                continue
            if Path(lower).suffix in _SKIPPED_SUFFIXES:
                continue
            found.append(Path(dirpath) / name)
    for error in errors:
        where = error.filename or str(root)
        yield Candidate(
            Path(where), Refused(str(where), f"cannot read directory: {error.strerror}")
        )
    for path in sorted(found):
        yield Candidate(path)


def parse_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Read, detect and parse one file; raises :class:`IngestError`."""
    return parse_raw(RawDocument.read(path, max_bytes))


def load_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """:func:`parse_file` for a store: storage rows where the format has a fast path."""
    return load_raw(RawDocument.read(path, max_bytes))


def parse_raw(raw: RawDocument) -> ParsedDocument:
    """Detect and parse bytes already read; raises :class:`IngestError`."""
    loaded = load_raw(raw)
    if isinstance(loaded, DocumentRecords):
        with paused_gc():
            return loaded.parsed()
    return loaded


def load_raw(raw: RawDocument) -> Loaded:
    """:func:`parse_raw` for a store: storage rows where the format has a fast path."""
    with paused_gc():
        return _load_raw(raw)


def _load_raw(raw: RawDocument) -> Loaded:
    detected = detect(raw)
    parser = _parser_for(raw, detected.format)
    try:
        return parser(raw, detected.format, detected.payload)
    except IngestError:
        raise
    except RecursionError as e:
        raise raw.refuse("document nests too deeply to process") from e
    except Exception as e:  # a parser bug must still end in one line, not a traceback
        raise raw.refuse(
            f"internal error while reading {detected.format.value} "
            f"({type(e).__name__}: {e}); please report this file"
        ) from e


def _parser_for(raw: RawDocument, fmt: DocumentFormat) -> FormatLoader:
    module_name = _PARSERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        raise raw.refuse(f"{fmt.value} documents are not supported yet") from e
    parser: FormatLoader = getattr(module, "load", module.parse)
    return parser
