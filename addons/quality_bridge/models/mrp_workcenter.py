# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MrpWorkcenter(models.Model):
    _inherit = "mrp.workcenter"

    mfg_equipment_ids = fields.One2many(
        "maintenance.equipment", "mfg_workcenter_id", string="Equipment"
    )
    mfg_blocking_request_ids = fields.Many2many(
        "maintenance.request",
        compute="_compute_mfg_blocking_request_ids",
        string="Blocking Maintenance Requests",
    )
    mfg_block_reason = fields.Char(
        compute="_compute_mfg_blocking_request_ids",
        string="Blocked By",
        help="Maintenance requests that block this work center until they are done.",
    )

    def _compute_mfg_blocking_request_ids(self):
        """Requests whose alert blocks the work center (open block time logs)."""
        logs = self.env["mrp.workcenter.productivity"].search(
            [
                ("workcenter_id", "in", self.ids),
                ("date_end", "=", False),
                ("mfg_maintenance_request_id", "!=", False),
            ]
        )
        for workcenter in self:
            requests = logs.filtered(
                lambda log, wc=workcenter: log.workcenter_id == wc
            ).mfg_maintenance_request_id
            workcenter.mfg_blocking_request_ids = requests
            # sudo: planners may not see maintenance requests (Odoo shows users
            # only the requests they follow); they only get the names here.
            workcenter.mfg_block_reason = ", ".join(
                requests.sudo().mapped("display_name")
            )

    def _quality_block(self, request):
        """Block the work center the way Odoo does it (an open "Equipment
        Failure" time log): Odoo then refuses to start its work orders, and
        planning refuses manufacturing orders that need it."""
        loss = self.env.ref("mrp.block_reason1", raise_if_not_found=False) or self.env[
            "mrp.workcenter.productivity.loss"
        ].search([("loss_type", "=", "availability")], limit=1)
        Log = self.env["mrp.workcenter.productivity"]
        for workcenter in self:
            Log.create(
                {
                    "workcenter_id": workcenter.id,
                    "company_id": workcenter.company_id.id or request.company_id.id,
                    "loss_id": loss.id,
                    "description": self.env._(
                        "Blocked by maintenance request %(req)s",
                        req=request.display_name,
                    ),
                    "mfg_maintenance_request_id": request.id,
                }
            )
        return True
