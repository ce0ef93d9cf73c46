# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..core import flows as plm_flows


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _get_inbound_handlers(self):
        handlers = super()._get_inbound_handlers()
        handlers[plm_flows.ITEM_RELEASED] = self._handle_plm_item_released
        handlers[plm_flows.BOM_RELEASED] = self._handle_plm_bom_released
        handlers[plm_flows.CHANGE_RELEASED] = self._handle_plm_change_released
        return handlers

    def _handle_plm_item_released(self, payload):
        return self.env["mfg.plm.change"]._plm_receive(self, "item", payload)

    def _handle_plm_bom_released(self, payload):
        return self.env["mfg.plm.change"]._plm_receive(self, "bom", payload)

    def _handle_plm_change_released(self, payload):
        return self.env["mfg.plm.change"]._plm_receive(self, "change", payload)
