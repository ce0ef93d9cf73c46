# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..core import flows as qb_flows


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    code = fields.Selection(
        selection_add=qb_flows.FLOW_LABELS,
        ondelete={code: "cascade" for code, _label in qb_flows.FLOW_LABELS},
    )
    payload_format = fields.Selection(
        selection_add=[(qb_flows.QIF, "QIF 3.0 Results")],
        ondelete={qb_flows.QIF: "set default"},
    )

    def _get_flow_specs(self):
        specs = super()._get_flow_specs()
        specs.update(qb_flows.FLOW_SPECS)
        return specs
