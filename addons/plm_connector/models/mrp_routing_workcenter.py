# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MrpRoutingWorkcenter(models.Model):
    _inherit = "mrp.routing.workcenter"

    plm_ref = fields.Char(
        string="PLM operation", help="Reference of the operation in the PLM routing."
    )
    plm_setup_time = fields.Float(
        string="Setup time (min)", help="Setup time from the PLM routing, in minutes."
    )
