# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgPlmManufacturerPart(models.Model):
    _name = "mfg.plm.manufacturer.part"
    _description = "Approved manufacturer part (from the PLM)"
    _order = "product_tmpl_id, sequence, id"

    product_tmpl_id = fields.Many2one(
        "product.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    manufacturer_name = fields.Char(required=True)
    manufacturer_part_number = fields.Char(required=True)
