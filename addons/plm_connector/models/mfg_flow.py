# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.mfg_integration_base.models.mfg_flow import flow_fields

from ..core import flows as plm_flows


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    _mfg_flows, code, payload_format = flow_fields(plm_flows.FLOWS)
