"""Operator rings protect a host group only when every product bringing the failure in does.

A host group runs two products that both contain the component a channel updates; the
operator deferred (own ring), pinned, or declined the channel for one product only. The
other product still brings the bad update in, so the group is hit, whichever product the
search meets first. Both engines (networkx reference and snapshot kernel) are checked
against counts taken from the fixture.
"""

from __future__ import annotations

import pytest

from graph.model import ProductRing
from graph.risk.blast import blast_radius
from graph.risk.fastblast import fast_blast_radius
from graph.risk.policy import Policy
from graph.risk.snapshot import build_snapshot
from graph.risk.subject import Subject
from graph.vocabulary import ChannelKind, CustomerDeferral, EdgeKind, Privilege
from tests.graph.risk.builders import Estate

# hosts of each group in the fixture below
BOTH_PRODUCTS = 40  # runs the protected product and the unprotected one: hit
PROTECTED_ONLY = 7  # runs only the protected product: escapes

_RINGS = {
    "own ring": lambda p: ProductRing(product=p, ring=1),
    "pin": lambda p: ProductRing(product=p, pinned_version="7.10"),
    "takes other channels": lambda p: ProductRing(product=p, takes_channels=("channel:other",)),
}


def _estate(protection: str, protected_first: bool, nested: bool) -> tuple[Estate, str, str]:
    e = Estate("rings")
    vendor = e.vendor("acme")
    integrator = e.vendor("integrator")  # supplies the products: a vendor failure is the channel
    operator = e.operator("airport")
    core = e.component("core-driver", privilege=Privilege.KERNEL)
    # the unprotected product reaches the component directly or one level down
    via = e.component("loader") if nested else core
    if nested:
        e.link(via, EdgeKind.CONTAINS, core)
    names = ("aa-protected", "zz-open") if protected_first else ("zz-protected", "aa-open")
    protected = e.product(names[0], integrator, contains=(core,))
    open_ = e.product(names[1], integrator, contains=(via,))
    channel = e.channel(
        "acme-code",
        updates=(core,),
        channel_kind=ChannelKind.CODE,
        privilege=Privilege.KERNEL,
        rollout_stages=1,
        customer_deferral=CustomerDeferral.CHANNEL,
        customer_pin_versions=1,
    )
    e.link(channel, EdgeKind.OPERATED_BY, vendor)
    ring = _RINGS[protection](protected)
    e.host_group(operator, "both", BOTH_PRODUCTS, runs=(protected, open_), rings=(ring,))
    e.host_group(operator, "protected-only", PROTECTED_ONLY, runs=(protected,), rings=(ring,))
    return e, channel, vendor


@pytest.mark.parametrize("protection", sorted(_RINGS))
@pytest.mark.parametrize("protected_first", [True, False])
@pytest.mark.parametrize("nested", [False, True])
def test_a_group_reached_through_an_unprotected_product_is_hit(
    protection: str, protected_first: bool, nested: bool
) -> None:
    e, channel, vendor = _estate(protection, protected_first, nested)
    view = e.view()
    snap = build_snapshot(view)
    for subject in (Subject(kind="channel", ref=channel), Subject(kind="vendor", ref=vendor)):
        ref = blast_radius(view, subject)
        fast = fast_blast_radius(snap, subject.ref)
        # a kernel-level failure takes the online share of the group's hosts down
        expected = round(BOTH_PRODUCTS * Policy().online_fraction)
        assert ref.hosts_down == fast.hosts_down == expected > 0, (protection, subject.kind)
        by_group = {g.name: g for g in ref.host_groups}
        assert by_group["both"].protected_by is None
        assert by_group["both"].hosts_down == expected
        assert by_group["protected-only"].protected_by is not None
        assert by_group["protected-only"].hosts_down == 0
        assert fast.operators == [("operator:airport", expected, 0, 0)]
