# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The handlers the MES flows declare (core/flows.py), under the names and
signature of the engine's contract: ``mrp.production._mes_receive_<event>(message,
payload)``. Until the handlers themselves move here from mfg.sync.message
(issue 14 item 2), each delegates to the message's; what the MES reports is not
sent back to it as mes.order.changed."""

from odoo import api, models

from .mrp_production import SKIP_OUTBOUND


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    @api.model
    def _mes_receive_operation_event(self, message, payload):
        return message.with_context(
            **{SKIP_OUTBOUND: True}
        )._handle_mes_operation_event(payload)

    @api.model
    def _mes_receive_material_consumed(self, message, payload):
        return message.with_context(
            **{SKIP_OUTBOUND: True}
        )._handle_mes_material_consumed(payload)

    @api.model
    def _mes_receive_scrap_reported(self, message, payload):
        return message.with_context(**{SKIP_OUTBOUND: True})._handle_mes_scrap_reported(
            payload
        )

    @api.model
    def _mes_receive_production_completed(self, message, payload):
        return message.with_context(
            **{SKIP_OUTBOUND: True}
        )._handle_mes_production_completed(payload)

    @api.model
    def _mes_receive_downtime_reported(self, message, payload):
        return message.with_context(
            **{SKIP_OUTBOUND: True}
        )._handle_mes_downtime_reported(payload)
