# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PLM simulator: releases items and BOM revisions with their engineering change."""

from . import scenario
from .base import Simulator


class PlmSimulator(Simulator):
    kind = "plm"

    def release_engineering_change(self):
        """ECO-PLANT-7 and the BOM revision B it brings."""
        self.send("plm.change.released", scenario.change_release())
        return self.send("plm.bom.released", scenario.bom_release_rev_b())

    def release_item(self, part_number="PLANT-VALVE", revision="A", name=None):
        payload = scenario.item_release(part_number, revision, name or "Relief valve")
        return self.send("plm.item.released", payload)
