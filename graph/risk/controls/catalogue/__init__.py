"""The control catalogue of shared/domain/controls.md, namespaced ``KG-``.

Evidence, severity guidance and framework references are copied verbatim from
controls.md §2 (and §3 for the composite July-2024 pattern); remediation text is the
project's. Where controls.md only names the kernel case, rules grade other privileges
Medium (project policy, see the rule modules). Not encoded: SD-05 (register incl.
subcontractors) and SD-06 (pre-contract assessment): the model has no attribute for them.

One module per control family (``rollout`` SR, ``customer`` CC, ``validation`` VT,
``kernel`` KM, ``recovery`` RR, ``dependency`` SD, ``transparency`` TR, ``pattern``); this
package lists them in catalogue order.
"""

from __future__ import annotations

from graph.risk.controls.base import Control
from graph.risk.controls.catalogue.customer import CC_01, CC_02, CC_03
from graph.risk.controls.catalogue.dependency import SD_01, SD_02, SD_03, SD_04
from graph.risk.controls.catalogue.kernel import KM_01, KM_02
from graph.risk.controls.catalogue.pattern import PATTERN_0719
from graph.risk.controls.catalogue.recovery import RR_01, RR_02, RR_03, RR_04
from graph.risk.controls.catalogue.rollout import SR_01, SR_02, SR_03, SR_04, SR_05, SR_06, SR_07
from graph.risk.controls.catalogue.transparency import TR_01, TR_02, TR_03
from graph.risk.controls.catalogue.validation import VT_01, VT_02, VT_03, VT_04, VT_05

__all__ = [
    "CC_01",
    "CC_02",
    "CC_03",
    "CONTROLS",
    "KM_01",
    "KM_02",
    "PATTERN_0719",
    "RR_01",
    "RR_02",
    "RR_03",
    "RR_04",
    "SD_01",
    "SD_02",
    "SD_03",
    "SD_04",
    "SR_01",
    "SR_02",
    "SR_03",
    "SR_04",
    "SR_05",
    "SR_06",
    "SR_07",
    "TR_01",
    "TR_02",
    "TR_03",
    "VT_01",
    "VT_02",
    "VT_03",
    "VT_04",
    "VT_05",
    "control",
]

CONTROLS: tuple[Control, ...] = (
    PATTERN_0719,
    SR_01,
    SR_02,
    SR_03,
    SR_04,
    SR_05,
    SR_06,
    SR_07,
    CC_01,
    CC_02,
    CC_03,
    VT_01,
    VT_02,
    VT_03,
    VT_04,
    VT_05,
    KM_01,
    KM_02,
    RR_01,
    RR_02,
    RR_03,
    RR_04,
    SD_01,
    SD_02,
    SD_03,
    SD_04,
    TR_01,
    TR_02,
    TR_03,
)
_BY_ID = {c.id: c for c in CONTROLS}


def control(control_id: str) -> Control:
    """The catalogue entry for ``KG-...``; raises ``KeyError`` for an unknown id."""
    return _BY_ID[control_id]
