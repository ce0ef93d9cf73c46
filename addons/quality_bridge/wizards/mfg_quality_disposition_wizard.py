# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MfgQualityDispositionWizard(models.TransientModel):
    _name = "mfg.quality.disposition.wizard"
    _description = "Record a Disposition"

    nonconformance_id = fields.Many2one("mfg.quality.nonconformance", required=True)
    disposition = fields.Selection(
        [
            ("release", "Release"),
            ("scrap", "Scrap"),
            ("rework", "Rework"),
            ("return_to_vendor", "Return to vendor"),
        ],
        required=True,
        default="release",
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    product_uom_id = fields.Many2one(related="nonconformance_id.product_uom_id")
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        nc = self.env["mfg.quality.nonconformance"].browse(
            res.get("nonconformance_id") or self.env.context.get("active_id")
        )
        if nc:
            res["nonconformance_id"] = nc.id
            res.setdefault("quantity", nc.quantity_remaining)
        return res

    def action_confirm(self):
        self.ensure_one()
        # the same checks as for the quality system's messages: their errors
        # are UserErrors, shown to the person
        self.nonconformance_id._quality_record_disposition(
            self.disposition, self.quantity, note=self.note
        )
        return {"type": "ir.actions.act_window_close"}
