# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..core import flows as mes_flows


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    code = fields.Selection(
        selection_add=[(code, label) for code, label in mes_flows.FLOW_LABELS.items()],
        ondelete={code: "cascade" for code in mes_flows.FLOW_LABELS},
    )
    payload_format = fields.Selection(
        selection_add=[(mes_flows.B2MML, "B2MML (ISA-95, MESA V0700)")],
        ondelete={mes_flows.B2MML: "set default"},
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # MES events of one MO must run one at a time: the ordered channel
            # (capacity 1 in the queue_job configuration)
            if vals.get("code") in mes_flows.INBOUND_FLOWS and not vals.get("channel"):
                vals["channel"] = mes_flows.ORDERED_CHANNEL
        return super().create(vals_list)

    def _get_flow_specs(self):
        specs = super()._get_flow_specs()
        specs.update(mes_flows.FLOW_SPECS)
        return specs
