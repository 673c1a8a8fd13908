"""The what-if panel: change a channel's rollout and see what it would have avoided."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.cli.commands_risk import simulation_rows
from dashboard.ui import data
from dashboard.ui.data import Workspace
from dashboard.ui.tables import table
from graph.risk.rollout import RolloutOverride
from graph.risk.subject import FailureMode
from graph.vocabulary import HealthGate

__all__ = ["what_if_panel"]


def what_if_panel(ws: Workspace, channels: list[str], mode: FailureMode) -> None:
    """Rollout controls for one of ``channels`` and the simulated difference."""
    if not channels:
        st.info("This failure arrives through no update channel: there is no rollout to change.")
        return
    channel = st.selectbox(
        "Channel",
        channels,
        key="whatif-channel",
        format_func=lambda k: str(ws.view.nodes[k].get("name", k)),
    )
    declared = ws.view.nodes[channel]
    with st.form("whatif"):
        c1, c2, c3, c4 = st.columns(4)
        stages = c1.number_input(
            "Rollout stages", 1, 20, int(declared.get("rollout_stages") or 1), key="whatif-stages"
        )
        canary = c2.number_input(
            "Canary share (%)",
            0.0,
            100.0,
            float(declared.get("canary_share") or 1.0) * 100,
            step=0.5,
            key="whatif-canary",
        )
        bake = c3.number_input(
            "Bake time (hours)",
            0.0,
            720.0,
            float(declared.get("bake_time_hours") or 0.0),
            step=0.5,
            key="whatif-bake",
        )
        declared_halt = declared.get("health_gate") == HealthGate.AUTOMATIC.value and bool(
            declared.get("auto_halt")
        )
        halt = c4.toggle("Automatic halt", value=declared_halt, key="whatif-halt")
        run = st.form_submit_button("Simulate", type="primary")
    if not run and "whatif-result" not in st.session_state:
        st.caption("Set a rollout and press Simulate.")
        return
    override = RolloutOverride(
        rollout_stages=int(stages),
        canary_share=float(canary) / 100,
        bake_time_hours=float(bake),
        # without a halt the declared gate stays: only an automatic gate with halt stops a push
        health_gate=HealthGate.AUTOMATIC if halt else None,
        auto_halt=halt,
    )
    if run:
        st.session_state["whatif-result"] = (channel, override.model_dump_json(), mode.value)
    saved_channel, saved_override, saved_mode = st.session_state["whatif-result"]
    if saved_channel != channel or saved_mode != mode.value:
        st.caption("Set a rollout and press Simulate.")
        return
    sim = data.simulation(
        ws, channel, RolloutOverride.model_validate_json(saved_override), FailureMode(saved_mode)
    )
    d, w = sim.declared, sim.what_if
    cols = st.columns(4)
    for col, label, before, after in (
        (cols[0], "Hosts down (what if)", d.hosts_down, w.hosts_down),
        (cols[1], "Hosts degraded (what if)", d.hosts_degraded, w.hosts_degraded),
        (cols[2], "Hands-on hosts (what if)", d.hands_on_hosts, w.hands_on_hosts),
        (
            cols[3],
            "Critical functions lost (what if)",
            d.critical_functions_lost,
            w.critical_functions_lost,
        ),
    ):
        col.metric(label, f"{after:,}", delta=f"{after - before:,}", delta_color="inverse")
    st.caption(
        "; ".join(sorted({f.rollout_explanation for f in w.failing if f.channel == sim.channel}))
        or "no failing node arrives through this channel"
    )
    rows = pd.DataFrame(simulation_rows(sim), columns=["metric", "declared", "what_if", "avoided"])
    table(rows, "what-if", key="whatif-table")
