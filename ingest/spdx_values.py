"""Lenient reading of SPDX values, and how each repair is reported.

Every reader (SPDX 2 in any syntax, SPDX 3) reads timestamps, actors, package purposes
and checksums through these functions, so a deviation is repaired and worded the same
way whatever the input.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from graph.model import Hash
from graph.vocabulary import ComponentType, Severity
from ingest.source import FindingSink

__all__ = [
    "INFO",
    "NO_VALUE",
    "WARNING",
    "Actor",
    "Locator",
    "Tally",
    "component_type_of",
    "json_pointer",
    "make_hash",
    "parse_actor",
    "parse_timestamp",
    "text_of",
]

WARNING = Severity.MEDIUM
"""A deviation from the spec (``--strict`` refuses documents that have one)."""
INFO = Severity.INFO
"""Something not mapped by design, counted so that nothing disappears silently."""

NO_VALUE = frozenset({"NOASSERTION", "NONE", ""})
"""SPDX's explicit 'unknown' / 'nothing' values: not data, never a finding."""


class Locator(Protocol):
    """Where a part of the source is: ``locate("packages", 3, "supplier")``.

    ``section`` is a top-level key; ``index`` picks an entry of a list section and
    ``key`` a field inside it (or inside a mapping section such as ``creationInfo``).
    """

    def __call__(
        self, section: str, index: int | None = None, key: str | None = None
    ) -> str | None: ...


def json_pointer(section: str, index: int | None = None, key: str | None = None) -> str:
    """The RFC 6901 pointer of a part of a JSON (or YAML) document."""
    pointer = "/" + _escape(section) + (f"/{index}" if index is not None else "")
    return pointer + "/" + _escape(key) if key else pointer


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1") if "~" in part or "/" in part else part


class Tally:
    """Counts one repeated finding (same code and text) and reports it once, with a count."""

    def __init__(self, sink: FindingSink) -> None:
        self._sink = sink
        self._seen: dict[tuple[Severity, str, str], tuple[int, str | None]] = {}

    def add(self, severity: Severity, code: str, message: str, location: str | None) -> None:
        count, first = self._seen.get((severity, code, message), (0, location))
        self._seen[(severity, code, message)] = (count + 1, first)

    def flush(self) -> None:
        for (severity, code, message), (count, first) in self._seen.items():
            suffix = f" ({count} times, first shown)" if count > 1 else ""
            self._sink.add(severity, code, message + suffix, first)
        self._seen.clear()


_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def text_of(value: Any) -> str | None:
    """A scalar as stripped text (numbers included); None for absent, empty or non-scalars."""
    if type(value) is str:  # the hot path: most values are already strings
        return value.strip() or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    return None


def parse_timestamp(
    value: Any, sink: FindingSink, location: str | None, what: str = "created"
) -> datetime | None:
    """Read an SPDX timestamp leniently, recording every repair as a finding."""
    if isinstance(value, datetime):  # YAML loaders decode unquoted timestamps themselves
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        sink.add(WARNING, "DQ-SPDX-TIMESTAMP", f"{what} is a date without a time", location)
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = value.strip() if isinstance(value, str) else None
    match = _TIMESTAMP.match(text) if text else None
    if match is None:
        sink.add(
            WARNING,
            "DQ-SPDX-TIMESTAMP",
            f"{what} {value!r} is not a timestamp (YYYY-MM-DDThh:mm:ssZ); ignored",
            location,
        )
        return None
    day, clock, fraction, zone = match.groups()
    repairs = []
    if fraction is not None:
        repairs.append("has fractional seconds")
    if zone is None:
        repairs.append("has no time zone (read as UTC)")
    elif zone.upper() != "Z":
        repairs.append("has a UTC offset instead of 'Z'")
    iso = f"{day}T{clock}" + (f".{fraction[:6].ljust(6, '0')}" if fraction else "")
    zone_text = "+00:00" if zone is None or zone.upper() == "Z" else zone
    if len(zone_text) == 5:  # +hhmm
        zone_text = f"{zone_text[:3]}:{zone_text[3:]}"
    try:
        parsed = datetime.fromisoformat(iso + zone_text)
    except ValueError:
        sink.add(
            WARNING, "DQ-SPDX-TIMESTAMP", f"{what} {text!r} is not a valid date; ignored", location
        )
        return None
    if repairs:
        sink.add(
            WARNING,
            "DQ-SPDX-TIMESTAMP",
            f"{what} {text!r} {' and '.join(repairs)}; SPDX requires YYYY-MM-DDThh:mm:ssZ",
            location,
        )
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Actor:
    """A supplier / originator / creator: ``Organization: Acme (ops@acme.example)``."""

    kind: str  # organization | person | tool | unknown
    name: str


_ACTOR_PREFIX = re.compile(r"^\s*(organization|person|tool)\s*:\s*", re.IGNORECASE)
_CONTACT = re.compile(r"\s*[<(][^<>()]*[>)]\s*$")


@functools.lru_cache(maxsize=4096)
def parse_actor(text: str) -> tuple[Actor | None, bool]:
    """The actor named by ``text`` and whether it carried a type prefix.

    Returns ``(None, True)`` for NOASSERTION / an empty name.
    """
    match = _ACTOR_PREFIX.match(text)
    kind = match.group(1).lower() if match else "unknown"
    name = text[match.end() :] if match else text
    previous = None
    while previous != name:  # "Jane (jane@x) <j@y>": strip every trailing contact
        previous = name
        name = _CONTACT.sub("", name).strip()
    if name.upper() in NO_VALUE:
        return None, True
    return Actor(kind, name), match is not None


_PURPOSE_ALIASES = {
    "model": ComponentType.MACHINE_LEARNING_MODEL,
    "executable": ComponentType.APPLICATION,
}
_COMPONENT_TYPES = {t.value: t for t in ComponentType}
# SPDX 3 software purposes that have no ComponentType of their own
_OTHER_PURPOSES = frozenset(
    {
        "bom", "configuration", "disk-image", "documentation", "evidence", "filesystem-image",
        "manifest", "module", "patch", "requirement", "specification", "test",
    }
)  # fmt: skip


def component_type_of(value: Any, sink: FindingSink, location: str | None) -> ComponentType | None:
    """``OPERATING-SYSTEM`` / ``operatingSystem`` / ``operating_system`` -> operating-system."""
    text = text_of(value)
    if text is None:
        return None
    slug = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text).replace("_", "-").lower()
    found = _COMPONENT_TYPES.get(slug) or _PURPOSE_ALIASES.get(slug)
    if found is not None:
        return found
    if slug in _OTHER_PURPOSES:
        return ComponentType.OTHER
    sink.add(WARNING, "DQ-SPDX-FIELD", f"unknown package purpose {text!r}; ignored", location)
    return None


_HASH_NAMES = {"SHA1": "SHA-1", "SHA224": "SHA-224", "SHA256": "SHA-256", "SHA384": "SHA-384"}
_HASH_NAMES["SHA512"] = "SHA-512"


def make_hash(algorithm: Any, value: Any) -> Hash | None:
    """SPDX ``SHA256`` / ``sha256`` -> ``SHA-256`` (the CycloneDX spelling), value lower-case."""
    alg, val = text_of(algorithm), text_of(value)
    if alg is None or val is None:
        return None
    upper = alg.upper().replace("_", "-")
    return Hash(algorithm=_HASH_NAMES.get(upper.replace("-", ""), upper), value=val.lower())
