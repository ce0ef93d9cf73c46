# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..core import flows as plm_flows


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    code = fields.Selection(
        selection_add=[(code, label) for code, label in plm_flows.FLOW_LABELS.items()],
        ondelete=dict.fromkeys(plm_flows.FLOW_LABELS, "cascade"),
    )
    payload_format = fields.Selection(
        selection_add=[(plm_flows.ODATA, "OData entities (part / BOM services)")],
        ondelete={plm_flows.ODATA: "set default"},
    )

    def _get_flow_specs(self):
        specs = super()._get_flow_specs()
        specs.update(plm_flows.FLOW_SPECS)
        return specs
