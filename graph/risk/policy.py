"""Every tunable number the risk engine uses, with where it comes from.

Numbers marked *project policy* are this project's choices, informed by the sources in
shared/domain/ (incident-facts.md, controls.md, concentration.md); none of them is a
regulatory requirement. Override any field with ``--policy FILE.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.risk.concentration_models import ConcentrationPolicy
from graph.risk.controls.base import ControlsPolicy
from graph.risk.exposure import OnlinePolicy
from graph.risk.rollout import RolloutOverride
from graph.vocabulary import HealthGate

__all__ = ["Policy", "PolicyError", "RecoveryPolicy", "load_policy"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RecoveryPolicy(_Frozen):
    """Recovery-time model (project policy, calibrated on incident-facts.md §1 and §3)."""

    minutes_per_host: float = Field(
        20.0,
        description="Hands-on minutes to boot into safe mode/WinRE and remove the bad content "
        "(CrowdStrike remediation: delete C-00000291*.sys).",
    )
    key_lookup_minutes: float = Field(
        10.0, description="Extra minutes per encrypted host to retrieve and type a recovery key."
    )
    reimage_minutes: float = Field(
        120.0, description="Minutes per encrypted host whose recovery key is not escrowed."
    )
    travel_minutes: float = Field(
        10.0,
        description="Extra minutes per host without out-of-band console (walking to it).",
    )
    cloud_rescue_minutes: float = Field(
        60.0,
        description="Minutes per cloud VM without console or runbook (detach volume to a "
        "rescue VM, repair, reattach).",
    )
    cloud_runbook_minutes: float = Field(
        15.0, description="Minutes per cloud VM with a tested rescue runbook (automated)."
    )
    firmware_minutes: float = Field(
        90.0, description="Minutes per host to reflash or roll back firmware by hand."
    )
    escrow_outage_hours: float = Field(
        6.0,
        description="Hours before keys are retrievable when the key escrow itself runs on "
        "the failed platform (inferred dependency, incident-facts.md §1).",
    )
    automatic_recovery_hours: float = Field(
        2.0,
        description="Hours for hosts that recover without hands (reboot after the vendor "
        "reverts; CrowdStrike reverted 78 min after the push).",
    )
    reboot_self_recovery_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of crash-looping hosts that win the reboot race and fetch the fixed "
        "content themselves. 0 by default (conservative); the PIR reports some did.",
    )
    technicians_per_1000_hosts: float = Field(
        5.0, description="Technicians assumed when a host group declares none."
    )


class Policy(_Frozen):
    """All policy parameters of the risk engine."""

    version: str = Field("2026.11", description="Ruleset/policy version, printed in reports.")
    online_fraction: float = Field(
        1.0, ge=0, le=1, description="Share of hosts online during the exposure window."
    )
    window_hours: float = Field(
        78 / 60,
        gt=0,
        description="Hours from push to revert (CrowdStrike 19 Jul 2024: 04:09-05:27 UTC).",
    )
    detect_hours: float = Field(
        0.25,
        ge=0,
        description="Hours an automatic health gate needs to detect crashes and halt "
        "(project policy).",
    )
    function_lost_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="A function is lost when at least this share of its hosts is down "
        "(project policy).",
    )
    recovery: RecoveryPolicy = RecoveryPolicy()
    online: OnlinePolicy = OnlinePolicy()
    concentration: ConcentrationPolicy = ConcentrationPolicy()
    controls: ControlsPolicy = ControlsPolicy()
    remedy: RolloutOverride = Field(
        RolloutOverride(
            rollout_stages=4,
            canary_share=0.01,
            bake_time_hours=1.0,
            health_gate=HealthGate.AUTOMATIC,
            auto_halt=True,
        ),
        description="The rollout a rollout-control finding's remediation is simulated with "
        "(project policy: CISA SSD phased rollout with a 1% canary and automatic halt).",
    )


class PolicyError(Exception):
    """A policy file that cannot be used; ``str()`` is the user-facing line."""


def load_policy(path: Path | None) -> Policy:
    """The default policy, or the default overridden by the fields in ``path`` (YAML)."""
    if path is None:
        return Policy()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except OSError as e:
        raise PolicyError(f"{path}: cannot read policy ({e.strerror or e})") from e
    except yaml.YAMLError as e:
        raise PolicyError(f"{path}: not valid YAML") from e
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy file is a YAML mapping of fields to values")
    try:
        return Policy.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyError(f"{path}: {where}: {first['msg']}") from e
