# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgPlmChangeItem(models.Model):
    _name = "mfg.plm.change.item"
    _description = "Item affected by an engineering change"
    _order = "change_id, id"

    change_id = fields.Many2one(
        "mfg.plm.change", required=True, ondelete="cascade", index=True
    )
    part_number = fields.Char(required=True)
    from_revision = fields.Char()
    to_revision = fields.Char(required=True)
    product_tmpl_id = fields.Many2one("product.template", string="Product")
