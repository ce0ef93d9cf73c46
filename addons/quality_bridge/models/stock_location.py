# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    mfg_quarantine = fields.Boolean(
        string="Quarantine",
        copy=False,
        index=True,
        help="Quality quarantine: failed lots wait here for a disposition.",
    )
