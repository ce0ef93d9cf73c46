# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ready-made connector templates (recipes) shipped with the suite: the import
wizard loads one instead of a file. The files are under data/templates/, in
the template format, and can be downloaded, edited and imported as files too."""

import json
import os

from odoo import api, fields, models

RECIPE_DIR = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "data", "templates"
)
RECIPES = {
    "warehouse": "warehouse.json",
    "supplier_portal": "supplier_portal.json",
    "finance_feed": "finance_feed.json",
}


def read_recipe(recipe):
    with open(os.path.join(RECIPE_DIR, RECIPES[recipe]), encoding="utf-8") as handle:
        return handle.read()


class MfgConnectorTemplateImport(models.TransientModel):
    _inherit = "mfg.connector.template.import"

    recipe = fields.Selection(
        [
            (
                "warehouse",
                "Warehouse system (receipts, transfers, lots; confirmations)",
            ),
            ("supplier_portal", "Supplier portal (purchase orders; shipping notices)"),
            ("finance_feed", "Finance and analytics (invoices posted; CSV feed)"),
        ],
        string="Ready-made template",
        help="A template shipped with the suite, instead of a file.",
    )

    @api.onchange("recipe")
    def _onchange_recipe(self):
        if not self.recipe:
            return
        raw = read_recipe(self.recipe)
        template = json.loads(raw)
        self.template_json = raw
        self.code = self.code or template.get("code")
        self.name = self.name or template.get("connector", {}).get("name")
