# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""B2MML verb model: acknowledge a shop-floor event whose Process verb asked for
it, once Odoo has applied it (Accepted) or refused it for good (Rejected), on
the connector's mes.performance.acknowledged flow when it has one."""

import logging

from lxml import etree

from odoo import models

from odoo.addons.mfg_integration_base.core import xmldoc

from ..core import b2mml_acknowledge
from ..core import flows as mes_flows

_logger = logging.getLogger(__name__)


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _mfg_outcome_reached(self, state, record=None):
        res = super()._mfg_outcome_reached(state, record=record)
        if state in ("done", "failed", "dead"):
            self._mes_b2mml_acknowledge(state == "done")
        return res

    def _mes_b2mml_acknowledge(self, accepted):
        if not (
            self.direction == "inbound"
            and self.content_type == "application/xml"
            and self.flow_id.code in mes_flows.INBOUND_FLOWS
            and self.flow_id.payload_format == mes_flows.B2MML
        ):
            return
        connector = self.connector_id.sudo()
        if not connector.flow_ids.filtered(
            lambda f: f.code == mes_flows.PERFORMANCE_ACKNOWLEDGED and f.active
        ):
            return
        try:
            request = b2mml_acknowledge.acknowledgement_request(
                xmldoc.parse(self.payload_raw)
            )
        except (xmldoc.XmlDocumentError, etree.LxmlError):
            # The engine refused such a body already; nothing to acknowledge.
            return
        if not b2mml_acknowledge.wanted(request, accepted):
            return
        payload = {
            "flow": self.flow_id.code,
            "status": "accepted" if accepted else "rejected",
            "ordering_key": self.ordering_key,
            "sequence": self.sequence,
            **{k: v for k, v in request.items() if k != "code" and v},
        }
        if not accepted and self.error_text:
            payload["reason"] = self.error_text[:1000]
        if not (self.ordering_key and self.sequence):
            _logger.info("mfg message %s: no ordering key to acknowledge", self.id)
            return
        key = f"ack:{self.idempotency_key}:{payload['status']}"
        if self.sudo().search_count(
            [
                ("connector_id", "=", connector.id),
                ("direction", "=", "outbound"),
                ("idempotency_key", "=", key),
            ],
            limit=1,
        ):
            return  # this outcome was acknowledged already (a replay)
        connector._emit(
            mes_flows.PERFORMANCE_ACKNOWLEDGED,
            payload,
            record=self._get_business_record() or None,
            idempotency_key=key,
        )
