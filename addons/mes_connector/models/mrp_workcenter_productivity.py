# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MrpWorkcenterProductivity(models.Model):
    _inherit = "mrp.workcenter.productivity"

    mes_tracked = fields.Boolean(
        string="From MES",
        readonly=True,
        copy=True,
        help="Time record written from an MES event, with the event's own times.",
    )

    @api.model
    def _mes_record_downtime(
        self, production, workcenter, loss, start, end, workorder=None, details=()
    ):
        """The work center's time record of an MES downtime, with the event's
        times; ``details``: what the MES said (operator, description)."""
        description = " - ".join(
            part for part in (self.env._("MES downtime"), *details) if part
        )
        if workorder:
            # named in the text only: a work order's time records are its working
            # time (duration, cost); downtime belongs to the work center
            description = f"{description} - {workorder.display_name}"
        return self.create(
            {
                "workcenter_id": workcenter.id,
                "loss_id": loss.id,
                "date_start": start,
                "date_end": end,
                "description": description,
                "company_id": production.company_id.id,
                "mes_tracked": True,
            }
        )
