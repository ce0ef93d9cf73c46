# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.mfg_integration_base.exceptions import MfgValidationError


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    kind = fields.Selection(
        selection_add=[("quality", "Quality / maintenance")],
        ondelete={"quality": "set default"},
    )
    quality_procurement_user_id = fields.Many2one(
        "res.users",
        string="Procurement Contact",
        help="Gets supplier activities when the purchase order has no buyer.",
        mfg_template="quality",
    )
    quality_planner_user_id = fields.Many2one(
        "res.users",
        string="Rework Planner",
        help="Gets rework activities when the manufacturing order has no responsible.",
        mfg_template="quality",
    )
    quality_nc_from_mes_scrap = fields.Boolean(
        string="Nonconformances from MES Scrap",
        help="Scrap recorded in Odoo by another connector's technical user (the MES) "
        "opens a nonconformance (source MES scrap, already dispositioned as scrap), "
        "announced to this quality system.",
        mfg_template="quality",
    )
    quality_default_severity = fields.Selection(
        [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")],
        string="Default Severity",
        default="major",
        mfg_template="quality",
    )

    # ------------------------------------------------------------------
    # Resolution of payload references: never an Odoo id from the payload.
    # ------------------------------------------------------------------
    def _quality_company_domain(self):
        self.ensure_one()
        company = self.company_id or self.env.company
        return [("company_id", "in", [company.id, False])]

    def _quality_resolve_product(self, ref):
        """Product by external id bound on this connector, else internal reference."""
        self.ensure_one()
        product = self._mfg_resolve("product.product", ref)
        if product:
            return product
        products = self.env["product.product"].search(
            [("default_code", "=", ref)] + self._quality_company_domain(), limit=2
        )
        if not products:
            raise MfgValidationError(self.env._("Unknown product %(ref)s.", ref=ref))
        if len(products) > 1:
            raise MfgValidationError(
                self.env._("Product reference %(ref)s is ambiguous.", ref=ref)
            )
        return products

    def _quality_resolve_lot(self, product, ref):
        """Lot by name within the product (and the connector's company)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        Lot = self.env["stock.lot"]
        lot = Lot.search(
            [
                ("name", "=", ref),
                ("product_id", "=", product.id),
                ("company_id", "in", [company.id, False]),
            ],
            limit=1,
        )
        if lot:
            return lot
        other = Lot.search(
            [("name", "=", ref), ("company_id", "in", [company.id, False])], limit=1
        )
        if other:
            raise MfgValidationError(
                self.env._(
                    "Lot %(lot)s belongs to product %(other)s, not to %(product)s.",
                    lot=ref,
                    other=other.product_id.display_name,
                    product=product.display_name,
                ),
                record=other,
            )
        raise MfgValidationError(
            self.env._(
                "Unknown lot %(lot)s for product %(product)s.",
                lot=ref,
                product=product.display_name,
            ),
            record=product.product_tmpl_id,
        )

    def _quality_resolve_equipment(self, ref):
        """Equipment by external id bound on this connector, else name or serial."""
        self.ensure_one()
        equipment = self._mfg_resolve("maintenance.equipment", ref)
        if equipment:
            return equipment
        domain = ["|", ("name", "=", ref), ("serial_no", "=", ref)]
        equipment = self.env["maintenance.equipment"].search(
            domain + self._quality_company_domain(), limit=2
        )
        if not equipment:
            raise MfgValidationError(self.env._("Unknown equipment %(ref)s.", ref=ref))
        if len(equipment) > 1:
            raise MfgValidationError(
                self.env._(
                    "Equipment %(ref)s is ambiguous (name or serial of several).",
                    ref=ref,
                )
            )
        return equipment

    def _quality_resolve_workcenter_equipment(self, ref):
        """The equipment of a work center given by code or name."""
        self.ensure_one()
        workcenter = self._mfg_resolve("mrp.workcenter", ref)
        if not workcenter:
            workcenter = self.env["mrp.workcenter"].search(
                ["|", ("code", "=", ref), ("name", "=", ref)]
                + self._quality_company_domain(),
                limit=1,
            )
        if not workcenter:
            raise MfgValidationError(
                self.env._("Unknown work center %(ref)s.", ref=ref)
            )
        equipment = workcenter.mfg_equipment_ids[:1]
        if not equipment:
            raise MfgValidationError(
                self.env._(
                    "Work center %(wc)s has no equipment.", wc=workcenter.display_name
                ),
                record=workcenter,
            )
        return equipment

    def _quality_resolve_nonconformance(self, ref):
        self.ensure_one()
        nc = self._mfg_resolve("mfg.quality.nonconformance", ref)
        if not nc:
            nc = self.env["mfg.quality.nonconformance"].search(
                [
                    ("name", "=", ref),
                    ("company_id", "=", (self.company_id or self.env.company).id),
                ],
                limit=1,
            )
        if not nc:
            raise MfgValidationError(
                self.env._("Unknown nonconformance %(ref)s.", ref=ref)
            )
        return nc
