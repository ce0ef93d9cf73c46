# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgQualityInspectionLine(models.Model):
    _name = "mfg.quality.inspection.line"
    _description = "Measured Characteristic"
    _order = "inspection_id, sequence, id"

    inspection_id = fields.Many2one(
        "mfg.quality.inspection", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="inspection_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Characteristic", required=True)
    value = fields.Char(help="Measured value, as sent by the quality system.")
    unit = fields.Char()
    nominal = fields.Float(digits=(16, 6), help="Target value of the drawing.")
    has_nominal = fields.Boolean()
    lower_limit = fields.Float(digits=(16, 6))
    upper_limit = fields.Float(digits=(16, 6))
    has_lower_limit = fields.Boolean()
    has_upper_limit = fields.Boolean()
    verdict = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail")],
        help="Given by the quality system, else computed from the limits; "
        "empty when it cannot be judged.",
    )
