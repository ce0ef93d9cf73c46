# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgPlmChangeDiff(models.Model):
    _name = "mfg.plm.change.diff"
    _description = "BOM difference of an engineering change"
    _order = "change_id, sequence, id"

    change_id = fields.Many2one(
        "mfg.plm.change", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    bom_part_number = fields.Char(
        string="BOM of", help="Part number of the parent of this BOM."
    )
    kind = fields.Selection(
        [("bom", "BOM"), ("component", "Component"), ("operation", "Operation")],
        required=True,
    )
    change_type = fields.Selection(
        [
            ("new", "New BOM"),
            ("added", "Added"),
            ("removed", "Removed"),
            ("changed", "Changed"),
        ],
        required=True,
    )
    key = fields.Char(string="Component / operation", required=True)
    old_value = fields.Char(string="Before")
    new_value = fields.Char(string="After")
    description = fields.Char()
