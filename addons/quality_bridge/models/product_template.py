# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    mfg_inspection_required = fields.Boolean(
        string="Inspection Required",
        help="When a receipt or a manufacturing order of this product is done, "
        "Odoo asks the quality system to inspect it (quality.inspection.requested).",
    )
