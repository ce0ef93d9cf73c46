# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def do_scrap(self):
        res = super().do_scrap()
        self._quality_nonconformance_from_integration()
        return res

    def _quality_nonconformance_from_integration(self):
        """Scrap recorded by another system's technical user (the MES) opens a
        nonconformance for the quality connectors that ask for it."""
        Connector = self.env["mfg.connector"].sudo()
        # the scrap's author is an integration, not a person on the floor
        source = Connector.search(
            [("technical_user_id", "=", self.env.uid), ("kind", "!=", "quality")],
            limit=1,
        )
        if not source:
            return
        for scrap in self:
            quality = Connector.search(
                [
                    ("kind", "=", "quality"),
                    ("state", "=", "active"),
                    ("quality_nc_from_mes_scrap", "=", True),
                    ("company_id", "=", scrap.company_id.id),
                ],
                limit=1,
            )
            if quality:
                scrap._quality_open_scrap_nonconformance(quality)

    def _quality_open_scrap_nonconformance(self, connector):
        self.ensure_one()
        # sudo: the MES technical user records scrap, not nonconformances; the
        # nonconformance is the system's record of it, in the scrap's company.
        nc = (
            self.env["mfg.quality.nonconformance"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "company_id": self.company_id.id,
                    "connector_id": connector.id,
                    "source": "mes_scrap",
                    "severity": connector.quality_default_severity or "major",
                    "product_id": self.product_id.id,
                    "lot_id": self.lot_id.id,
                    "quantity": self.product_uom_id._compute_quantity(
                        self.scrap_qty, self.product_id.uom_id
                    ),
                    "production_id": self.production_id.id,
                    "description": self.origin or self.name,
                }
            )
        )
        disposition = nc._quality_record_disposition(
            "scrap", nc.quantity, decided_by=self.env.user.name, move_stock=False
        )
        disposition.scrap_ids = self
        return nc
