# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MrpBom(models.Model):
    _inherit = "mrp.bom"

    plm_revision = fields.Char(string="PLM revision", copy=False, index=True)
    plm_change_id = fields.Many2one(
        "mfg.plm.change",
        string="Engineering change",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
