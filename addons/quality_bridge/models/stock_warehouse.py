# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    mfg_quarantine_location_id = fields.Many2one(
        "stock.location",
        string="Quarantine Location",
        check_company=True,
        copy=False,
        help="Internal location under the warehouse, outside its stock location, "
        "where failed lots wait for a disposition. Nothing reserves from it.",
    )

    def _get_locations_values(self, vals, code=False):
        """New warehouses get their quarantine location with the others.

        It is created under the warehouse's view location, beside (not under)
        its stock location: deliveries and manufacturing orders reserve from
        the stock location's tree, so they never take quarantined goods.
        """
        values = super()._get_locations_values(vals, code=code)
        company_id = vals.get(
            "company_id", self.default_get(["company_id"])["company_id"]
        )
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        values["mfg_quarantine_location_id"] = self._quality_quarantine_location_vals(
            code, company_id
        )
        return values

    def _quality_quarantine_location_vals(self, code, company_id):
        return {
            "name": self.env._("Quarantine"),
            "active": True,
            "usage": "internal",
            "replenish_location": False,
            "mfg_quarantine": True,
            "barcode": self._valid_barcode(code + "QUARANTINE", company_id),
        }

    def _quality_ensure_quarantine_location(self):
        """Create the quarantine location of warehouses that have none."""
        Location = self.env["stock.location"].with_context(active_test=False)
        for warehouse in self.filtered(lambda w: not w.mfg_quarantine_location_id):
            vals = warehouse._quality_quarantine_location_vals(
                (warehouse.code or "").replace(" ", "").upper(), warehouse.company_id.id
            )
            vals.update(
                location_id=warehouse.view_location_id.id,
                company_id=warehouse.company_id.id,
            )
            warehouse.mfg_quarantine_location_id = Location.create(vals)
        return True
