"""How much of an installed base a bad push reaches before it is halted or reverted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.vocabulary import HealthGate

__all__ = ["RolloutOverride", "RolloutReach", "rollout_reach"]


class RolloutOverride(BaseModel):
    """A hypothetical rollout for a channel ("what if it had a 1% canary ...")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rollout_stages: int | None = Field(None, ge=1)
    canary_share: float | None = Field(None, ge=0, le=1)
    bake_time_hours: float | None = Field(None, ge=0)
    health_gate: HealthGate | None = None
    auto_halt: bool | None = None

    def apply(self, channel: Mapping[str, Any]) -> dict[str, Any]:
        """The channel's attributes with this override's declared fields replacing them."""
        merged = dict(channel)
        merged.update(self.model_dump(exclude_none=True))
        return merged


class RolloutReach(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fraction: float = Field(description="Share of online exposed hosts the push reaches.")
    explanation: str
    unknowns: tuple[str, ...] = ()


def rollout_reach(
    channel: Mapping[str, Any], *, window_hours: float, detect_hours: float
) -> RolloutReach:
    """Share of the exposed base hit before an automatic halt or the vendor's revert.

    One stage (or undeclared staging) reaches everyone online. With an automatic health
    gate and halt, the push stops in its first stage (canary share, else 1/stages). Without
    one, every stage that starts before the revert (``window_hours``) is hit; stage ``k``
    starts after ``k`` bake times, stage sizes grow from the canary share to the whole base.
    Undeclared facts are taken at their worst and listed in ``unknowns``.
    """
    unknowns: list[str] = []
    stages = channel.get("rollout_stages")
    if stages is None:
        unknowns.append("rollout_stages")
    if not stages or stages <= 1:
        return RolloutReach(
            fraction=1.0,
            explanation="single-stage push reaches every online host",
            unknowns=tuple(unknowns),
        )
    canary = channel.get("canary_share")
    if canary is None:
        unknowns.append("canary_share")
        canary = 1.0 / stages
    gate = channel.get("health_gate")
    halt = channel.get("auto_halt")
    if gate is None:
        unknowns.append("health_gate")
    if halt is None:
        unknowns.append("auto_halt")
    bake = channel.get("bake_time_hours")
    if bake is None:
        unknowns.append("bake_time_hours")
        bake = 0.0
    halts = gate == HealthGate.AUTOMATIC.value and bool(halt)
    horizon = detect_hours if halts else window_hours
    # stage sizes: canary, then geometric growth to the whole base over the remaining stages
    cumulative = [canary if canary > 0 else 0.0]
    for k in range(1, stages):
        cumulative.append(canary ** (1 - k / (stages - 1)) if canary > 0 else 1.0)
    cumulative[-1] = 1.0
    reached = min(stages, 1 + int(horizon // bake)) if bake > 0 else stages
    fraction = cumulative[reached - 1]
    stopper = (
        f"the automatic health gate halts at {horizon:g} h"
        if halts
        else f"the vendor reverts at {horizon:.2f} h"
    )
    return RolloutReach(
        fraction=fraction,
        explanation=(
            f"{reached} of {stages} stages start before {stopper} (bake {bake:g} h): "
            f"{fraction:.1%} of online hosts reached"
        ),
        unknowns=tuple(unknowns),
    )
