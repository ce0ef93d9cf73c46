# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgConnectorTemplateImport(models.TransientModel):
    _inherit = "mfg.connector.template.import"

    mes_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Site (warehouse)",
        domain="[('company_id', '=', company_id)]",
        help="The plant of the new MES connector (a template never carries the "
        "first site's warehouse).",
    )

    def _prepare_asked_values(self):
        values = super()._prepare_asked_values()
        values["mes_warehouse_id"] = self.mes_warehouse_id.id
        return values
