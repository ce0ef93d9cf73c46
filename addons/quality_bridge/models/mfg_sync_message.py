# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..core import flows as qb_flows


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _get_inbound_handlers(self):
        handlers = super()._get_inbound_handlers()
        handlers.update(
            {
                qb_flows.FLOW_INSPECTION_RESULT: self._handle_quality_inspection_result,
                qb_flows.FLOW_DISPOSITION_DECIDED: (
                    self._handle_quality_disposition_decided
                ),
                qb_flows.FLOW_MAINTENANCE_ALERT: self._handle_maintenance_alert,
            }
        )
        return handlers

    def _handle_quality_inspection_result(self, payload):
        """Fail: quarantine, hold, nonconformance. Pass: release a held lot."""
        return self.env["mfg.quality.inspection"]._quality_apply_result(
            self.connector_id, payload
        )

    def _handle_quality_disposition_decided(self, payload):
        """Release / scrap / rework / return to vendor on a nonconformance."""
        return self.env["mfg.quality.disposition"]._quality_apply_decision(
            self.connector_id, payload
        )

    def _handle_maintenance_alert(self, payload):
        """One maintenance request per alert id, optionally blocking the work center."""
        return self.env["maintenance.request"]._quality_apply_alert(
            self.connector_id, payload
        )
