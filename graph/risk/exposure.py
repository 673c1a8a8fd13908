"""Which share of a host group is online when a bad push goes out.

Without a push time every group uses the policy's flat ``online_fraction``. With one, the
share depends on the group's environment and the local hour in its operator's first
jurisdiction: at 04:09 UTC (19 July 2024) it was night in the Americas and daytime in
Asia-Pacific, so office endpoints there were off and servers were not.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from graph.vocabulary import Environment

__all__ = ["OnlinePolicy", "online_share"]

# Jurisdiction (ISO 3166 alpha-2) -> a representative IANA time zone.
_ZONES = {
    "AT": "Europe/Vienna",
    "AU": "Australia/Sydney",
    "BE": "Europe/Brussels",
    "CA": "America/Toronto",
    "CH": "Europe/Zurich",
    "CN": "Asia/Shanghai",
    "DE": "Europe/Berlin",
    "DK": "Europe/Copenhagen",
    "ES": "Europe/Madrid",
    "FI": "Europe/Helsinki",
    "FR": "Europe/Paris",
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "IN": "Asia/Kolkata",
    "IT": "Europe/Rome",
    "JP": "Asia/Tokyo",
    "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo",
    "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon",
    "SE": "Europe/Stockholm",
    "SG": "Asia/Singapore",
    "UK": "Europe/London",
    "US": "America/New_York",
}


class OnlinePolicy(BaseModel):
    """Share of hosts online by environment, in working hours and outside them
    (project policy; servers, kiosks, OT and cloud VMs run around the clock)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    day_start_hour: int = Field(7, ge=0, le=23)
    day_end_hour: int = Field(19, ge=1, le=24)
    day: dict[str, float] = Field(
        default_factory=lambda: {e.value: 1.0 for e in Environment} | {"endpoint": 0.9}
    )
    night: dict[str, float] = Field(
        default_factory=lambda: {e.value: 1.0 for e in Environment} | {"endpoint": 0.25}
    )


def online_share(
    group: Mapping[str, object],
    jurisdictions: tuple[str, ...],
    push_time: datetime,
    policy: OnlinePolicy,
) -> float:
    """Online share of ``group`` at ``push_time`` (an aware datetime)."""
    zone = _zone(jurisdictions)
    hour = push_time.astimezone(zone).hour if zone else push_time.hour
    daytime = policy.day_start_hour <= hour < policy.day_end_hour
    table = policy.day if daytime else policy.night
    return float(table.get(str(group.get("environment")), 1.0))


def _zone(jurisdictions: tuple[str, ...]) -> ZoneInfo | None:
    for code in jurisdictions:
        name = _ZONES.get(code.upper())
        if name:
            try:
                return ZoneInfo(name)
            except ZoneInfoNotFoundError:  # no tz database: fall back to UTC hours
                return None
    return None
