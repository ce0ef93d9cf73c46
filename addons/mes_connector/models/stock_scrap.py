# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    @api.model
    def _mes_scrap(
        self,
        production,
        product,
        quantity,
        lot=None,
        workorder=None,
        location=None,
        reason=None,
    ):
        """Scrap what the MES reported for ``production`` (``quantity`` in the
        product's unit), done at once. ``reason``: the MES's reason, a scrap
        reason tag of that name when there is one, else kept in the origin."""
        tags = self.env["stock.scrap.reason.tag"]
        if reason:
            tags = tags.search([("name", "=ilike", reason)], limit=1)
        vals = {
            "product_id": product.id,
            "product_uom_id": product.uom_id.id,
            "scrap_qty": quantity,
            "lot_id": lot.id if lot else False,
            "production_id": production.id,
            "workorder_id": workorder.id if workorder else False,
            "company_id": production.company_id.id,
            "origin": f"{production.name} (MES: {reason})"
            if reason and not tags
            else production.name,
            "scrap_reason_tag_ids": [(6, 0, tags.ids)],
        }
        if location:
            vals["location_id"] = location.id
        scrap = self.create(vals)
        scrap.do_scrap()
        # Computed now, alone: Odoo's mrp compute of scrap_qty, run for several
        # scraps at once (an optimistic batch's flush), keeps 1 for all but
        # the first.
        scrap._recompute_recordset()
        return scrap
