# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

LIFECYCLE_STATES = [
    ("design", "In design"),
    ("prototype", "Prototype"),
    ("released", "Released"),
    ("obsolete", "Obsolete"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    plm_part_number = fields.Char(
        string="PLM part number",
        compute="_compute_plm_part_number",
        search="_search_plm_part_number",
        help="Part number of this product in the PLM (its external id there).",
    )
    plm_revision = fields.Char(
        string="PLM revision",
        copy=False,
        tracking=True,
        help="Revision of the last item or BOM release applied from the PLM.",
    )
    plm_lifecycle_state = fields.Selection(
        LIFECYCLE_STATES, string="PLM lifecycle state", copy=False, tracking=True
    )
    plm_attributes = fields.Text(string="PLM attributes", copy=False)
    plm_manufacturer_part_ids = fields.One2many(
        "mfg.plm.manufacturer.part", "product_tmpl_id", string="Approved manufacturers"
    )
    plm_change_ids = fields.One2many(
        "mfg.plm.change", "product_tmpl_id", string="Engineering changes"
    )

    def _compute_plm_part_number(self):
        # Bindings are integration records: read them without the user's rights.
        bindings = (
            self.env["mfg.external.id"]
            .sudo()
            .search(
                [("model", "=", "product.template"), ("res_id", "in", self.ids)],
                order="id",
            )
        )
        by_record = {}
        for binding in bindings:
            by_record.setdefault(binding.res_id, binding.external_id)
        for template in self:
            template.plm_part_number = by_record.get(template.id, False)

    @api.model
    def _search_plm_part_number(self, operator, value):
        bindings = (
            self.env["mfg.external.id"]
            .sudo()
            .search(
                [("model", "=", "product.template"), ("external_id", operator, value)]
            )
        )
        return [("id", "in", bindings.mapped("res_id"))]
