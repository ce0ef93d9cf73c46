# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def button_plan(self):
        """Refuse to plan work orders on a work center blocked by an open
        maintenance request: the schedule would be a promise the shop cannot keep."""
        self._quality_check_blocked_workcenters()
        return super().button_plan()

    def _quality_check_blocked_workcenters(self):
        for production in self.filtered(lambda mo: not mo.is_planned):
            workorders = production.workorder_ids.filtered(
                lambda wo: wo.state not in ("done", "cancel")
            )
            for workcenter in workorders.workcenter_id:
                if workcenter.mfg_block_reason:
                    raise UserError(
                        self.env._(
                            "%(mo)s cannot be planned: work center %(wc)s is blocked "
                            "by maintenance request %(req)s until it is done.",
                            mo=production.name,
                            wc=workcenter.display_name,
                            req=workcenter.mfg_block_reason,
                        )
                    )
