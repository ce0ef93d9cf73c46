# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..core import flows as scheduler_flows


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    code = fields.Selection(
        selection_add=scheduler_flows.FLOW_SELECTION,
        ondelete={code: "cascade" for code, _label in scheduler_flows.FLOW_SELECTION},
    )

    def _get_flow_specs(self):
        specs = super()._get_flow_specs()
        specs.update(scheduler_flows.FLOW_SPECS)
        return specs
