"""Tri-state judgements of single channel controls, shared by rules and concentration.

``True`` = in place, ``False`` = declared absent, ``None`` = undeclared. A placeholder
channel (``None``) is undeclared throughout.
"""

from __future__ import annotations

from graph.model import UpdateChannelNode
from graph.risk.controls.base import ControlsPolicy, Tristate, at_least
from graph.vocabulary import ChannelKind, CustomerDeferral

__all__ = ["customer_control", "staged_rollout"]

_CODE_KINDS = frozenset({ChannelKind.CODE, ChannelKind.DRIVER})


def staged_rollout(channel: UpdateChannelNode | None, policy: ControlsPolicy) -> Tristate:
    """KG-SR-01: ``rollout_stages >= policy.min_rollout_stages``."""
    if channel is None:
        return None
    return at_least(channel.rollout_stages, policy.min_rollout_stages)


def customer_control(channel: UpdateChannelNode | None, policy: ControlsPolicy) -> Tristate:
    """KG-CC-01: the customer can defer this channel and pin at least N-1.

    ``sensor-only`` deferral counts for code and driver channels (it defers exactly what
    they ship), never for content.
    """
    if channel is None or channel.customer_deferral is None:
        return None
    deferral = channel.customer_deferral
    if deferral is CustomerDeferral.SENSOR_ONLY:
        if channel.channel_kind is None:
            return None
        if channel.channel_kind not in _CODE_KINDS:
            return False
    elif deferral is not CustomerDeferral.CHANNEL:
        return False
    return at_least(channel.customer_pin_versions, policy.min_customer_pin_versions)
