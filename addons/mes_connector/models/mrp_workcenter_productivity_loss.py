# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MrpWorkcenterProductivityLoss(models.Model):
    _inherit = "mrp.workcenter.productivity.loss"

    mes_code = fields.Char(
        string="MES Code",
        index=True,
        help="Reason code the MES sends in mes.downtime.reported.",
    )

    _sql_constraints = [
        (
            "mes_code_uniq",
            "unique(mes_code)",
            "An MES reason code names one loss reason.",
        ),
    ]

    @api.model
    def _mes_find(self, code):
        """Loss reason for an MES reason code: by MES code, else by exact name."""
        loss = self.search([("mes_code", "=", code)], limit=1)
        if not loss:
            loss = self.search([("name", "=ilike", code)], limit=1)
        return loss
