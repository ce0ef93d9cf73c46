# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.osv import expression


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        """Reservation never picks a lot on quality hold.

        Only the non-strict gathering (reservation and availability) is
        filtered: quant updates of an explicit lot (strict) stay untouched.
        """
        domain = super()._get_gather_domain(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )
        if strict or product_id.tracking == "none":
            return domain
        return expression.AND(
            [
                domain,
                ["|", ("lot_id", "=", False), ("lot_id.mfg_quality_hold", "=", False)],
            ]
        )
