# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MrpWorkcenterProductivity(models.Model):
    _inherit = "mrp.workcenter.productivity"

    mes_tracked = fields.Boolean(
        string="From MES",
        readonly=True,
        copy=True,
        help="Time record written from an MES event, with the event's own times.",
    )
