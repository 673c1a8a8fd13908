"""Missing-control rules (controls.md catalogue) and the findings they produce.

Import from the modules: :mod:`.engine` (``evaluate_controls``), :mod:`.base` (``Finding``,
``ControlsPolicy``), :mod:`.catalogue` (``CONTROLS``). This package module stays empty so
:mod:`graph.risk.concentration` can import the channel predicates without a cycle.
"""
