# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MrpWorkcenterProductivity(models.Model):
    _inherit = "mrp.workcenter.productivity"

    mfg_maintenance_request_id = fields.Many2one(
        "maintenance.request",
        string="Maintenance Request",
        index=True,
        help="The maintenance alert that blocks the work center; the block ends "
        "when this request is done.",
    )
